// Lesson 5's page state: the settings (mirrored into the URL, ?kind=coast&seed=7&steps=20&at=10&defect=blob&
// seed2=8&u=0.5&blend=slerp), the latent model's manifest, and every job the lesson runs on the page's engine
// (LDM, Rombach et al. 2022: DDIM in latent-64's 64×64×c latent, one decode by the frozen autoencoder): the
// denoising run with every step's latent and preview, the decode of one step's x̂₀ on request, the same
// defect put in half-way and after the last step, and the walk between two seeds' starting noise.
import { replaceState } from '$app/navigation';
import type { LatentResult } from '$lib/engine/client';
import type { LatentFrame, LatentJob } from '$lib/engine/latent-job';
import type { EngineErrorCode } from '$lib/engine/protocol';
import type { VaeJob } from '$lib/engine/vae-job';
import { BLENDS } from '$lib/math/slerp';
import { pageEngine, type EngineState, type LatentRunOutcome, type VaeRunOutcome } from '$lib/state/engine.svelte';
import { enumParam, intParam, UrlState } from '$lib/state/url.svelte';
import { formatGrid, gridValues, KINDS, MAX_SEED } from '../reverse-settings';
import { disturbFigures, type DisturbFigures } from './disturb';
import { budgetOf, latentFacts, signalAt, unclippedPreview, unstandardise, type Budget, type LatentFacts } from './latent-facts';
import { CHANNELS, DEFAULT_STEPS, DISTURB_DEFECTS, disturbEdits, LATENT_MODEL, latentJob, linkNotes, midStep, snapLatentSteps, snapU, STEP_CHOICES, U_GRID, VAE_MODEL, walkStart, type DefectPreset, type LatentSettings, type LinkNote } from './latent-settings';

export type RunState = 'idle' | 'running' | 'done' | 'error';
export type ManifestState = { status: 'loading' } | { status: 'ready'; facts: LatentFacts } | { status: 'missing'; detail: string };

/** What the lesson needs of the engine (the page's EngineState, or a fake in tests). */
export interface LatentEngine {
  runLatent(channel: string, job: LatentJob, onFrame?: (frame: LatentFrame) => void): Promise<LatentRunOutcome>;
  runVae(channel: string, job: VaeJob): Promise<VaeRunOutcome>;
  cancel(channel: string): void;
}

/** One latent run on one channel: its frames as they arrive, its outcome, its state. */
export class LatentSlot {
  state = $state<RunState>('idle');
  code = $state<EngineErrorCode | null>(null);
  /** Frames by step index (a sparse list when the job sends every k-th step). */
  frames = $state.raw<LatentFrame[]>([]);
  result = $state.raw<LatentResult | null>(null);
  /** The settings key the result belongs to. */
  key = $state<string | null>(null);
  version = $state(0);
}

/** A decode of one step's x̂₀, on request. */
export interface StepDecode {
  step: number;
  image: Float32Array;
  ms: number | null;
}

const STEP_VALUES = STEP_CHOICES.map(String);

export class LatentLesson {
  readonly url = new UrlState(
    {
      kind: enumParam(KINDS, 'coast'),
      seed: intParam(0, MAX_SEED, 7),
      steps: enumParam(STEP_VALUES, String(DEFAULT_STEPS)),
      // The half-way defect goes in after this many steps (clamped below the step count).
      at: intParam(1, 49, DEFAULT_STEPS / 2),
      defect: enumParam(DISTURB_DEFECTS, 'blob'),
      seed2: intParam(0, MAX_SEED, 8),
      u: enumParam(gridValues(U_GRID), '0.5'),
      blend: enumParam(BLENDS, 'slerp'),
    },
    // eslint-disable-next-line svelte/no-navigation-without-resolve -- this page's own URL with new query values
    { write: (url) => replaceState(url, {}) },
  );

  manifest = $state<ManifestState>({ status: 'loading' });
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

  #runs = { steps: 0, decode: 0, disturb: 0, walk: 0 };
  /** The denoising run in flight or last finished, and the settings it is for: the disturbed runs compare with it. */
  #stepsRun: { key: string; done: Promise<void> } | null = null;
  #connected = false;
  #manifestReady: Promise<void> = Promise.resolve();
  readonly #engine: LatentEngine;

  /** `runner` runs the jobs: the page's engine itself, or a fake in tests (`engine` still feeds the badges and notices). */
  constructor(
    readonly engine: EngineState = pageEngine(),
    runner: LatentEngine = engine,
  ) {
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

  /** Reads the page URL once after mount (odd values snapped, each change noted) and fetches the manifests. */
  connect(search: string = location.search): void {
    if (this.#connected) return;
    this.#connected = true;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once here, never rendered
    const raw = new URLSearchParams(search);
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once here, never rendered
    const params = new URLSearchParams(raw);
    const steps = snapLatentSteps(params.get('steps'));
    if (steps === undefined) params.delete('steps');
    else params.set('steps', String(steps));
    const u = snapU(params.get('u'));
    if (u === undefined) params.delete('u');
    else params.set('u', u);
    this.url.readFrom(params);
    if (this.url.values.at !== this.midAt) this.url.set('at', this.midAt);
    this.notes = linkNotes(raw, { ...this.url.values, u: formatGrid(this.u) });
    this.#manifestReady = this.#fetchManifests();
  }

  async #fetchManifests(): Promise<void> {
    const file = `/models/${LATENT_MODEL}/manifest.json`;
    const json = async (path: string) => {
      const response = await fetch(path);
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
      return response.json();
    };
    try {
      this.manifest = { status: 'ready', facts: latentFacts(await json(file), file) };
    } catch (error) {
      this.manifest = { status: 'missing', detail: error instanceof Error ? error.message : String(error) };
      return;
    }
    try {
      this.baseBudget = budgetOf(await json('/models/base-64/manifest.json'));
    } catch {
      this.baseBudget = null; // the record then shows latent-64's figures alone
    }
  }

  /** Runs a latent job into a slot; true when the slot holds its result. */
  async #runInto(slot: LatentSlot, channel: string, job: LatentJob, key: string, current: () => boolean): Promise<boolean> {
    slot.state = 'running';
    slot.code = null;
    slot.frames = [];
    slot.version++;
    await this.#manifestReady;
    if (!current()) return false;
    if (this.manifest.status === 'missing') {
      slot.state = 'error';
      slot.code = 'model-missing';
      return false;
    }
    const frames: LatentFrame[] = [];
    const outcome = await this.#engine.runLatent(channel, job, (frame) => {
      if (!current()) return;
      frames[frame.i] = frame;
      slot.frames = frames;
      slot.version++;
      if (slot === this.steps && this.following) this.cursor = frame.i;
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

  /** The denoising, every step sent (latents and previews), then the one decode of the final latent. */
  runSteps(): Promise<void> {
    const run = ++this.#runs.steps;
    ++this.#runs.decode;
    this.#engine.cancel(CHANNELS.decode);
    this.decode = null;
    this.decodeState = 'idle';
    this.following = true;
    this.cursor = 0;
    const key = this.key;
    const done = this.#runInto(this.steps, CHANNELS.steps, latentJob(this.settings), key, () => run === this.#runs.steps).then(() => undefined);
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
    const run = ++this.#runs.decode;
    this.decodeState = 'running';
    this.decodeCode = null;
    const latent = unstandardise(frame.x0, facts);
    const outcome = await this.#engine.runVae(CHANNELS.decode, { kind: 'vae', model: VAE_MODEL, source: { type: 'latent', latent, side: frame.side }, decoders: ['final'], sendImage: false });
    if (run !== this.#runs.decode || outcome.status === 'cancelled') return;
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
    const run = ++this.#runs.disturb;
    const current = () => run === this.#runs.disturb;
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
      for (const slot of [this.mid, this.late]) {
        slot.state = 'error';
        slot.code = this.steps.code ?? 'backend-failed';
      }
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
    const cleanFrame = this.steps.frames[k];
    const midFrame = this.mid.frames[k];
    const facts = this.facts;
    const late = this.late.result!;
    const mid = this.mid.result!;
    if (!cleanFrame || !midFrame || !facts) return;
    // The colour change each edit made, on the unclipped preview (a noisy x_t's preview is often clipped);
    // the mid-run one entered x_t scaled by √ᾱ of that step (LatentEdit.onImage), undone here.
    const preview = (z: Float32Array) => unclippedPreview(z, facts) ?? new Float32Array((z.length / facts.channels) * 3);
    const signal = signalAt(facts, cleanFrame.t);
    if (signal === null || signal <= 0) return;
    this.figures = {
      mid: disturbFigures({ injectedPreview: preview(cleanFrame.xt), image: clean.image }, { injectedPreview: preview(midFrame.xt), image: mid.image }, signal),
      late: disturbFigures({ injectedPreview: preview(clean.latent), image: clean.image }, { injectedPreview: preview(late.latent), image: late.image }),
    };
  }

  /** One point of the walk: the seed's z_T blended with seed2's at u, then the same DDIM run. */
  async runWalk(): Promise<void> {
    const run = ++this.#runs.walk;
    const v = this.url.values;
    await this.#runInto(this.walk, CHANNELS.walk, latentJob(this.settings, { previewEvery: 0, start: walkStart(v.seed2, this.u, v.blend) }), this.walkKey, () => run === this.#runs.walk);
  }

  dispose(): void {
    const runs = this.#runs;
    for (const key of Object.keys(runs) as (keyof typeof runs)[]) runs[key]++;
    for (const channel of Object.values(CHANNELS)) this.#engine.cancel(channel);
    this.url.dispose();
  }
}
