// Lesson 4's page state: the scene (kind and seed), the noise mix, the prior draw, the painted channel,
// its amount and its cells, mirrored into the URL (?kind=dunes&seed=5&mix=0.5&prior=1&ch=0&amt=3&cells=…);
// the autoencoder's manifest; and every job the lesson runs on the page's engine (LDM's autoencoder,
// Rombach et al. 2022 §3.1): the scene squeezed and restored by both decoders, then decodes of latents
// the page made from it (mixed with noise, painted), a latent drawn from N(0, I), and the reader's upload.
import { replaceState } from '$app/navigation';
import { SCENE_KINDS } from '$lib/data';
import type { EngineErrorCode } from '$lib/engine/protocol';
import type { VaeDecoder, VaeJob, VaeOutcome, VaeSource } from '$lib/engine/vae-job';
import { deriveSeed } from '$lib/math/rng';
import { pageEngine, type EngineState } from '$lib/state/engine.svelte';
import { fetchManifest, LessonPage, snapParam, type ManifestState } from '$lib/state/lesson-page.svelte';
import { enumParam, intParam } from '$lib/state/url.svelte';
import type { RunState } from '$lib/state/widget-run.svelte';
import { decodeMask, emptyMask, encodeMask, painted, stamp, type BrushMask } from '../brush-mask';
import { gridValues, MAX_SEED, snapToGrid } from '../reverse-settings';
import { squaredDifference } from '../stage-difference';
import { channelStats, mixLatent, priorLatent } from './latent-mix';
import { paintLatent } from './latent-patch';
import { imageFromFile, type UploadProblem } from './upload-image';
import { vaeFacts, type VaeFacts } from './vae-facts';

export const MODEL = 'vae';
export const SIZE = 1024;
export const MIX_GRID = { min: 0, max: 1, step: 0.05 };
export const AMOUNT_GRID = { min: -4, max: 4, step: 0.5 };
/** The most latent channels a link may name (the model's c clamps it further). */
export const MAX_CHANNELS = 16;
export const CHANNELS = { scene: 'vae-scene', mix: 'vae-mix', prior: 'vae-prior', patch: 'vae-patch', own: 'vae-own' } as const;

const RUN_KEYS = ['scene', 'mix', 'prior', 'patch', 'own'] as const;

export type VaeRunOutcome = { status: 'done'; result: VaeOutcome } | { status: 'cancelled' } | { status: 'failed'; code: EngineErrorCode };

/** What the lesson needs of the engine to run its jobs (the page's EngineState, or a fake in tests). */
export interface VaeEngine {
  load(model: string): Promise<void>;
  runVae(channel: string, job: VaeJob): Promise<VaeRunOutcome>;
  cancel(channel: string): void;
}

/** The scene, squeezed and restored. */
export interface SceneResult {
  image: Float32Array;
  /** Posterior mean μ and log σ², [side, side, c]. */
  latent: Float32Array;
  logvar: Float32Array | null;
  final: Float32Array;
  phase1: Float32Array | null;
  side: number;
  channels: number;
  ms: { render: number | null; encode: number | null; final: number | null; phase1: number | null };
}

/** The brush a link without cells starts with: the 3×3 cells around cell (32, 32), a 48×48-pixel square. */
export function defaultCells(size: number): BrushMask {
  const mask = emptyMask(size);
  const centre = (Math.floor(size / 2) + 0.5) / size;
  stamp(mask, centre, centre, 1.5 / size);
  return mask;
}

/** One decode of a latent the page made, with its own run state. */
export class DecodeSlot {
  state = $state<RunState>('idle');
  image = $state.raw<Float32Array | null>(null);
  code = $state<EngineErrorCode | null>(null);
  ms = $state<number | null>(null);
  version = $state(0);
}

const PARAMS = {
  kind: enumParam(SCENE_KINDS, 'dunes'),
  seed: intParam(0, MAX_SEED, 5),
  mix: enumParam(gridValues(MIX_GRID), '0.5'),
  prior: intParam(0, MAX_SEED, 1),
  ch: intParam(0, MAX_CHANNELS - 1, 0),
  amt: enumParam(gridValues(AMOUNT_GRID), '3'),
};

export class AutoencoderLesson extends LessonPage<typeof PARAMS> {
  manifest = $state<ManifestState<VaeFacts>>({ status: 'loading' });
  sceneState = $state<RunState>('idle');
  sceneCode = $state<EngineErrorCode | null>(null);
  scene = $state.raw<SceneResult | null>(null);
  sceneVersion = $state(0);
  /** Whether the model has a phase-1 decoder: from the manifest, or learnt from the engine's model-missing. */
  phase1 = $state<'unknown' | 'available' | 'missing'>('unknown');
  readonly mixed = new DecodeSlot();
  /** The latent last sent to be decoded by the mix (the histogram shows it). */
  mixedLatent = $state.raw<Float32Array | null>(null);
  readonly prior = new DecodeSlot();
  readonly patch = new DecodeSlot();
  /** Squared difference of the painted decode against the unpainted one, [size·size]. */
  patchMap = $state.raw<Float32Array | null>(null);
  /** The mask the shown patch decode was painted with (a copy: the brush goes on changing). */
  patchMask = $state.raw<BrushMask | null>(null);
  brush = $state.raw<BrushMask>(emptyMask(64));
  brushVersion = $state(0);
  brushCommits = $state(0);
  maskProblem = $state<string | null>(null);
  /** The reader's upload: the picture as sent, and what came back. */
  readonly own = new DecodeSlot();
  ownImage = $state.raw<Float32Array | null>(null);
  ownName = $state<string | null>(null);
  ownProblem = $state<UploadProblem | null>(null);
  ownChecking = $state(false);

  #runs: Record<(typeof RUN_KEYS)[number], number> = { scene: 0, mix: 0, prior: 0, patch: 0, own: 0 };
  #manifestReady: Promise<void> = Promise.resolve();
  readonly #vae: VaeEngine;

  /** `vae` runs the jobs: the page's engine itself, or a fake in tests (`engine` still feeds the badges and notices). */
  constructor(
    readonly engine: EngineState = pageEngine(),
    vae: VaeEngine = engine,
  ) {
    super(PARAMS);
    this.#vae = vae;
  }

  get facts(): VaeFacts | null {
    return this.manifest.status === 'ready' ? this.manifest.facts : null;
  }
  /** c, from the latest result, else the manifest. */
  get channels(): number | null {
    return this.scene?.channels ?? this.facts?.channels ?? null;
  }
  /** The channel the brush paints, clamped to the model's channels. */
  get paintChannel(): number {
    return Math.min(this.url.values.ch, Math.max(0, (this.channels ?? MAX_CHANNELS) - 1));
  }
  get mix(): number {
    return Number(this.url.values.mix);
  }
  get amount(): number {
    return Number(this.url.values.amt);
  }
  /** Changes exactly when the scene must be squeezed again. */
  readonly key = $derived(`${this.url.values.kind}/${this.url.values.seed}`);

  setKind(kind: (typeof SCENE_KINDS)[number]): void {
    this.url.set('kind', kind);
  }
  setSeed(seed: number): void {
    this.url.set('seed', seed);
  }
  setMix(m: number): void {
    const v = snapToGrid(MIX_GRID, String(m));
    if (v !== undefined) this.url.set('mix', v);
  }
  setAmount(a: number): void {
    const v = snapToGrid(AMOUNT_GRID, String(a));
    if (v !== undefined) this.url.set('amt', v);
  }
  setChannel(k: number): void {
    this.url.set('ch', k);
  }
  newPrior(): void {
    this.url.set('prior', Math.floor(Math.random() * (MAX_SEED + 1)));
  }

  /** Call after the brush's cells changed (painting mutates them in place); writes the mask into the URL. */
  brushChanged(): void {
    this.brushVersion++;
    this.brushCommits++;
    // eslint-disable-next-line svelte/no-navigation-without-resolve, svelte/prefer-svelte-reactivity -- this page's own URL with the new mask, never rendered
    if (typeof location !== 'undefined') replaceState(this.#withCells(new URL(location.href)), {});
  }
  clearBrush(): void {
    this.brush = emptyMask(this.brush.size);
    this.brushChanged();
  }

  #withCells(url: URL): URL {
    url.searchParams.set('cells', encodeMask(this.brush));
    return url;
  }
  protected override linkUrl(url: URL): URL {
    return this.#withCells(url);
  }

  protected override snapLink(params: URLSearchParams): void {
    for (const [key, grid] of [['mix', MIX_GRID], ['amt', AMOUNT_GRID]] as const) snapParam(params, key, (raw) => snapToGrid(grid, raw));
  }

  /** Reads the brush's cells from the link and fetches the manifest. */
  protected linkRead(_raw: URLSearchParams, params: URLSearchParams): void {
    // No cells in the link: 3×3 cells in the middle, under the loupe's first window, so the widget shows
    // a result before the reader paints. An empty brush is written as cells= (and read back as empty).
    const cells = params.get('cells');
    const mask = cells === null ? defaultCells(this.brush.size) : decodeMask(cells, this.brush.size);
    if ('error' in mask) this.maskProblem = mask.error;
    else this.brush = mask;
    this.#manifestReady = this.#fetchManifest();
  }

  async #fetchManifest(): Promise<void> {
    this.manifest = await fetchManifest(`/models/${MODEL}/manifest.json`, vaeFacts);
    if (this.manifest.status === 'ready' && this.phase1 === 'unknown') this.phase1 = this.manifest.facts.hasPhase1 ? 'available' : 'missing';
  }

  async #run(channel: string, source: VaeSource, decoders: VaeDecoder[], sendImage: boolean): Promise<VaeRunOutcome> {
    try {
      await this.#vae.load(MODEL);
    } catch {
      return { status: 'failed', code: 'model-missing' };
    }
    return this.#vae.runVae(channel, { kind: 'vae', model: MODEL, source, decoders, sendImage });
  }

  /** Squeezes the scene and restores it with both decoders (the final one alone where there is no other), then the decodes that build on it. */
  async runScene(): Promise<void> {
    const run = ++this.#runs.scene;
    this.sceneState = 'running';
    this.sceneCode = null;
    await this.#manifestReady;
    if (run !== this.#runs.scene) return;
    const source = (): VaeSource => ({ type: 'scene', sceneKind: SCENE_KINDS.indexOf(this.url.values.kind), seed: this.url.values.seed, size: SIZE });
    const wantPhase1 = this.phase1 === 'available';
    let outcome = await this.#run(CHANNELS.scene, source(), wantPhase1 ? ['final', 'phase1'] : ['final'], true);
    if (outcome.status === 'failed' && outcome.code === 'model-missing' && wantPhase1 && run === this.#runs.scene) {
      // The manifest promised a phase-1 decoder the engine could not find: show the final one alone.
      this.phase1 = 'missing';
      outcome = await this.#run(CHANNELS.scene, source(), ['final'], true);
    }
    if (run !== this.#runs.scene || outcome.status === 'cancelled') return;
    if (outcome.status === 'failed') {
      this.sceneState = 'error';
      this.sceneCode = outcome.code;
      return;
    }
    const r = outcome.result;
    if (!r.image || !r.latent || !r.decoded.final) {
      this.sceneState = 'error';
      this.sceneCode = 'backend-failed';
      return;
    }
    this.scene = {
      image: r.image,
      latent: r.latent,
      logvar: r.logvar ?? null,
      final: r.decoded.final,
      phase1: r.decoded.phase1 ?? null,
      side: r.side,
      channels: r.channels,
      ms: { render: r.ms.render ?? null, encode: r.ms.encode ?? null, final: r.ms.decode.final ?? null, phase1: r.ms.decode.phase1 ?? null },
    };
    this.sceneVersion++;
    this.sceneState = 'done';
    await this.runMix();
    if (run !== this.#runs.scene) return;
    await this.runPatch();
    if (run !== this.#runs.scene) return;
    if (this.prior.state === 'idle') await this.runPrior();
  }

  /** Decodes the scene's latent mixed with noise at the URL's m (m = 0 is the reconstruction itself: no job). */
  async runMix(): Promise<void> {
    const scene = this.scene;
    if (!scene) return;
    const run = ++this.#runs.mix;
    const m = this.mix;
    const latent = m === 0 ? scene.latent : mixLatent(scene.latent, scene.channels, m, deriveSeed(this.url.values.seed, 41));
    this.mixedLatent = latent;
    if (m === 0) {
      this.#vae.cancel(CHANNELS.mix);
      this.#finish(this.mixed, scene.final, scene.ms.final);
      return;
    }
    await this.#decode(this.mixed, CHANNELS.mix, latent.slice(), scene.side, () => run === this.#runs.mix);
  }

  /** Decodes a latent drawn from N(0, I) with the URL's seed. */
  async runPrior(): Promise<void> {
    const c = this.channels;
    const side = this.scene?.side ?? (this.facts ? SIZE / this.facts.factor : null);
    if (!c || !side) return;
    const run = ++this.#runs.prior;
    await this.#decode(this.prior, CHANNELS.prior, priorLatent(side, c, this.url.values.prior), side, () => run === this.#runs.prior);
  }

  /** Decodes the latent with the brush's cells painted into one channel, and maps what changed. */
  async runPatch(): Promise<void> {
    const scene = this.scene;
    const run = ++this.#runs.patch;
    if (!scene || scene.side !== this.brush.size || painted(this.brush) === 0) {
      this.#vae.cancel(CHANNELS.patch);
      this.patch.state = 'idle';
      this.patch.image = null;
      this.patchMap = null;
      this.patchMask = null;
      return;
    }
    const k = this.paintChannel;
    const std = channelStats(scene.latent, scene.channels).std[k];
    const mask = { size: this.brush.size, alpha: this.brush.alpha.slice() };
    const latent = paintLatent(scene.latent, scene.channels, k, mask, this.amount * std);
    const ok = await this.#decode(this.patch, CHANNELS.patch, latent, scene.side, () => run === this.#runs.patch);
    if (ok && this.patch.image && this.scene === scene) {
      this.patchMap = squaredDifference(this.patch.image, scene.final);
      this.patchMask = mask;
    }
  }

  async #decode(slot: DecodeSlot, channel: string, latent: Float32Array, side: number, current: () => boolean): Promise<boolean> {
    slot.state = 'running';
    slot.code = null;
    const outcome = await this.#run(channel, { type: 'latent', latent, side }, ['final'], false);
    if (!current() || outcome.status === 'cancelled') return false;
    if (outcome.status === 'failed' || !outcome.result.decoded.final) {
      slot.state = 'error';
      slot.code = outcome.status === 'failed' ? outcome.code : 'backend-failed';
      return false;
    }
    this.#finish(slot, outcome.result.decoded.final, outcome.result.ms.decode.final ?? null);
    return true;
  }

  #finish(slot: DecodeSlot, image: Float32Array, ms: number | null): void {
    slot.image = image;
    slot.ms = ms;
    slot.state = 'done';
    slot.code = null;
    slot.version++;
  }

  /**
   * The reader's picture: checked and resized in the page, then squeezed and restored. A file that is
   * not an image, is broken or is too large leaves the previous picture and its reconstruction in place.
   */
  async upload(file: File): Promise<void> {
    const run = ++this.#runs.own;
    this.ownChecking = true;
    const result = await imageFromFile(file, SIZE);
    if (run !== this.#runs.own) return;
    this.ownChecking = false;
    if (!result.ok) {
      this.ownProblem = result.problem;
      return;
    }
    this.ownProblem = null;
    this.ownName = file.name;
    this.ownImage = result.pixels;
    this.own.image = null;
    this.own.state = 'running';
    this.own.code = null;
    this.own.version++;
    const outcome = await this.#run(CHANNELS.own, { type: 'pixels', pixels: result.pixels.slice(), size: SIZE }, ['final'], false);
    if (run !== this.#runs.own || outcome.status === 'cancelled') return;
    if (outcome.status === 'failed' || !outcome.result.decoded.final) {
      this.own.state = 'error';
      this.own.code = outcome.status === 'failed' ? outcome.code : 'backend-failed';
      return;
    }
    this.#finish(this.own, outcome.result.decoded.final, outcome.result.ms.decode.final ?? null);
  }

  override dispose(): void {
    for (const key of RUN_KEYS) this.#runs[key]++;
    for (const channel of Object.values(CHANNELS)) this.#vae.cancel(channel);
    super.dispose();
  }
}
