// Lesson 5's page state: the settings (mirrored into the URL, ?kind=coast&seed=7&steps=20&at=10&defect=blob&
// seed2=8&u=0.5&blend=slerp), the latent model's manifest, and every job the lesson runs on the page's engine
// (LDM, Rombach et al. 2022: DDIM in latent-64's 64×64×c latent, one decode by the frozen autoencoder): the
// denoising run with every step's latent and preview, the decode of one step's x̂₀ on request, the same
// defect put in half-way and after the last step, and the walk between two seeds' starting noise.
import type { LatentJob } from '$lib/engine/latent-job';
import type { EngineErrorCode } from '$lib/engine/protocol';
import { BLENDS } from '$lib/math/slerp';
import { pageEngine, type EngineState } from '$lib/state/engine.svelte';
import { fetchManifest, LatestRuns, LessonPage, snapParam, type ManifestState } from '$lib/state/lesson-page.svelte';
import { enumParam, intParam } from '$lib/state/url.svelte';
import type { RunState } from '$lib/state/widget-run.svelte';
import { formatGrid, gridValues, KINDS, MAX_SEED } from '../reverse-settings';
import { disturbPair, type DisturbFigures } from './disturb';
import { budgetOf, latentFacts, unstandardise, type Budget, type LatentFacts } from './latent-facts';
import { CHANNELS, DEFAULT_STEPS, DISTURB_DEFECTS, disturbEdits, LATENT_MODEL, latentJob, linkNotes, midStep, snapLatentSteps, snapU, STEP_CHOICES, U_GRID, VAE_MODEL, walkStart, type DefectPreset, type LatentSettings, type LinkNote } from './latent-settings';
import { LatentSlot, type LatentEngine } from './latent-slot.svelte';

/** A decode of one step's x̂₀, on request. */
export interface StepDecode {
  step: number;
  image: Float32Array;
  ms: number | null;
}

const STEP_VALUES = STEP_CHOICES.map(String);
const PARAMS = {
  kind: enumParam(KINDS, 'coast'),
  seed: intParam(0, MAX_SEED, 7),
  steps: enumParam(STEP_VALUES, String(DEFAULT_STEPS)),
  // The half-way defect goes in after this many steps (clamped below the step count).
  at: intParam(1, 49, DEFAULT_STEPS / 2),
  defect: enumParam(DISTURB_DEFECTS, 'blob'),
  seed2: intParam(0, MAX_SEED, 8),
  u: enumParam(gridValues(U_GRID), '0.5'),
  blend: enumParam(BLENDS, 'slerp'),
};

export class LatentLesson extends LessonPage<typeof PARAMS> {
  manifest = $state<ManifestState<LatentFacts>>({ status: 'loading' });
  /** base-64's budget, for the comparison in the model's record (null until read, or when it cannot be). */
  baseBudget = $state.raw<Budget | null>(null);
  /** What a link asked for that the lesson could not show as asked. */
  notes = $state.raw<LinkNote[]>([]);
  readonly steps = new LatentSlot();
  readonly mid = new LatentSlot();
  readonly late = new LatentSlot();
  readonly walk = new LatentSlot();
  /** The step on screen (0-based) and whether it follows the run as frames arrive. */
  cursor = $state(0);
  following = $state(true);
  decode = $state.raw<StepDecode | null>(null);
  decodeState = $state<RunState>('idle');
  decodeCode = $state<EngineErrorCode | null>(null);
  /** The disturbed runs against the clean one (null until both are in). */
  figures = $state.raw<{ mid: DisturbFigures; late: DisturbFigures } | null>(null);

  readonly #runs = new LatestRuns<'steps' | 'decode' | 'disturb' | 'walk'>();
  /** The denoising run in flight or last finished, and the settings it is for: the disturbed runs compare with it. */
  #stepsRun: { key: string; done: Promise<void> } | null = null;
  #manifestReady: Promise<void> = Promise.resolve();
  readonly #engine: LatentEngine;

  /** `runner` runs the jobs: the page's engine itself, or a fake in tests (`engine` still feeds the badges and notices). */
  constructor(
    readonly engine: EngineState = pageEngine(),
    runner: LatentEngine = engine,
  ) {
    super(PARAMS);
    this.#engine = runner;
  }

  get facts(): LatentFacts | null {
    return this.manifest.status === 'ready' ? this.manifest.facts : null;
  }
  get settings(): LatentSettings {
    const v = this.url.values;
    return { kind: v.kind, seed: v.seed, steps: Number(v.steps) };
  }
  /** The half-way defect's step (after this many steps). */
  get midAt(): number {
    return midStep(this.url.values.at, this.settings.steps);
  }
  get u(): number {
    return Number(this.url.values.u);
  }
  /** Changes exactly when the denoising must run again. */
  readonly key = $derived(JSON.stringify(latentJob(this.settings)));
  readonly disturbKey = $derived(`${this.key}|${this.url.values.defect}|${this.midAt}`);
  readonly walkKey = $derived(`${this.key}|${this.url.values.seed2}|${this.url.values.u}|${this.url.values.blend}`);

  setKind(kind: (typeof KINDS)[number]): void {
    this.url.set('kind', kind);
  }
  setSeed(seed: number): void {
    this.url.set('seed', seed);
  }
  setSteps(steps: number): void {
    this.url.set('steps', String(snapLatentSteps(String(steps)) ?? DEFAULT_STEPS));
  }
  setAt(at: number): void {
    this.url.set('at', midStep(at, this.settings.steps));
  }
  setDefect(defect: DefectPreset): void {
    this.url.set('defect', defect);
  }
  setSeed2(seed: number): void {
    this.url.set('seed2', seed);
  }
  setU(u: number): void {
    const v = snapU(String(u));
    if (v !== undefined) this.url.set('u', v);
  }
  setBlend(blend: (typeof BLENDS)[number]): void {
    this.url.set('blend', blend);
  }

  /** Moves the step on screen (clamped to the frames in hand); the view stops following the run. */
  show(step: number): void {
    const last = (this.steps.frames.length || this.settings.steps) - 1;
    this.cursor = Math.max(0, Math.min(last, Math.round(step)));
    this.following = this.cursor === last;
  }

  protected override snapLink(params: URLSearchParams): void {
    snapParam(params, 'steps', snapLatentSteps);
    snapParam(params, 'u', snapU);
  }

  /** Clamps the half-way step below the step count, notes each value the link had changed, and fetches the manifests. */
  protected linkRead(raw: URLSearchParams): void {
    if (this.url.values.at !== this.midAt) this.url.set('at', this.midAt);
    this.notes = linkNotes(raw, { ...this.url.values, u: formatGrid(this.u) });
    this.#manifestReady = this.#fetchManifests();
  }

  async #fetchManifests(): Promise<void> {
    this.manifest = await fetchManifest(`/models/${LATENT_MODEL}/manifest.json`, latentFacts);
    if (this.manifest.status !== 'ready') return;
    // The record then shows latent-64's figures alone.
    const base = await fetchManifest('/models/base-64/manifest.json', budgetOf);
    this.baseBudget = base.status === 'ready' ? base.facts : null;
  }

  /** Runs a latent job into a slot once the manifest is in; true when the slot holds its result. */
  async #runInto(slot: LatentSlot, channel: string, job: LatentJob, key: string, current: () => boolean): Promise<boolean> {
    slot.begin();
    await this.#manifestReady;
    if (!current()) return false;
    if (this.manifest.status === 'missing') {
      slot.fail('model-missing');
      return false;
    }
    return slot.run(this.#engine, channel, job, key, current, (frame) => {
      if (slot === this.steps && this.following) this.cursor = frame.i;
    });
  }

  /** The denoising, every step sent (latents and previews), then the one decode of the final latent. */
  runSteps(): Promise<void> {
    const current = this.#runs.start('steps');
    this.#runs.drop('decode');
    this.#engine.cancel(CHANNELS.decode);
    this.decode = null;
    this.decodeState = 'idle';
    this.following = true;
    this.cursor = 0;
    const key = this.key;
    const done = this.#runInto(this.steps, CHANNELS.steps, latentJob(this.settings), key, current).then(() => undefined);
    this.#stepsRun = { key, done };
    return done;
  }

  /**
   * Waits for the denoising run of the current settings (one in flight is awaited, not restarted: the
   * widgets start runs from their own effects, in any order); true when its result is in.
   */
  async #cleanRun(current: () => boolean): Promise<boolean> {
    for (let tries = 0; tries < 3 && current(); tries++) {
      if (this.steps.state === 'done' && this.steps.key === this.key) return true;
      if (this.#stepsRun?.key === this.key && this.steps.state === 'running') await this.#stepsRun.done;
      else if (this.steps.state === 'error' && this.#stepsRun?.key === this.key) return false;
      else await this.runSteps();
    }
    return this.steps.state === 'done' && this.steps.key === this.key;
  }

  /** Decodes x̂₀ of the step on screen to 1024² (the autoencoder's decoder alone, on the latent in its own units). */
  async decodeStep(step: number = this.cursor): Promise<void> {
    const frame = this.steps.frames[step];
    const facts = this.facts;
    if (!frame || !facts) return;
    const current = this.#runs.start('decode');
    this.decodeState = 'running';
    this.decodeCode = null;
    const latent = unstandardise(frame.x0, facts);
    const outcome = await this.#engine.runVae(CHANNELS.decode, { kind: 'vae', model: VAE_MODEL, source: { type: 'latent', latent, side: frame.side }, decoders: ['final'], sendImage: false });
    if (!current() || outcome.status === 'cancelled') return;
    if (outcome.status === 'failed' || !outcome.result.decoded.final) {
      this.decodeState = 'error';
      this.decodeCode = outcome.status === 'failed' ? outcome.code : 'backend-failed';
      return;
    }
    this.decode = { step, image: outcome.result.decoded.final, ms: outcome.result.ms.decode.final ?? null };
    this.decodeState = 'done';
  }

  /** The clean run (the denoising's own, run first when it is not for these settings), then the defect half-way and after the last step. */
  async runDisturb(): Promise<void> {
    const current = this.#runs.start('disturb');
    this.figures = null;
    for (const slot of [this.mid, this.late]) {
      slot.state = 'running';
      slot.code = null;
    }
    const ready = await this.#cleanRun(current);
    if (!current()) return;
    const clean = this.steps.result;
    const steps = this.settings.steps;
    if (!ready || !clean) {
      for (const slot of [this.mid, this.late]) slot.fail(this.steps.code ?? 'backend-failed');
      return;
    }
    const k = this.midAt;
    const edits = disturbEdits(this.url.values.defect, k, steps);
    const key = this.disturbKey;
    // The mid run sends the frame right after its edit (step k's input) and no other but the first and last.
    const okMid = await this.#runInto(this.mid, CHANNELS.mid, latentJob(this.settings, { edits: [edits.mid], previewEvery: k }), key, current);
    if (!okMid || !current()) return;
    const okLate = await this.#runInto(this.late, CHANNELS.late, latentJob(this.settings, { edits: [edits.late], previewEvery: 0 }), key, current);
    if (!okLate || !current()) return;
    this.figures = disturbPair(this.facts, k, { frames: this.steps.frames, result: clean }, this.mid, this.late);
  }

  /** One point of the walk: the seed's z_T blended with seed2's at u, then the same DDIM run. */
  async runWalk(): Promise<void> {
    const current = this.#runs.start('walk');
    const v = this.url.values;
    await this.#runInto(this.walk, CHANNELS.walk, latentJob(this.settings, { previewEvery: 0, start: walkStart(v.seed2, this.u, v.blend) }), this.walkKey, current);
  }

  override dispose(): void {
    this.#runs.dropAll();
    for (const channel of Object.values(CHANNELS)) this.#engine.cancel(channel);
    super.dispose();
  }
}
