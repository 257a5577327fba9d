// What lesson 5 reads from the latent model's manifest (pretrained/latent-64/manifest.json, served at
// /models/latent-64/manifest.json; written by train/export.ts with data.details.latent from
// train/latent/latent-data.ts latentRecord): the per-channel statistics that undo the standardisation
// (z = z'·std + mean; LDM rescales its latents too, Rombach et al. 2022 §4.3.2), the scene counts, the
// training budget and the evaluation. Read defensively: an early checkpoint has fewer figures, and a
// figure that is absent is reported as absent, never filled in.
import { isScheduleName, makeSchedule } from '$lib/diffusion/schedule';

export interface LatentFacts {
  name: string;
  /** Latent channels c (the U-Net's image channels). */
  channels: number;
  resolution: number;
  params: number | null;
  /** The U-Net's levels (resolutions it works at: 64² down to 16² is three), from config.channelMults. */
  levels: number | null;
  /** Forward FLOPs of one network call at 64², when recorded. */
  flops: number | null;
  steps: number;
  batch: number | null;
  wallTimeSeconds: number | null;
  machine: string | null;
  schedule: string | null;
  /** The schedule's T (diffusion steps), 1000 when not recorded. */
  T: number;
  prediction: string | null;
  condDropout: number | null;
  /** Per-channel mean and standard deviation of the training latents (decoder units). */
  mean: number[];
  std: number[];
  encoderSha256: string;
  trainCount: number | null;
  heldoutCount: number | null;
  encoding: string | null;
  /** The colour preview's linear map (weights[j][k]: channel j's share of colour k), when recorded. */
  preview: { weights: number[][]; bias: number[] } | null;
  /** The colour preview's held-out mean squared error against the 64² renders, when recorded. */
  previewMse: number | null;
  heldOutLoss: number | null;
  /** The training loss measured the same way, when the evaluation has it (the overfitting gap is their difference). */
  trainLoss: number | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const numOr = (v: unknown): number | null => (isNum(v) ? v : null);
const strOr = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
/** A U-Net config's level count (its channelMults' length), or null when the config does not say. */
const levelsOf = (config: unknown): number | null => (isObj(config) && Array.isArray(config.channelMults) && config.channelMults.length > 0 ? config.channelMults.length : null);
const nums = (v: unknown, n: number): number[] | null => (Array.isArray(v) && v.length === n && v.every(isNum) ? (v as number[]) : null);

/** The facts of the manifest (parsed JSON); throws naming the field when what the page needs to decode is missing. */
export function latentFacts(raw: unknown, file: string): LatentFacts {
  if (!isObj(raw) || !isObj(raw.config)) throw new Error(`${file}: field "config" must be an object`);
  const channels = raw.config.imageChannels;
  if (!Number.isInteger(channels) || (channels as number) < 1) throw new Error(`${file}: config.imageChannels must be a positive integer`);
  const c = channels as number;
  const data = isObj(raw.data) ? raw.data : {};
  const details = isObj(data.details) ? data.details : {};
  const latent = details.latent;
  if (!isObj(latent)) throw new Error(`${file}: data.details.latent is missing (not a latent model)`);
  const mean = nums(latent.mean, c);
  const std = nums(latent.std, c);
  if (!mean || !std || !std.every((s) => s > 0)) throw new Error(`${file}: data.details.latent.mean and .std must hold ${c} numbers (std > 0)`);
  const flopRow = Array.isArray(raw.flops) ? raw.flops.find((r) => isObj(r) && isNum(r.flopsPerImage)) : undefined;
  const evaluation = isObj(raw.evaluation) ? raw.evaluation : {};
  const preview = isObj(latent.preview) ? latent.preview : {};
  return {
    name: strOr(raw.name) ?? 'latent-64',
    channels: c,
    resolution: numOr(details.resolution) ?? 64,
    params: numOr(raw.paramCount),
    levels: levelsOf(raw.config),
    flops: isObj(flopRow) ? (flopRow.flopsPerImage as number) : null,
    steps: numOr(raw.steps) ?? 0,
    batch: numOr(details.batch),
    wallTimeSeconds: numOr(raw.wallTimeSeconds),
    machine: strOr(raw.machine),
    schedule: strOr(details.schedule),
    T: numOr(details.T) ?? 1000,
    prediction: strOr(details.prediction),
    condDropout: numOr(details.condDropout),
    mean,
    std,
    encoderSha256: strOr(latent.encoderSha256) ?? '',
    trainCount: numOr(latent.trainCount),
    heldoutCount: numOr(latent.heldoutCount),
    encoding: strOr(latent.encoding),
    preview: Array.isArray(preview.weights) && preview.weights.length === c && preview.weights.every((row) => nums(row, 3)) && nums(preview.bias, 3) ? { weights: preview.weights as number[][], bias: preview.bias as number[] } : null,
    previewMse: numOr(preview.heldOutMse),
    heldOutLoss: numOr(evaluation.heldOutLoss),
    trainLoss: numOr(evaluation.trainLoss),
  };
}

/** A standardised latent z' [side, side, c] in the decoder's units, z = z'·std + mean (what the autoencoder job decodes). */
export function unstandardise(zs: Float32Array, facts: Pick<LatentFacts, 'mean' | 'std'>): Float32Array {
  const c = facts.mean.length;
  if (zs.length % c !== 0) throw new RangeError(`a latent of ${c} channels cannot hold ${zs.length} values`);
  return zs.map((v, i) => v * facts.std[i % c] + facts.mean[i % c]);
}

/**
 * The colour preview of a standardised latent [side, side, c] without the clip the frames' previews have:
 * rgb = Wᵀz + b per cell on z = z'·std + mean (pipelines/latent-preview.ts applyPreview, the same map).
 * Linear, so the preview of a difference of latents is exactly the colour change an edit made.
 */
export function unclippedPreview(zs: Float32Array, facts: Pick<LatentFacts, 'mean' | 'std' | 'preview'>): Float32Array | null {
  const map = facts.preview;
  if (!map) return null;
  const z = unstandardise(zs, facts);
  const c = facts.mean.length;
  const out = new Float32Array((z.length / c) * 3);
  for (let cell = 0; cell < z.length / c; cell++)
    for (let k = 0; k < 3; k++) {
      let v = map.bias[k];
      for (let j = 0; j < c; j++) v += z[cell * c + j] * map.weights[j][k];
      out[cell * 3 + k] = v;
    }
  return out;
}

/**
 * √ᾱ_t of the model's schedule: the share of the clean latent in x_t = √ᾱ z₀ + √(1−ᾱ) ε (DDPM Eq. 4), so
 * a change of x̂₀ by Δ is a change of x_t by √ᾱ·Δ. Null when the manifest names no schedule the course has.
 */
export function signalAt(facts: Pick<LatentFacts, 'schedule' | 'T' | 'resolution'>, t: number): number | null {
  if (!facts.schedule || !isScheduleName(facts.schedule) || !Number.isInteger(t) || t < 0 || t > facts.T) return null;
  return Math.sqrt(makeSchedule(facts.schedule, { T: facts.T, resolution: facts.resolution }).alphaBar[t]);
}

/** How many times each training latent was seen: steps × batch over the training scenes. */
export function timesSeen(facts: Pick<LatentFacts, 'steps' | 'batch' | 'trainCount'>): number | null {
  return facts.batch && facts.trainCount ? (facts.steps * facts.batch) / facts.trainCount : null;
}

/** A diffusion model's training budget and losses, for the comparison of latent-64 with base-64 (issue 15: the same budget). */
export interface Budget {
  params: number | null;
  levels: number | null;
  steps: number;
  batch: number | null;
  wallTimeSeconds: number | null;
  heldOutLoss: number | null;
  trainLoss: number | null;
}

/** The budget of any U-Net manifest (base-64's or latent-64's); absent figures are null. */
export function budgetOf(raw: unknown): Budget {
  const m = isObj(raw) ? raw : {};
  const details = isObj(m.data) && isObj(m.data.details) ? m.data.details : {};
  const evaluation = isObj(m.evaluation) ? m.evaluation : {};
  return {
    params: numOr(m.paramCount),
    levels: levelsOf(m.config),
    steps: numOr(m.steps) ?? 0,
    batch: numOr(details.batch),
    wallTimeSeconds: numOr(m.wallTimeSeconds),
    heldOutLoss: numOr(evaluation.heldOutLoss),
    trainLoss: numOr(evaluation.trainLoss),
  };
}
