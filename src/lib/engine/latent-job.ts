// The latent pipeline's job in the engine protocol (lesson 5; LDM, Rombach et al. 2022): sample latent-64's
// standardised 64×64×c latent from a seed, with edits put in at chosen steps, stream every step's latent,
// its colour preview and (on request) the decoded x̂₀, then decode the final latent once to 1024².
// Plain data; the arrays the engine sends back are transferred, never copied.
import type { LatentEdit, LatentEffect, LatentStart } from '../pipelines/latent';
import { BLENDS } from '../math/slerp';
import type { Mask } from '../pipelines/defects';
import { defectProblem, maskProblem, resolveDefect, type DefectSpec } from './cascade-job';

/**
 * An edit as the page sends it: pipelines/latent.ts LatentEdit, except that a defect painted on the
 * preview may be one of lesson 3's presets by name (cascade-job.ts DefectSpec), so both lessons offer the
 * same buttons. A brush's weights are not transferred: the page keeps painting on them.
 */
export type LatentEditSpec = (
  | { at: number; space: 'latent'; channel: number | null; effect: LatentEffect; mask: Mask }
  | { at: number; space: 'preview'; defect: DefectSpec }
) & {
  /** Edit the image x_t holds (pipelines/latent.ts LatentEdit.onImage): the change to x̂₀, scaled by √ᾱ. */
  onImage?: boolean;
};

export interface LatentJob {
  kind: 'latent';
  /** The latent U-Net's name (loaded), e.g. "latent-64": a U-Net whose manifest has data.details.latent. */
  model: string;
  /** The autoencoder's name (loaded), e.g. "vae": its encoder must be the one the latent model was trained on. */
  vae: string;
  /** Scene kind index, or null for the null class. */
  classIndex: number | null;
  /** Classifier-free guidance scale w (Ho & Salimans 2022, Eq. 6): 1 = plain conditional. */
  guidance: number;
  seed: number;
  steps: number;
  sampler: 'ddpm' | 'ddim';
  /** DDIM's η in [0, 1]; ignored by DDPM. */
  eta: number;
  /** Edits of the latent after their step (0-based; at = steps − 1 edits the final latent, which only the decoder sees). */
  edits: LatentEditSpec[];
  /** Steps whose x̂₀ is decoded to the full size (each costs one decoder pass); their frames are always sent. */
  decodeAt: number[];
  /** Send every k-th step's frame (step 0, k, 2k, … and the last); 0 sends only the decodeAt steps. */
  previewEvery: number;
  /** Start from z_T blended between `seed`'s draw and `start.seedB`'s (lesson 5's walk between seeds); absent: `seed`'s own. */
  start?: LatentStart;
}

/**
 * One step of a latent job. The latents are standardised (what the U-Net sees, one unit = one std of the
 * training latents), [side, side, c]; their previews are the manifest's linear map, [side, side, 3] in
 * [−1, 1]; `decoded` is x̂₀ through the decoder, [size, size, 3] in [−1, 1], on decodeAt steps only.
 */
export interface LatentFrame {
  i: number;
  steps: number;
  t: number;
  tPrev: number;
  side: number;
  channels: number;
  /** The decoded side: side × the autoencoder's factor f. */
  size: number;
  xt: Float32Array;
  x0: Float32Array;
  xtPreview: Float32Array;
  x0Preview: Float32Array;
  decoded?: Float32Array;
  /** This step's time: the network, the sampler update and any edit, read back; not the frame's own work. */
  ms: number;
  /** The decode of x̂₀, when `decoded` is here. */
  decodeMs?: number;
}

/** A latent job's end: the final latent (standardised, after the last step's edits), its preview and its one decode. */
export interface LatentOutcome {
  latent: Float32Array;
  preview: Float32Array;
  image: Float32Array;
  side: number;
  channels: number;
  size: number;
  /**
   * Milliseconds: `steps`, the sum of every step's time (what the sampling costs without the frames'
   * read-backs, previews and decodes); `decode`, the one decode of the final latent. LDM's trade in numbers:
   * many cheap steps at 64², one expensive pass to 1024².
   */
  ms: { steps: number; decode: number };
  /**
   * The most tfjs tensor bytes held above the job's start (memory-peak.ts) during the denoising steps and
   * during the one decode; absent from older engines, null where tfjs could not be watched.
   */
  peakBytes?: { steps: number | null; decode: number | null };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
const isInt = (v: unknown): v is number => Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function effectProblem(e: unknown): string | null {
  if (!isObj(e)) return 'effect is not an object';
  switch (e.kind) {
    case 'set':
      return isNum(e.value) ? null : 'a set effect needs a finite value';
    case 'noise':
      return isNum(e.sigma) && e.sigma >= 0 && isInt(e.seed) ? null : 'a noise effect needs sigma ≥ 0 and an integer seed';
    case 'shift':
      return isNum(e.delta) ? null : 'a shift effect needs a finite delta';
    default:
      return `unknown latent effect kind ${String(e.kind)}`;
  }
}

/** Why an edit is malformed for a run of `steps` steps, or null (the channel is checked against the model when it runs). */
export function latentEditProblem(e: unknown, steps: number): string | null {
  if (!isObj(e)) return 'edit is not an object';
  if (!isInt(e.at) || e.at < 0 || e.at >= steps) return `at must be a step index in [0, ${steps - 1}]`;
  if (e.onImage !== undefined && typeof e.onImage !== 'boolean') return 'onImage must be true or false';
  if (e.space === 'preview') return defectProblem(e.defect);
  if (e.space !== 'latent') return `space must be "latent" or "preview", not ${String(e.space)}`;
  if (e.channel !== null && !(isInt(e.channel) && e.channel >= 0)) return 'channel must be an index or null (all channels)';
  return effectProblem(e.effect) ?? maskProblem(e.mask);
}

/** Checks a latent job's fields before the worker spends time on it; returns why not, or null. */
export function latentJobProblem(job: Obj): string | null {
  if (typeof job.model !== 'string' || job.model === '') return 'model must be a name';
  if (typeof job.vae !== 'string' || job.vae === '') return 'vae must be the autoencoder\'s name';
  if (job.classIndex !== null && !(isInt(job.classIndex) && job.classIndex >= 0)) return 'classIndex must be an index or null';
  if (!isNum(job.guidance) || job.guidance < 0) return 'guidance must be ≥ 0';
  if (!isInt(job.seed)) return 'seed must be an integer';
  if (!isInt(job.steps) || job.steps < 1) return 'steps must be a positive integer';
  if (job.sampler !== 'ddpm' && job.sampler !== 'ddim') return `unknown sampler ${String(job.sampler)}`;
  if (!isNum(job.eta) || job.eta < 0 || job.eta > 1) return 'eta must lie in [0, 1]';
  const steps = job.steps;
  if (!Array.isArray(job.edits)) return 'edits must be a list (empty for none)';
  for (const [k, e] of job.edits.entries()) {
    const problem = latentEditProblem(e, steps);
    if (problem) return `edits[${k}]: ${problem}`;
  }
  if (!Array.isArray(job.decodeAt) || !job.decodeAt.every((i) => isInt(i) && i >= 0 && i < steps)) return `decodeAt must list step indices in [0, ${steps - 1}]`;
  if (!isInt(job.previewEvery) || job.previewEvery < 0) return 'previewEvery must be an integer ≥ 0';
  if (job.start !== undefined) {
    const s = job.start;
    if (!isObj(s) || !isInt(s.seedB)) return 'start.seedB must be an integer';
    if (!isNum(s.u) || s.u < 0 || s.u > 1) return 'start.u must lie in [0, 1]';
    if (!(BLENDS as readonly unknown[]).includes(s.blend)) return `start.blend must be one of ${BLENDS.join(', ')}`;
  }
  return null;
}

/** The pipeline's edit a spec stands for (a preset resolved to its effect and mask). */
export function resolveLatentEdit(spec: LatentEditSpec): LatentEdit {
  return spec.space === 'preview' ? { at: spec.at, space: 'preview', defect: resolveDefect(spec.defect), ...(spec.onImage ? { onImage: true } : {}) } : spec;
}
