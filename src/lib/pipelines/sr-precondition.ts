// The super-resolution stages' preconditioning around the bicubic upsample (diffusion/precondition.ts, EDM
// §5), in one place for training (train/sr-objective.ts) and sampling (super-resolution.ts srDenoiser).
// With a residual basis, x_t, the upsample and x₀ are first turned into the principal components of the
// residual x₀ − upsample (a fixed orthonormal 3k²×3k² map per cell, measured on training crops), and every
// component gets its own σ_d. The Wiener guess c_skip·y is then the right one per component: a component in
// which the truth barely differs from the upsample is pulled to the upsample instead of keeping noise of a
// typical component's size, which a net with fewer channels than a cell's values cannot remove itself. The
// rotation is orthonormal, so the forward noise stays N(0, I) in the new coordinates and DDPM's process is
// unchanged; the net reads and writes components, the sampler sees pixels.
import * as tf from '@tensorflow/tfjs-core';
import { preconditionedX0, preconditionInput, preconditionTarget } from '../diffusion/precondition';

export interface SrPrecondition {
  /** σ_d of the whole residual (one number for every component), when no basis is given. */
  residualStd?: number;
  /** σ_d² grows by augResidualGain·(1 − ᾱ_a) at aug level a: the aug noise makes the upsample a worse guess. */
  augResidualGain?: number;
  /** The residual's principal components: 3k² std devs, largest first … */
  residualStds?: number[];
  /** … and their directions, the columns of a row-major 3k²×3k² orthonormal matrix V (components = cell·V) … */
  residualBasis?: number[];
  /**
   * … and each component's augResidualGain: the aug noise, bicubic-upsampled, is smooth, so it worsens the
   * guess in the smooth components and hardly in the fine ones; one gain for all would give the fine
   * components noise of the smooth ones' size.
   */
  residualGains?: number[];
}

/** σ_d at aug level ᾱ_a: per component with a basis (and its own gain), else one number; √(σ² + gain·(1 − ᾱ_a)). */
export function srSigmaData(p: SrPrecondition, augAlphaBar: number): number | number[] {
  const grow = (s: number, gain = p.augResidualGain ?? 0) => Math.sqrt(s * s + gain * (1 - augAlphaBar));
  if (p.residualStds) return p.residualStds.map((s, k) => grow(s, p.residualGains?.[k]));
  if (p.residualStd === undefined) throw new Error('srSigmaData needs residualStd or residualStds');
  return grow(p.residualStd);
}

/** x [B, H, W, C] times the C×C row-major matrix m (or its transpose) over the channel axis. */
function rotate(x: tf.Tensor4D, m: readonly number[], transpose: boolean): tf.Tensor4D {
  const c = x.shape[3];
  if (m.length !== c * c) throw new RangeError(`residual basis has ${m.length} values, the cells ${c} channels`);
  const mt = transpose ? Float32Array.from({ length: c * c }, (_, i) => m[(i % c) * c + Math.floor(i / c)]) : Float32Array.from(m);
  // A plain (untransposed) matMul: the wasm backend runs it on XNNPACK, transposed ones on a scalar loop.
  return tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(x, [-1, c]), tf.tensor2d(mt, [c, c])), x.shape)) as tf.Tensor4D;
}

const toBasis = (p: SrPrecondition, x: tf.Tensor4D) => (p.residualBasis ? rotate(x, p.residualBasis, false) : x);

/** σ_d per example: the same aug-level rule as srSigmaData, one entry per example. */
function sigmas(p: SrPrecondition, augAlphaBars: readonly number[]): (number | number[])[] {
  return augAlphaBars.map((ab) => srSigmaData(p, ab));
}

/** The net's image input: the scaled noisy residual, in components. Call inside tf.tidy. */
export function srNetInput(p: SrPrecondition, xt: tf.Tensor4D, cond: tf.Tensor4D, alphaBars: number[], augAlphaBars: number[]): tf.Tensor4D {
  return preconditionInput(toBasis(p, xt), toBasis(p, cond), alphaBars, sigmas(p, augAlphaBars));
}

/** x̂₀ in cells from the net's output (in components). Call inside tf.tidy. */
export function srX0(p: SrPrecondition, xt: tf.Tensor4D, cond: tf.Tensor4D, out: tf.Tensor4D, alphaBars: number[], augAlphaBars: number[]): tf.Tensor4D {
  const x0 = preconditionedX0(toBasis(p, xt), toBasis(p, cond), out, alphaBars, sigmas(p, augAlphaBars));
  return p.residualBasis ? rotate(x0, p.residualBasis, true) : x0;
}

/** The net's regression target (in components), EDM's λ = 1/c_out² folded in. Call inside tf.tidy. */
export function srTarget(p: SrPrecondition, x0: tf.Tensor4D, xt: tf.Tensor4D, cond: tf.Tensor4D, alphaBars: number[], augAlphaBars: number[]): tf.Tensor4D {
  return preconditionTarget(toBasis(p, x0), toBasis(p, xt), toBasis(p, cond), alphaBars, sigmas(p, augAlphaBars));
}

/** Why a manifest's residualStds / residualBasis / residualGains cannot be used with `channels`-value cells, or null. */
export function residualBasisProblem(stds: unknown, basis: unknown, gains: unknown, channels: number): string | null {
  if (!Array.isArray(stds) || stds.length !== channels || !stds.every((s) => typeof s === 'number' && s > 0 && s < 1)) {
    return `.residualStds must be ${channels} numbers in (0, 1)`;
  }
  if (gains !== undefined && (!Array.isArray(gains) || gains.length !== channels || !gains.every((g) => typeof g === 'number' && g >= 0 && g <= 20))) {
    return `.residualGains must be ${channels} numbers in [0, 20]`;
  }
  if (!Array.isArray(basis) || basis.length !== channels * channels || !basis.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    return `.residualBasis must be ${channels}×${channels} numbers`;
  }
  const b = basis as number[];
  for (let i = 0; i < channels; i++)
    for (let j = i; j < channels; j++) {
      let dot = 0;
      for (let r = 0; r < channels; r++) dot += b[r * channels + i] * b[r * channels + j];
      if (Math.abs(dot - (i === j ? 1 : 0)) > 1e-4) return `.residualBasis is not orthonormal (columns ${i} and ${j}: ${dot.toFixed(5)})`;
    }
  return null;
}
