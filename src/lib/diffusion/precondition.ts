// Preconditioning of a denoiser around a first guess b of x₀ (Karras et al. 2022, "Elucidating the
// design space", EDM, §5 and Table 1: c_skip, c_out, c_in and the loss weight λ = 1/c_out²), written
// for our variance-preserving x_t = √ᾱ·x₀ + √(1−ᾱ)·ε and for the residual r = x₀ − b, whose scale
// σ_d plays EDM's σ_data. In EDM's variables y = x_t/√ᾱ − b = r + σ·ε with σ² = (1−ᾱ)/ᾱ, and
//   x̂₀ = b + c_skip·y + c_out·F(c_in·y),  c_skip = σ_d²/(σ_d²+σ²),  c_out = σ·σ_d/√(σ_d²+σ²),  c_in = 1/√(σ_d²+σ²).
// c_skip·y is the best linear guess of r from y (the Wiener filter of a σ_d-sized signal in σ noise), so
// at low noise x̂₀ → x_t: the net never has to carry x_t's every value through its channels to keep the
// detail already in x_t — which a net with fewer channels than values per space-to-depth cell cannot do
// (train/configs/sr-256.ts tells that story). The net's output F only corrects, and with λ = 1/c_out²
// its target has unit variance at every noise level (EDM Eq. 8).
// Multiplied by ᾱ/ᾱ the coefficients stay finite at ᾱ = 0 and ᾱ = 1. With D = ᾱ·σ_d² + 1 − ᾱ:
//   u = (x_t − √ᾱ·b)/√D,   x̂₀ = b + (σ_d²·√ᾱ/√D)·u + (σ_d·√(1−ᾱ)/√D)·F.
import * as tf from '@tensorflow/tfjs-core';

export interface Preconditioning {
  /** The net's image input is cIn·(x_t − √ᾱ·b): the noisy residual at unit scale. */
  cIn: number;
  /** x̂₀ = b + cSkip·(x_t − √ᾱ·b) + cOut·F. */
  cSkip: number;
  cOut: number;
}

/** The three coefficients at one ᾱ for a residual of scale sigmaData (> 0). */
export function preconditioning(alphaBar: number, sigmaData: number): Preconditioning {
  if (!(alphaBar >= 0 && alphaBar <= 1)) throw new RangeError(`alphaBar must be in [0, 1], got ${alphaBar}`);
  if (!(sigmaData > 0)) throw new RangeError(`sigmaData must be positive, got ${sigmaData}`);
  const d = alphaBar * sigmaData ** 2 + 1 - alphaBar;
  return {
    cIn: 1 / Math.sqrt(d),
    cSkip: (sigmaData ** 2 * Math.sqrt(alphaBar)) / d,
    cOut: (sigmaData * Math.sqrt(1 - alphaBar)) / Math.sqrt(d),
  };
}

/**
 * σ_d: one for the batch, or one entry per example, each a number or one σ_d per channel (a residual whose
 * channels differ in scale, e.g. its principal components: the Wiener guess is then per channel).
 */
export type SigmaData = number | ArrayLike<number | ArrayLike<number>>;

/** Per-example (and per-channel) coefficients as [B, 1, 1, 1] or [B, 1, 1, C] tensors, one ᾱ per example. */
function perExample(alphaBars: ArrayLike<number>, sigmaData: SigmaData, pick: (p: Preconditioning, a: number) => number): tf.Tensor4D {
  const b = alphaBars.length;
  if (typeof sigmaData !== 'number' && sigmaData.length !== b) {
    throw new RangeError(`need one sigmaData per example: ${b} alphaBars, ${sigmaData.length} sigmaData`);
  }
  const entry = (i: number): number | ArrayLike<number> => (typeof sigmaData === 'number' ? sigmaData : sigmaData[i]);
  const channels = new Set(Array.from({ length: b }, (_, i) => entry(i)).map((e) => (typeof e === 'number' ? 1 : e.length)));
  if (channels.size !== 1) throw new RangeError('sigmaData entries must all be numbers or all have the same length');
  const c = [...channels][0];
  const v = new Float32Array(b * c);
  for (let i = 0; i < b; i++) {
    const e = entry(i);
    for (let j = 0; j < c; j++) v[i * c + j] = pick(preconditioning(alphaBars[i], typeof e === 'number' ? e : e[j]), Math.sqrt(alphaBars[i]));
  }
  return tf.tensor4d(v, [b, 1, 1, c]);
}

/** x_t − √ᾱ·b: the noisy residual, before scaling. Caller disposes. */
function noisyResidual(xt: tf.Tensor4D, base: tf.Tensor4D, alphaBars: ArrayLike<number>, sigmaData: SigmaData): tf.Tensor4D {
  return tf.tidy(() => tf.sub(xt, tf.mul(base, perExample(alphaBars, sigmaData, (_p, a) => a)))) as tf.Tensor4D;
}

/** The net's image input u = cIn·(x_t − √ᾱ·b). xt, base [B, H, W, C]; one ᾱ per example. Caller disposes. */
export function preconditionInput(xt: tf.Tensor4D, base: tf.Tensor4D, alphaBars: ArrayLike<number>, sigmaData: SigmaData): tf.Tensor4D {
  return tf.tidy(() => tf.mul(noisyResidual(xt, base, alphaBars, sigmaData), perExample(alphaBars, sigmaData, (p) => p.cIn))) as tf.Tensor4D;
}

/** x̂₀ = b + cSkip·(x_t − √ᾱ·b) + cOut·F from the net's output F. Caller disposes. */
export function preconditionedX0(xt: tf.Tensor4D, base: tf.Tensor4D, out: tf.Tensor4D, alphaBars: ArrayLike<number>, sigmaData: SigmaData): tf.Tensor4D {
  return tf.tidy(() => {
    const skip = tf.mul(noisyResidual(xt, base, alphaBars, sigmaData), perExample(alphaBars, sigmaData, (p) => p.cSkip));
    return tf.add(tf.add(base, skip), tf.mul(out, perExample(alphaBars, sigmaData, (p) => p.cOut)));
  }) as tf.Tensor4D;
}

/**
 * The regression target of F: (x₀ − b − cSkip·(x_t − √ᾱ·b))/cOut, so that ‖F − target‖² = ‖x̂₀ − x₀‖²/cOut²
 * (EDM's λ = 1/c_out², Eq. 8). Needs ᾱ < 1 (cOut > 0), as every training step t ≥ 1 has. Caller disposes.
 */
export function preconditionTarget(x0: tf.Tensor4D, xt: tf.Tensor4D, base: tf.Tensor4D, alphaBars: ArrayLike<number>, sigmaData: SigmaData): tf.Tensor4D {
  if (Array.from(alphaBars).some((ab) => !(ab < 1))) throw new RangeError('preconditionTarget needs every alphaBar < 1');
  return tf.tidy(() => {
    const skip = tf.mul(noisyResidual(xt, base, alphaBars, sigmaData), perExample(alphaBars, sigmaData, (p) => p.cSkip));
    return tf.div(tf.sub(tf.sub(x0, base), skip), perExample(alphaBars, sigmaData, (p) => p.cOut));
  }) as tf.Tensor4D;
}
