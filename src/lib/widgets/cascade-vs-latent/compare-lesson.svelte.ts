// Lesson 6's runs (issue 16), on the settings and manifests of compare-page.svelte.ts: every job the lesson runs
// on the page's engine, one after another: the cascade (CDM, Ho et al. 2022: base-64 → sr-256 → sr-1024) then
// the latent pipeline (LDM, Rombach et al. 2022: latent-64, one decode), so their times never share the device;
// then the same defect into the cascade's 64² image (lesson 3's propagation job) and into the latent half-way
// and after the last step (lesson 5's edits).
import type { EngineErrorCode } from '$lib/engine/protocol';
import { pageEngine, type EngineState } from '$lib/state/engine.svelte';
import { LatestRuns } from '$lib/state/lesson-page.svelte';
import type { RunState } from '$lib/state/widget-run.svelte';
import { CascadeChain } from '../cascade-chain.svelte';
import { runCascadeChain } from '../cascade-engine';
import { disturbPair, type DisturbFigures } from '../latent-diffusion/disturb';
import { LatentSlot, type LatentEngine } from '../latent-diffusion/latent-slot.svelte';
import { disturbEdits } from '../latent-diffusion/latent-settings';
import { summarise, speedUp, type StageMeasure } from './compare-figures';
import { ComparePage } from './compare-page.svelte';
import { CASCADE, CHANNELS, compareLatentJob, cascadeRequest, LATENT, type CompareModel } from './compare-settings';

/** The cascade's defect against its clean chain: lesson 5's figures (injected at 64², reached at 1024²) and the 256² energy between. */
export interface CascadeDefect extends DisturbFigures {
  energies: number[];
}

export class CompareLesson extends ComparePage {
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

  readonly #runs = new LatestRuns<'both' | 'defect'>();
  #bothRun: { key: string; done: Promise<boolean> } | null = null;
  readonly #latentEngine: LatentEngine;

  /** `latentRunner` runs the latent jobs: the page's engine itself, or a fake in tests. */
  constructor(
    readonly engine: EngineState = pageEngine(),
    latentRunner: LatentEngine = engine,
  ) {
    super();
    this.#latentEngine = latentRunner;
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

  /** The cascade, then the latent pipeline, one after the other; true when both finished for these settings. */
  runBoth(): Promise<boolean> {
    const current = this.#runs.start('both');
    this.#runs.drop('defect');
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
    await this.manifestsReady;
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
      this.latent.fail('model-missing');
      this.phase = 'error';
      return false;
    }
    const latentOk = await this.#latentInto(this.latent, CHANNELS.latent, compareLatentJob(s), key, current);
    if (!current()) return false;
    this.phase = latentOk ? 'done' : 'error';
    return latentOk;
  }

  /** Runs a latent job into a slot; true when the slot holds its result. */
  #latentInto(slot: LatentSlot, channel: string, job: ReturnType<typeof compareLatentJob>, key: string, current: () => boolean): Promise<boolean> {
    slot.begin();
    return slot.run(this.#latentEngine, channel, job, key, current);
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
    const current = this.#runs.start('defect');
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
    // As lesson 5 measures it (latent-diffusion/disturb.ts): the colour change the edit made on the unclipped preview.
    const latent = disturbPair(this.latentFacts, k, this.latent, this.mid, this.late);
    if (!latent || !cascade.maps[2]) return this.#defectFailed('backend-failed');
    const [injected, , reached] = cascade.energies;
    this.figures = { cascade: { injected, final1024: reached, ratio: injected > 0 ? reached / injected : 0, map: cascade.maps[2], energies: cascade.energies }, ...latent };
    this.defectState = 'done';
  }

  #defectFailed(code: EngineErrorCode | null): void {
    this.defectState = 'error';
    this.defectCode = code ?? 'backend-failed';
  }

  override dispose(): void {
    this.#runs.dropAll();
    for (const channel of Object.values(CHANNELS)) this.engine.cancel(channel);
    super.dispose();
  }
}
