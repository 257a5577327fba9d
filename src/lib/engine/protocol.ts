// The messages between a lesson page and the engine's Web Worker (design.md, "The engine is a Web
// Worker"): plain structured-clone data, with pixel arrays moved (transferred), never copied.
import { cascadeJobProblem, type CascadeJob, type PropagationJob } from './cascade-job';
import { vaeJobProblem, type VaeJob, type VaeOutcome } from './vae-job';
import { latentJobProblem, type LatentFrame, type LatentJob, type LatentOutcome } from './latent-job';

export type { CascadeJob, DefectSpec, PropagationJob } from './cascade-job';
export type { VaeDecoder, VaeJob, VaeOutcome, VaeSource } from './vae-job';
export type { LatentEditSpec, LatentFrame, LatentJob, LatentOutcome } from './latent-job';

/** Why a job or a load failed: a closed set, so the page can map each to a sentence in the reader's language. */
export const ENGINE_ERROR_CODES = ['backend-failed', 'model-missing', 'model-corrupt', 'nan-output', 'worker-crashed', 'context-lost', 'cancelled'] as const;
export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

export function isEngineErrorCode(value: unknown): value is EngineErrorCode {
  return typeof value === 'string' && (ENGINE_ERROR_CODES as readonly string[]).includes(value);
}

/** An error that carries its code across the worker boundary; `detail` is for logs, not for readers. */
export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'EngineError';
  }
}

/** Any thrown value as an EngineError; an AbortSignal's reason counts as a cancel, the rest as `fallback`. */
export function toEngineError(error: unknown, fallback: EngineErrorCode): EngineError {
  if (error instanceof EngineError) return error;
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) return new EngineError('cancelled', error.message);
  return new EngineError(fallback, error instanceof Error ? error.message : String(error));
}

export type EngineBackend = 'webgl' | 'wasm' | 'cpu';

/** What a loaded model does in a pipeline: sample an image from noise, super-resolve one, encode and decode (the autoencoder), or sample the autoencoder's latent. */
export type ModelRole = 'base' | 'sr' | 'vae' | 'latent';
export const ENGINE_BACKENDS: readonly EngineBackend[] = ['webgl', 'wasm', 'cpu'];

/**
 * A whole reverse process (DDPM Algorithm 2 or DDIM Eq. 12) of one loaded model, from a seed.
 * `guidance` is the classifier-free guidance scale w (Ho & Salimans 2022, Eq. 6): 1 = plain conditional.
 */
export interface SampleJob {
  kind: 'sample';
  model: string;
  sampler: 'ddpm' | 'ddim';
  steps: number;
  /** DDIM's η in [0, 1]; ignored by DDPM. */
  eta: number;
  seed: number;
  /** Scene kind index, or null for the unconditional (null-class) model. */
  classIndex: number | null;
  guidance: number;
  /** Images in the batch (1 in the lessons). */
  batch: number;
  /** Send every k-th step's intermediates (the last step is always sent); 0 sends none. */
  tapEvery: number;
}

/**
 * Every job the engine runs. Stepping and scrubbing in lesson 2 read the frames of one sample job (its
 * whole trajectory arrives step by step), so no separate single-step job is needed. Lesson 3 runs the
 * cascade (cascade-job.ts), and the clean-vs-defected pair as one propagation job; lessons 4 and 5 the
 * autoencoder (vae-job.ts) and the latent pipeline (latent-job.ts).
 */
export type Job = SampleJob | CascadeJob | PropagationJob | VaeJob | LatentJob;

/**
 * Faults a test (or a curious reader, from the console) can force, so each recovery path runs on
 * demand: 'crash' kills the worker, 'context-lost' loses the WebGL context (on other backends the
 * loss is simulated and takes the same path), 'nan' makes the next job's network output NaN.
 */
export const FAULT_KINDS = ['crash', 'context-lost', 'nan'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * WebGL's texture format: 32-bit floats where the GPU can render to them, else 16-bit (many phones and
 * old GPUs; tfjs picks it itself there). 'f16' forces it (tfjs flag WEBGL_FORCE_F16_TEXTURES), so the
 * half-precision path can be checked on any machine (URL parameter webgl=f16).
 */
export type TextureFloat = 'f32' | 'f16';

/** Page → worker. `id` ties responses to requests; `channel` names the widget (latest wins per channel). */
export type EngineRequest =
  /** `f16Textures`: force half-float WebGL textures from the first time WebGL starts (absent or false: tfjs decides). */
  | { type: 'init'; candidates: EngineBackend[]; override: EngineBackend | null; f16Textures?: boolean }
  | { type: 'load'; id: number; model: string; url: string }
  | { type: 'run'; id: number; channel: string; job: Job }
  | { type: 'cancel'; channel: string }
  /** `channel` aims a 'nan' fault at that widget's next job (other widgets may run jobs first); default any. */
  | { type: 'fault'; id: number; kind: FaultKind; channel?: string }
  | { type: 'memory'; id: number }
  /** Model folders to download before they are asked for, and a backend to start (engine-start.js, inlined in the head). */
  | { type: 'prefetch'; urls: string[] };

/** One step's intermediates, as float32 pixels: x_t, predicted noise ε̂ and predicted x̂₀, all `shape`. */
export interface StepFrame {
  i: number;
  steps: number;
  t: number;
  tPrev: number;
  shape: number[];
  xt: Float32Array;
  eps: Float32Array;
  x0: Float32Array;
}

/** Which chain of a job a stage belongs to: the job's own ('run', with its defects) or a propagation job's clean one. */
export type CascadeChain = 'run' | 'clean';

/** A cascade stage's progress: `step` of `steps` done, ms since the stage began, x̂₀ [size, size, 3] as a preview. */
export interface StageStep {
  chain: CascadeChain;
  stage: number;
  size: number;
  step: number;
  steps: number;
  ms: number;
  x0?: Float32Array;
}

/**
 * A finished cascade stage: its side, seed and sampling time (0 for a given start image), with its image
 * [size, size, 3] when the job asked for it, and `fed` (the image with the stage's defects applied, what
 * the next stage reads) when it has defects.
 */
export interface StageDone {
  chain: CascadeChain;
  stage: number;
  size: number;
  seed: number;
  ms: number;
  /** The most tfjs tensor bytes the stage held above what was held when it began (memory-peak.ts); null when not measured. */
  peakBytes?: number | null;
  image?: Float32Array;
  fed?: Float32Array;
}

/**
 * The defected chain against the clean one at one stage (pipelines/propagation.ts): the mean squared
 * difference per value of what the stage passes on, its ratio to the injected energy (null at and before
 * the stage the defect entered, or when none did), and the per-pixel map [size·size] when asked.
 */
export interface StageDifference {
  stage: number;
  size: number;
  energy: number;
  ratio: number | null;
  map?: Float32Array;
}

export interface PropagationSummary {
  /** The first stage whose defects changed its image, or null when none did (then every energy is 0). */
  at: number | null;
  /** Mean squared difference per value injected at stage `at` (0 when none). */
  injected: number;
  stages: StageDifference[];
}

export interface BackendTiming {
  backend: EngineBackend;
  /** Median milliseconds per workload run, or null when the backend did not start or failed. */
  ms: number | null;
  error?: string;
}

/** Worker → page. */
export type EngineResponse =
  | {
      type: 'ready';
      backend: EngineBackend;
      msPerRun: number | null;
      /** The first, untimed run on the chosen backend (wasm start-up, WebGL shader compilation), ms. */
      firstRunMs: number | null;
      /** The WebGL warm-up of the lesson-shaped job before the first real one, ms (null when not on WebGL). */
      warmUpMs: number | null;
      timings: BackendTiming[];
      overridden: boolean;
      /**
       * The speed of a backend chosen earlier untimed, measured once a job had warmed it (choice.ts
       * timeAfterJob): not an answer to a choice the reader made meanwhile. Absent on selections.
       */
      retimed?: true;
    }
  | { type: 'load-progress'; id: number; loaded: number; total: number | null }
  /** `role`: read from the manifest, a base model or a super-resolution one (manifest data.details.sr). */
  | { type: 'loaded'; id: number; model: string; paramCount: number; fromCache: boolean; role: ModelRole }
  | { type: 'progress'; id: number; channel: string; frame: StepFrame }
  | { type: 'result'; id: number; channel: string; x: Float32Array; shape: number[]; ms: number }
  | { type: 'stage-progress'; id: number; channel: string; step: StageStep }
  | { type: 'stage'; id: number; channel: string; stage: StageDone }
  /** A cascade or propagation job's end: every stage's time (the images came with 'stage'), the whole job's ms. */
  | { type: 'cascade-result'; id: number; channel: string; stages: { chain: CascadeChain; stage: number; size: number; ms: number; peakBytes?: number | null }[]; ms: number; propagation: PropagationSummary | null }
  /** An autoencoder job's end (vae-job.ts): its arrays and times, and the whole job's ms. */
  | { type: 'vae-result'; id: number; channel: string; outcome: VaeOutcome; ms: number }
  /** A latent job's step (latent-job.ts), and its end: the final latent, its preview, the one decode, and the whole job's ms. */
  | { type: 'latent-progress'; id: number; channel: string; frame: LatentFrame }
  | { type: 'latent-result'; id: number; channel: string; outcome: LatentOutcome; ms: number }
  | { type: 'error'; id: number | null; channel: string | null; code: EngineErrorCode; detail: string }
  /** A forced fault is in place ('nan': armed for the next job; 'context-lost': the context is gone). */
  | { type: 'fault-set'; id: number; kind: FaultKind }
  /** tf.memory() in the engine, between jobs: a job must leave numTensors where it found it. */
  | {
      type: 'memory';
      id: number;
      numTensors: number;
      numBytes: number;
      backend: EngineBackend | null;
      /** The wasm backend's linear memory in bytes; it only grows, so it is the most the jobs so far needed at once. null on other backends. */
      heapBytes: number | null;
      /** WebGL's textures (null on other backends): a job that leaks one shows here even when numTensors does not move. */
      gpu: GpuMemory | null;
    };

/** What tfjs's WebGL backend holds on the GPU: its texture format, and textures in use and pooled for reuse. */
export interface GpuMemory {
  textures: TextureFloat;
  /** Bytes of every texture allocated, in use or free in the pool (tf.memory().numBytesInGPUAllocated). */
  bytesAllocated: number;
  usedTextures: number;
  freeTextures: number;
}

/** The buffers a message can give away instead of copying (its Float32Arrays' buffers, each once). */
export function transferablesOf(message: EngineRequest | EngineResponse): ArrayBuffer[] {
  const arrays: (Float32Array | undefined)[] = [];
  if (message.type === 'progress') arrays.push(message.frame.xt, message.frame.eps, message.frame.x0);
  else if (message.type === 'result') arrays.push(message.x);
  else if (message.type === 'stage-progress') arrays.push(message.step.x0);
  else if (message.type === 'stage') arrays.push(message.stage.image, message.stage.fed);
  else if (message.type === 'cascade-result') arrays.push(...(message.propagation?.stages.map((s) => s.map) ?? []));
  else if (message.type === 'vae-result') arrays.push(message.outcome.image, message.outcome.latent, message.outcome.logvar, ...Object.values(message.outcome.decoded));
  else if (message.type === 'latent-progress') arrays.push(message.frame.xt, message.frame.x0, message.frame.xtPreview, message.frame.x0Preview, message.frame.decoded);
  else if (message.type === 'latent-result') arrays.push(message.outcome.latent, message.outcome.preview, message.outcome.image);
  else if (message.type === 'run' && message.job.kind === 'vae') {
    const src = message.job.source;
    arrays.push(src.type === 'pixels' ? src.pixels : src.type === 'latent' ? src.latent : undefined);
  } else if (message.type === 'run' && (message.job.kind === 'cascade' || message.job.kind === 'propagation')) {
    // The start and clean images go to the worker; a brush's weights stay with the page, which keeps painting.
    arrays.push(message.job.start ?? undefined);
    if (message.job.kind === 'propagation') arrays.push(...(message.job.clean ?? []));
  }
  const buffers = new Set<ArrayBuffer>();
  for (const a of arrays) if (a && a.buffer instanceof ArrayBuffer) buffers.add(a.buffer);
  return [...buffers];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
const isInt = (v: unknown): v is number => Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Checks the fields a job must have before the worker spends time on it; returns why not, or null. */
export function jobProblem(job: unknown): string | null {
  if (!isObj(job)) return 'job is not an object';
  if (job.kind === 'cascade' || job.kind === 'propagation') return cascadeJobProblem(job);
  if (job.kind === 'vae') return vaeJobProblem(job);
  if (job.kind === 'latent') return latentJobProblem(job);
  if (job.kind !== 'sample') return `unknown job kind ${String(job.kind)}`;
  if (typeof job.model !== 'string' || job.model === '') return 'model must be a name';
  if (job.sampler !== 'ddpm' && job.sampler !== 'ddim') return `unknown sampler ${String(job.sampler)}`;
  if (!isNum(job.eta) || job.eta < 0 || job.eta > 1) return 'eta must lie in [0, 1]';
  if (!isInt(job.seed)) return 'seed must be an integer';
  if (job.classIndex !== null && !(isInt(job.classIndex) && job.classIndex >= 0)) return 'classIndex must be an index or null';
  if (!isNum(job.guidance) || job.guidance < 0) return 'guidance must be ≥ 0';
  if (!isInt(job.batch) || job.batch < 1) return 'batch must be a positive integer';
  if (!isInt(job.steps) || job.steps < 1) return 'steps must be a positive integer';
  if (!isInt(job.tapEvery) || job.tapEvery < 0) return 'tapEvery must be an integer ≥ 0';
  return null;
}

/** Whether a message event's data is a request this protocol knows (the worker ignores anything else). */
export function isEngineRequest(data: unknown): data is EngineRequest {
  if (!isObj(data)) return false;
  switch (data.type) {
    case 'init':
      return Array.isArray(data.candidates) && data.candidates.every((b) => ENGINE_BACKENDS.includes(b as EngineBackend)) && (data.override === null || ENGINE_BACKENDS.includes(data.override as EngineBackend)) && (data.f16Textures === undefined || typeof data.f16Textures === 'boolean');
    case 'load':
      return isInt(data.id) && typeof data.model === 'string' && typeof data.url === 'string';
    case 'run':
      return isInt(data.id) && typeof data.channel === 'string' && isObj(data.job);
    case 'cancel':
      return typeof data.channel === 'string';
    case 'fault':
      return isInt(data.id) && (FAULT_KINDS as readonly unknown[]).includes(data.kind) && (data.channel === undefined || typeof data.channel === 'string');
    case 'memory':
      return isInt(data.id);
    case 'prefetch':
      return Array.isArray(data.urls) && data.urls.every((u) => typeof u === 'string');
    default:
      return false;
  }
}
