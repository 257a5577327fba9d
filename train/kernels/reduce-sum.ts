// Sum over the spatial axes of an NHWC tensor (and optionally the batch), for tfjs-backend-wasm 4.22:
// the bias gradients of every conv (Σ over B, H, W of dy) and of the time-embedding add (Σ over H, W).
// The stock kernel first transposes the reduced axes innermost (a full copy) and then sums: 4.4–5.9 ms
// at [16, 64, 64, 32]. A global average pool (XNNPACK, the trick group-norm.ts uses for its means)
// reads the tensor once in memory order: 0.4 ms. Σ_{h,w} x = H·W·mean_{h,w} x, and the batch sum, if
// asked for, adds B rows of C numbers in JS. Float rounding differs from the stock sum's (tolerance).
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { heapView, KernelScratch, type WasmHeap } from './kernel-scratch';

/** A kernel call; every kernel here reads an input named x. */
type Args = { inputs: { x: TensorInfo }; backend: KernelBackend; attrs: tf.NamedAttrMap };

const axesOf = ({ inputs, attrs }: Args) =>
  [...new Set(tf.util.parseAxisParam(attrs.axis as number | number[], inputs.x.shape))].sort((a, b) => a - b).join();

/** Whether spatialSum handles this call: a float32 rank-4 tensor summed over axes 1, 2 or 0, 1, 2. */
export function spatialSumHandles(args: Args): boolean {
  const { x } = args.inputs;
  if (x.dtype !== 'float32' || x.shape.length !== 4) return false;
  const axes = axesOf(args);
  return axes === '1,2' || axes === '0,1,2';
}

/** Σ of x [B, H, W, C] over H, W (→ [B, C]) or over B, H, W (→ [C]); keepDims as tf.sum. */
export function spatialSum(args: Args): TensorInfo {
  const { inputs: { x }, backend, attrs } = args;
  const [b, h, w, c] = x.shape;
  const overBatch = axesOf(args) === '0,1,2';
  const s = new KernelScratch(backend);
  try {
    const means = s.run('AvgPool', { x }, { filterSize: [h, w], strides: [1, 1], pad: 'valid', dimRoundingMode: undefined } as unknown as tf.NamedAttrMap); // [B, 1, 1, C]
    const shape = attrs.keepDims ? [overBatch ? 1 : b, 1, 1, c] : overBatch ? [c] : [b, c];
    const out = (backend as unknown as WasmHeap).makeOutput(shape, 'float32');
    const m = heapView(backend, means), dst = heapView(backend, out); // after the last allocation
    const rows = overBatch ? b : 1;
    for (let o = 0; o < (overBatch ? 1 : b); o++) {
      for (let k = 0; k < c; k++) {
        let sum = 0;
        for (let r = 0; r < rows; r++) sum += m[(o + r) * c + k];
        dst[o * c + k] = sum * h * w;
      }
    }
    return out;
  } finally {
    s.free();
  }
}
