// The autoencoder's job in the engine protocol (lesson 4; LDM, Rombach et al. 2022 §3.1): squeeze an
// image (a world scene rendered in the worker, or the reader's own pixels) into the latent and restore
// it with one or both decoders, or decode a latent the page has edited (mixed with noise, painted, drawn
// from the prior). Plain data; pixel arrays are transferred, never copied.

/** Which decoder: the final (adversarially fine-tuned) one, or the phase-1 one trained on reconstruction + KL only. */
export type VaeDecoder = 'final' | 'phase1';
export const VAE_DECODERS: readonly VaeDecoder[] = ['final', 'phase1'];

/** Where the job's image or latent comes from. */
export type VaeSource =
  /** A scene of the procedural world (src/lib/data), rendered in the worker at `size`² (a multiple of f). */
  | { type: 'scene'; sceneKind: number; seed: number; size: number }
  /** The page's own image, [size, size, 3] in [−1, 1] (an upload, centre-cropped and resized). Transferred. */
  | { type: 'pixels'; pixels: Float32Array; size: number }
  /** A latent to decode as it is, [side, side, c] (HWC) with side = size / f. Transferred. */
  | { type: 'latent'; latent: Float32Array; side: number };

export interface VaeJob {
  kind: 'vae';
  /** The autoencoder's name (loaded), e.g. "vae". */
  model: string;
  source: VaeSource;
  /** Decoders to run, in order; a model without a phase-1 decoder answers 'phase1' with the error model-missing. */
  decoders: VaeDecoder[];
  /** Whether the scene's render comes back too (the page has the pixels of the other sources already). */
  sendImage: boolean;
}

/** The job's outcome: everything as float32 in [−1, 1] (images) or raw latent units, with each part's time. */
export interface VaeOutcome {
  /** The rendered scene (scene sources with sendImage), [size, size, 3]. */
  image?: Float32Array;
  /** The posterior mean μ (image sources), [side, side, c]. */
  latent?: Float32Array;
  /** The posterior log σ² (image sources), [side, side, c]. */
  logvar?: Float32Array;
  /** One image per requested decoder, [size, size, 3], clipped to [−1, 1]. */
  decoded: Partial<Record<VaeDecoder, Float32Array>>;
  size: number;
  side: number;
  channels: number;
  /** Milliseconds: render (scene), encode, each decoder. */
  ms: { render?: number; encode?: number; decode: Partial<Record<VaeDecoder, number>> };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
const isInt = (v: unknown): v is number => Number.isInteger(v);

/** The largest image side a job may ask for: a 1024² job already needs ~400 MB of activations on wasm. */
export const VAE_MAX_SIZE = 1024;

/** Why a VAE job is malformed, or null. Sizes must be multiples of 16 (checked again against the model's f). */
export function vaeJobProblem(job: Obj): string | null {
  if (typeof job.model !== 'string' || job.model === '') return 'model must be a name';
  if (!Array.isArray(job.decoders) || !job.decoders.every((d) => (VAE_DECODERS as readonly unknown[]).includes(d))) return 'decoders must list "final" and/or "phase1"';
  if (typeof job.sendImage !== 'boolean') return 'sendImage must be a boolean';
  const s = job.source;
  if (!isObj(s)) return 'source must be an object';
  const size = (v: unknown) => isInt(v) && v >= 16 && v <= VAE_MAX_SIZE && v % 16 === 0;
  if (s.type === 'scene') {
    if (!isInt(s.sceneKind) || s.sceneKind < 0) return 'sceneKind must be an index';
    if (!isInt(s.seed)) return 'seed must be an integer';
    if (!size(s.size)) return `size must be a multiple of 16 up to ${VAE_MAX_SIZE}`;
    return null;
  }
  if (s.type === 'pixels') {
    if (!size(s.size)) return `size must be a multiple of 16 up to ${VAE_MAX_SIZE}`;
    if (!(s.pixels instanceof Float32Array) || s.pixels.length !== (s.size as number) ** 2 * 3) return 'pixels must be a Float32Array of size²·3 values';
    return null;
  }
  if (s.type === 'latent') {
    if (!isInt(s.side) || s.side < 1 || s.side * 16 > VAE_MAX_SIZE) return `side must be a positive integer up to ${VAE_MAX_SIZE / 16}`;
    if (!(s.latent instanceof Float32Array) || s.latent.length % (s.side * s.side) !== 0) return 'latent must be a Float32Array of side²·c values';
    if (!s.latent.every(Number.isFinite)) return 'latent holds a value that is not finite';
    return null;
  }
  return `unknown source type ${String(s.type)}`;
}
