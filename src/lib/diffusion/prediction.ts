// What a denoiser predicts, and conversions between ε, x̂₀ and v at one noise level, where
// x_t = a·x₀ + s·ε with a = √ᾱ_t, s = √(1−ᾱ_t) and v = a·ε − s·x₀ (Salimans & Ho 2022, §4 and App. D).
import * as tf from '@tensorflow/tfjs-core';

export const PREDICTIONS = ['eps', 'v', 'x0'] as const;
/** The network's output: the noise ε, the velocity v, or the clean image x₀. */
export type Prediction = (typeof PREDICTIONS)[number];

function coefficients(alphaBar: number): { a: tf.Scalar; s: tf.Scalar } {
  if (!(alphaBar >= 0 && alphaBar <= 1)) throw new RangeError(`alphaBar must be in [0, 1], got ${alphaBar}`);
  return { a: tf.scalar(Math.sqrt(alphaBar)), s: tf.scalar(Math.sqrt(1 - alphaBar)) };
}

// Each function below returns a new tensor that the caller disposes.

/** x̂₀ = (x_t − s·ε)/a. Divides by a = √ᾱ: unstable where ᾱ → 0 (that is why v exists). */
export function x0FromEps(xt: tf.Tensor, eps: tf.Tensor, alphaBar: number): tf.Tensor {
  return tf.tidy(() => {
    const { a, s } = coefficients(alphaBar);
    return tf.div(tf.sub(xt, tf.mul(eps, s)), a);
  });
}

/** ε̂ = (x_t − a·x₀)/s. Divides by s = √(1−ᾱ): undefined at t = 0. */
export function epsFromX0(xt: tf.Tensor, x0: tf.Tensor, alphaBar: number): tf.Tensor {
  return tf.tidy(() => {
    const { a, s } = coefficients(alphaBar);
    return tf.div(tf.sub(xt, tf.mul(x0, a)), s);
  });
}

/** v = a·ε − s·x₀ (diffusers `get_velocity`). */
export function vFromEpsX0(eps: tf.Tensor, x0: tf.Tensor, alphaBar: number): tf.Tensor {
  return tf.tidy(() => {
    const { a, s } = coefficients(alphaBar);
    return tf.sub(tf.mul(eps, a), tf.mul(x0, s));
  });
}

/** x̂₀ = a·x_t − s·v (no division, so it stays finite at ᾱ = 0). */
export function x0FromV(xt: tf.Tensor, v: tf.Tensor, alphaBar: number): tf.Tensor {
  return tf.tidy(() => {
    const { a, s } = coefficients(alphaBar);
    return tf.sub(tf.mul(xt, a), tf.mul(v, s));
  });
}

/** ε̂ = s·x_t + a·v. */
export function epsFromV(xt: tf.Tensor, v: tf.Tensor, alphaBar: number): tf.Tensor {
  return tf.tidy(() => {
    const { a, s } = coefficients(alphaBar);
    return tf.add(tf.mul(xt, s), tf.mul(v, a));
  });
}

/** What a network of kind `prediction` should output for this x₀ and ε (the regression target). */
export function predictionTarget(prediction: Prediction, x0: tf.Tensor, eps: tf.Tensor, alphaBar: number): tf.Tensor {
  switch (prediction) {
    case 'eps':
      return tf.clone(eps);
    case 'x0':
      return tf.clone(x0);
    case 'v':
      return vFromEpsX0(eps, x0, alphaBar);
  }
}

/**
 * ε̂ and x̂₀ from a network output. With `clip`, x̂₀ is clipped to [lo, hi] and ε̂ re-derived from the
 * clipped x̂₀, as improved-diffusion does (`_predict_eps_from_xstart` after `clip_denoised`), so the
 * sampler step sees a consistent pair. The caller disposes both tensors.
 */
export function epsAndX0(
  prediction: Prediction,
  xt: tf.Tensor,
  output: tf.Tensor,
  alphaBar: number,
  clip: readonly [number, number] | null = null,
): { eps: tf.Tensor; x0: tf.Tensor } {
  return tf.tidy(() => {
    let x0: tf.Tensor;
    let eps: tf.Tensor;
    if (prediction === 'eps') {
      eps = output.clone();
      x0 = x0FromEps(xt, output, alphaBar);
    } else if (prediction === 'v') {
      eps = epsFromV(xt, output, alphaBar);
      x0 = x0FromV(xt, output, alphaBar);
    } else {
      x0 = output.clone();
      eps = epsFromX0(xt, output, alphaBar);
    }
    if (clip) {
      x0 = tf.clipByValue(x0, clip[0], clip[1]);
      eps = epsFromX0(xt, x0, alphaBar);
    }
    return { eps, x0 };
  });
}
