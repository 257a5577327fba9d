// Lesson 6's page state (issue 16): the settings (mirrored into the URL, ?kind=meadow&seed=5&steps=20&defect=blob
// &at=10), the five manifests, and every job the lesson runs on the page's engine, one after another: the cascade
// (CDM, Ho et al. 2022: base-64 → sr-256 → sr-1024) then the latent pipeline (LDM, Rombach et al. 2022: latent-64,
// one decode), so their times never share the device; then the same defect into the cascade's 64² image (lesson
// 3's propagation job) and into the latent half-way and after the last step (lesson 5's edits).
import { replaceState } from '$app/navigation';
import type { LatentFrame } from '$lib/engine/latent-job';
import type { EngineErrorCode } from '$lib/engine/protocol';
import { pageEngine, type EngineState } from '$lib/state/engine.svelte';
import { enumParam, intParam, UrlState } from '$lib/state/url.svelte';
import { CascadeChain } from '../cascade-chain.svelte';
import { runCascadeChain } from '../cascade-engine';
import { KINDS, MAX_SEED, type KindChoice } from '../reverse-settings';
import { disturbFigures, type DisturbFigures } from '../latent-diffusion/disturb';
import { latentFacts, signalAt, unclippedPreview, type LatentFacts } from '../latent-diffusion/latent-facts';
import { LatentSlot, type LatentEngine } from '../latent-diffusion/latent-lesson.svelte';
import { disturbEdits, linkNotes, type LinkNote } from '../latent-diffusion/latent-settings';
import { allStages, summarise, speedUp, type StageFacts, type StageMeasure } from './compare-figures';
import { CASCADE, CHANNELS, compareKey, compareLatentJob, cascadeRequest, DEFAULT_STEPS, DEFECT_PRESETS, LATENT, midStep, snapCompareSteps, STEP_CHOICES, type CompareModel, type CompareSettings, type DefectPreset } from './compare-settings';

export type ManifestState = { status: 'loading' } | { status: 'ready'; raw: unknown } | { status: 'missing'; detail: string };
export type RunState = 'idle' | 'running' | 'done' | 'error';

/** The cascade's defect against its clean chain: lesson 5's figures (injected at 64², reached at 1024²) and the 256² energy between. */
export interface CascadeDefect extends DisturbFigures {
  energies: number[];
}

const STEP_VALUES = STEP_CHOICES.map(String);

export class CompareLesson {
  readonly url = new UrlState(
    {
      // Lesson 3's propagation start (a meadow at seed 5), so the cascade's half reads beside its table.
      kind: enumParam(KINDS, 'meadow'),
      seed: intParam(0, MAX_SEED, 5),
      steps: enumParam(STEP_VALUES, String(DEFAULT_STEPS)),
      defect: enumParam(DEFECT_PRESETS, 'blob'),
      // The latent's half-way defect goes in after this many steps (clamped below the step count).
      at: intParam(1, 49, DEFAULT_STEPS / 2),
    },
    // eslint-disable-next-line svelte/no-navigation-without-resolve -- this page's own URL with new query values
    { write: (url) => replaceState(url, {}) },
  );

  manifests = $state<Record<CompareModel, ManifestState>>(Object.fromEntries([...CASCADE, ...LATENT].map((m) => [m, { status: 'loading' }])) as Record<CompareModel, ManifestState>);
  notes = $state.raw<LinkNote[]>([]);
  readonly cascade = new CascadeChain();
  readonly latent = new LatentSlot();
  readonly cascadeDefected = new CascadeChain();
  readonly mid = new LatentSlot();
  readonly late = new LatentSlot();
  /** Which pipeline the engine is on ('both' done or idle otherwise). */
  phase = $state<'idle' | 'cascade' | 'latent' | 'done' | 'error'>('idle');
  defectState = $state<RunState>('idle');
  defectCode = $state<EngineErrorCode | null>(null);
  figures = $state.raw<{ cascade: CascadeDefect; mid: DisturbFigures; late: DisturbFigures } | null>(null);

  #runs = { both: 0, defect: 0 };
  #bothRun: { key: string; done: Promise<boolean> } | null = null;
  #connected = false;
  #manifestsReady: Promise<void> = Promise.resolve();
  readonly #latentEngine: LatentEngine;

  /** `latentRunner` runs the latent jobs: the page's engine itself, or a fake in tests. */
  constructor(
    readonly engine: EngineState = pageEngine(),
    latentRunner: LatentEngine = engine,
  ) {
    this.#latentEngine = latentRunner;
  }

  get settings(): CompareSettings {
    const v = this.url.values;
    return { kind: v.kind, seed: v.seed, steps: Number(v.steps) };
  }
  get midAt(): number {
    return midStep(this.url.values.at, this.settings.steps);
  }
  readonly key = $derived(compareKey(this.settings));
  readonly defectKey = $derived(`${this.key}|${this.url.values.defect}|${this.midAt}`);

  /** Raw manifests by model (those that arrived). */
  get raw(): Partial<Record<CompareModel, unknown>> {
    const out: Partial<Record<CompareModel, unknown>> = {};
    for (const [model, m] of Object.entries(this.manifests) as [CompareModel, ManifestState][]) if (m.status === 'ready') out[model] = m.raw;
    return out;
  }
  get latentFacts(): LatentFacts | null {
    const m = this.manifests['latent-64'];
    if (m.status !== 'ready') return null;
    try {
      return latentFacts(m.raw, '/models/latent-64/manifest.json');
    } catch {
      return null;
    }
  }
  /** Models whose manifest could not be read: their pipeline cannot run. */
  get missing(): CompareModel[] {
    return (Object.entries(this.manifests) as [CompareModel, ManifestState][]).filter(([, m]) => m.status === 'missing').map(([model]) => model);
  }
  get stages(): StageFacts[] {
    return allStages(this.raw, this.settings.steps);
  }
  /** What this device measured per stage, for the stages that have finished. */
  get measured(): Partial<Record<CompareModel, StageMeasure>> {
    const out: Partial<Record<CompareModel, StageMeasure>> = {};
    this.cascade.stages.forEach((slot, i) => {
      if (slot.ms !== null) out[CASCADE[i]] = { ms: slot.ms, peakBytes: slot.peakBytes };
    });
    const r = this.latent.result;
    if (r && this.latent.key === this.key) {
      out['latent-64'] = { ms: r.ms.steps, peakBytes: r.peakBytes?.steps ?? null };
      out.vae = { ms: r.ms.decode, peakBytes: r.peakBytes?.decode ?? null };
    }
    return out;
  }
  get summaries() {
    return summarise(this.stages, this.measured);
  }
  get ratio(): number | null {
    return this.phase === 'done' ? speedUp(this.summaries) : null;
  }

  setKind(kind: KindChoice): void {
    this.url.set('kind', kind);
  }
  setSeed(seed: number): void {
    this.url.set('seed', seed);
  }
  /** A new step count; a mid-way step that was half the old count stays half the new one (else it is clamped). */
  setSteps(steps: number): void {
    const old = this.settings.steps;
    const next = snapCompareSteps(String(steps)) ?? DEFAULT_STEPS;
    const half = this.url.values.at === Math.round(old / 2);
    this.url.set('steps', String(next));
    this.url.set('at', midStep(half ? Math.round(next / 2) : this.url.values.at, next));
  }
  setDefect(defect: DefectPreset): void {
    this.url.set('defect', defect);
  }
  setAt(at: number): void {
    this.url.set('at', midStep(at, this.settings.steps));
  }

  /** Reads the page URL once after mount (odd values snapped, each change noted) and fetches the manifests. */
  connect(search: string = location.search): void {
    if (this.#connected) return;
    this.#connected = true;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once here, never rendered
    const raw = new URLSearchParams(search);
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once here, never rendered
    const params = new URLSearchParams(raw);
    const steps = snapCompareSteps(params.get('steps'));
    if (steps === undefined) params.delete('steps');
    else params.set('steps', String(steps));
    this.url.readFrom(params);
    // A link without `at` means half-way through its own step count.
    if (!params.has('at')) this.url.set('at', Math.round(this.settings.steps / 2));
    if (this.url.values.at !== this.midAt) this.url.set('at', this.midAt);
    this.notes = linkNotes(raw, this.url.values);
    this.#manifestsReady = Promise.all([...CASCADE, ...LATENT].map((m) => this.#fetchManifest(m))).then(() => undefined);
  }

  async #fetchManifest(model: CompareModel): Promise<void> {
    const file = `/models/${model}/manifest.json`;
    try {
      const response = await fetch(file);
      if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
      this.manifests[model] = { status: 'ready', raw: await response.json() };
    } catch (error) {
      this.manifests[model] = { status: 'missing', detail: error instanceof Error ? error.message : String(error) };
    }
  }

  /** The cascade, then the latent pipeline, one after the other; true when both finished for these settings. */
  runBoth(): Promise<boolean> {
    const run = ++this.#runs.both;
    ++this.#runs.defect;
    const current = () => run === this.#runs.both;
    const key = this.key;
    const done = this.#runBoth(current, key);
    this.#bothRun = { key, done };
    return done;
  }

  async #runBoth(current: () => boolean, key: string): Promise<boolean> {
    for (const channel of Object.values(CHANNELS)) this.engine.cancel(channel);
    const s = this.settings;
    this.cascade.reset(cascadeRequest(s).steps);
    this.latent.state = 'idle';
    this.latent.result = null;
    this.latent.frames = [];
    this.latent.version++;
    this.figures = null;
    this.defectState = 'idle';
    this.phase = 'cascade';
    await this.#manifestsReady;
    if (!current()) return false;
    const missing = (models: readonly CompareModel[]) => models.some((m) => this.missing.includes(m));
    if (missing(CASCADE)) {
      this.phase = 'error';
      this.cascade.fail('model-missing');
      return false;
    }
    const ok = await runCascadeChain(this.engine, CHANNELS.cascade, cascadeRequest(s), null, this.cascade, current);
    if (!current()) return false;
    if (ok !== true) {
      this.phase = 'error';
      return false;
    }
    this.phase = 'latent';
    if (missing(LATENT)) {
      // The cascade's half still stands: the widget says in one sentence that the latent model is not here.
      this.latent.state = 'error';
      this.latent.code = 'model-missing';
      this.phase = 'error';
      return false;
    }
    const latentOk = await this.#latentInto(this.latent, CHANNELS.latent, compareLatentJob(s), key, current);
    if (!current()) return false;
    this.phase = latentOk ? 'done' : 'error';
    return latentOk;
  }

  /** Runs a latent job into a slot; true when the slot holds its result. */
  async #latentInto(slot: LatentSlot, channel: string, job: ReturnType<typeof compareLatentJob>, key: string, current: () => boolean): Promise<boolean> {
    slot.state = 'running';
    slot.code = null;
    slot.frames = [];
    slot.version++;
    const frames: LatentFrame[] = [];
    const outcome = await this.#latentEngine.runLatent(channel, job, (frame) => {
      if (!current()) return;
      frames[frame.i] = frame;
      slot.frames = frames;
      slot.version++;
    });
    if (!current() || outcome.status === 'cancelled') return false;
    if (outcome.status === 'failed') {
      slot.state = 'error';
      slot.code = outcome.code;
      return false;
    }
    slot.result = outcome.result;
    slot.key = key;
    slot.state = 'done';
    slot.version++;
    return true;
  }

  /** Both clean runs for the current settings: the one in flight is awaited, not restarted. */
  async #cleanRuns(current: () => boolean): Promise<boolean> {
    if (this.phase === 'done' && this.latent.key === this.key) return true;
    if (this.#bothRun?.key === this.key && (this.phase === 'cascade' || this.phase === 'latent')) return (await this.#bothRun.done) && current();
    if (this.phase === 'error' && this.#bothRun?.key === this.key) return false;
    return (await this.runBoth()) && current();
  }

  /** The same preset into the cascade's 64² image, and into the latent half-way and after the last step. */
  async runDefects(): Promise<void> {
    const run = ++this.#runs.defect;
    const current = () => run === this.#runs.defect;
    this.figures = null;
    this.defectState = 'running';
    this.defectCode = null;
    if (!(await this.#cleanRuns(current)) || !current()) {
      if (current()) this.#defectFailed(this.cascade.failure ?? this.latent.code ?? 'backend-failed');
      return;
    }
    const preset = this.url.values.defect;
    const clean = this.cascade.stages.map((st) => st.image as Float32Array);
    const cascade = await runCascadeChain(this.engine, CHANNELS.cascadeDefect, cascadeRequest(this.settings), { start: clean[0], spec: { preset }, clean }, this.cascadeDefected, current);
    if (!current()) return;
    if (typeof cascade !== 'object') return this.#defectFailed(this.cascadeDefected.failure ?? 'backend-failed');
    const k = this.midAt;
    const steps = this.settings.steps;
    const edits = disturbEdits(preset, k, steps);
    const key = this.defectKey;
    if (!(await this.#latentInto(this.mid, CHANNELS.mid, compareLatentJob(this.settings, { edits: [edits.mid], previewEvery: k }), key, current)) || !current()) return current() ? this.#defectFailed(this.mid.code) : undefined;
    if (!(await this.#latentInto(this.late, CHANNELS.late, compareLatentJob(this.settings, { edits: [edits.late], previewEvery: 0 }), key, current)) || !current()) return current() ? this.#defectFailed(this.late.code) : undefined;
    const facts = this.latentFacts;
    const cleanFrame = this.latent.frames[k];
    const midFrame = this.mid.frames[k];
    const signal = facts && cleanFrame ? signalAt(facts, cleanFrame.t) : null;
    const cleanLatent = this.latent.result;
    if (!facts || !cleanFrame || !midFrame || !cleanLatent || signal === null || signal <= 0 || !cascade.maps[2]) return this.#defectFailed('backend-failed');
    // As lesson 5 measures it (latent-diffusion/disturb.ts): the colour change the edit made on the unclipped preview.
    const preview = (z: Float32Array) => unclippedPreview(z, facts) ?? new Float32Array((z.length / facts.channels) * 3);
    const [injected, , reached] = cascade.energies;
    this.figures = {
      cascade: { injected, final1024: reached, ratio: injected > 0 ? reached / injected : 0, map: cascade.maps[2], energies: cascade.energies },
      mid: disturbFigures({ injectedPreview: preview(cleanFrame.xt), image: cleanLatent.image }, { injectedPreview: preview(midFrame.xt), image: this.mid.result!.image }, signal),
      late: disturbFigures({ injectedPreview: preview(cleanLatent.latent), image: cleanLatent.image }, { injectedPreview: preview(this.late.result!.latent), image: this.late.result!.image }),
    };
    this.defectState = 'done';
  }

  #defectFailed(code: EngineErrorCode | null): void {
    this.defectState = 'error';
    this.defectCode = code ?? 'backend-failed';
  }

  dispose(): void {
    this.#runs.both++;
    this.#runs.defect++;
    for (const channel of Object.values(CHANNELS)) this.engine.cancel(channel);
    this.url.dispose();
  }
}
