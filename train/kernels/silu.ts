// SiLU x·σ(x) (Elfwing et al. 2018) with the closed-form gradient σ(x)(1 + x(1 − σ(x))), which
// saves tfjs autodiff's extra passes (measurements.md §1.3). Same forward as referenceOps.silu.
import * as tf from '@tensorflow/tfjs-core';

const siluCustom = tf.customGrad((...args) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const s = tf.sigmoid(x);
  const value = tf.mul(x, s);
  save([s, value]); // saving is a reference, not a copy
  return {
    value,
    // σ(1 + x(1 − σ)) = σ + y(1 − σ) with y = x·σ: four elementwise passes instead of five.
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sig, y] = saved;
      return tf.tidy(() => tf.mul(dy, tf.add(sig, tf.mul(y, tf.sub(1, sig)))));
    },
  };
});

/** SiLU, elementwise, any shape. Caller disposes the result. */
export function siluTrain<T extends tf.Tensor>(x: T): T {
  return siluCustom(x) as T;
}
