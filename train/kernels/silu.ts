// SiLU x·σ(x) (Elfwing et al. 2018) with the closed-form gradient σ(x)(1 + x(1 − σ(x))), which
// saves tfjs autodiff's extra passes (measurements.md §1.3). Same forward as referenceOps.silu.
import * as tf from '@tensorflow/tfjs-core';

const siluCustom = tf.customGrad((...args) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const s = tf.sigmoid(x);
  save([x, s]);
  return {
    value: tf.mul(x, s),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, sig] = saved;
      return tf.tidy(() => tf.mul(dy, tf.mul(sig, tf.add(1, tf.mul(xs, tf.sub(1, sig))))));
    },
  };
});

/** SiLU, elementwise, any shape. Caller disposes the result. */
export function siluTrain<T extends tf.Tensor>(x: T): T {
  return siluCustom(x) as T;
}
