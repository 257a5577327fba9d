// 2× down (2×2 average pool) and 2× up (nearest) whose gradients are each other's fast forward:
// d(avgPool2)/dx = up2(dy)/4 and d(up2)/dx = 4·avgPool2(dy), instead of the slow AvgPoolGrad and
// resize-gradient kernels (measurements.md §1.3). Same forwards as referenceOps.down2/up2.
import * as tf from '@tensorflow/tfjs-core';

function pool2(x: tf.Tensor4D): tf.Tensor4D {
  return tf.avgPool(x, 2, 2, 'valid');
}
function nearest2(x: tf.Tensor4D): tf.Tensor4D {
  return tf.image.resizeNearestNeighbor(x, [x.shape[1] * 2, x.shape[2] * 2]);
}

const down2Custom = tf.customGrad((...args) => {
  const [x] = args as [tf.Tensor4D];
  return { value: pool2(x), gradFunc: (dy: tf.Tensor4D) => tf.tidy(() => tf.mul(nearest2(dy), 0.25)) };
});

const up2Custom = tf.customGrad((...args) => {
  const [x] = args as [tf.Tensor4D];
  return { value: nearest2(x), gradFunc: (dy: tf.Tensor4D) => tf.tidy(() => tf.mul(pool2(dy), 4)) };
});

/** [B, H, W, C] → [B, H/2, W/2, C], mean of 2×2 blocks; H, W even. Caller disposes. */
export function down2Train(x: tf.Tensor4D): tf.Tensor4D {
  if (x.shape[1] % 2 !== 0 || x.shape[2] % 2 !== 0) throw new Error(`down2: odd size ${x.shape}`);
  return down2Custom(x) as tf.Tensor4D;
}

/** [B, H, W, C] → [B, 2H, 2W, C], each pixel copied to a 2×2 block. Caller disposes. */
export function up2Train(x: tf.Tensor4D): tf.Tensor4D {
  return up2Custom(x) as tf.Tensor4D;
}
