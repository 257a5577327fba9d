// Identity and SplitV for tfjs-backend-wasm 4.22 that move as little data as possible.
// - Identity: the stock kernel copies the buffer, and tfjs-core clones every tensor a gradient saves
//   (≈ 260 copies per base-64 step, up to 25 MB each). Tensors are immutable, so sharing the buffer
//   with a raised reference count, as the cpu backend and wasm's own Reshape do, gives the same values.
// - SplitV, the gradient of the U-Net's skip concat: the stock kernel slices each part after
//   `readSync`, a copy of the whole input per part; at 64², batch 16, 64 + 32 channels that took
//   120 ms, more than a convolution. Here it is one pass between heap views (8 ms), like the stock
//   Concat, which is kept.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { heapView, type WasmHeap } from './kernel-scratch';

/** Typed arrays the copies below run on (float32, int32 and bool tensors' heap views). */
type Heap = Float32Array | Int32Array | Uint8Array;
const view = (backend: KernelBackend, t: TensorInfo) => heapView(backend, t) as unknown as Heap;

/** Elements before and after `axis`: the tensor read as [outer, shape[axis], inner]. */
function around(shape: number[], axis: number): [number, number] {
  const prod = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
  return [prod(shape.slice(0, axis)), prod(shape.slice(axis + 1))];
}

/** A kernel call; every kernel here reads an input named x. */
type Args = { inputs: { x: TensorInfo }; backend: KernelBackend; attrs: tf.NamedAttrMap };

function identity({ inputs, backend }: Args): TensorInfo {
  const { x } = inputs;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * x read as [outer, Σ runs]: row r of part p is x[r, offset_p … offset_p + runs[p]]. One pass over x
 * in order, one `set` per (row, part), the way the stock Concat writes its output.
 */
function splitV({ inputs, backend, attrs }: Args): TensorInfo[] {
  const { x } = inputs;
  const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs.numOrSizeSplits as number[] | number, axis);
  const [outer, inner] = around(x.shape, axis);
  const row = x.shape[axis] * inner;
  const outs = sizes.map((size) => {
    const shape = x.shape.slice();
    shape[axis] = size;
    return (backend as unknown as WasmHeap).makeOutput(shape, x.dtype as 'float32');
  });
  const src = view(backend, x); // views taken after the last allocation (growing the heap detaches them)
  const dsts = outs.map((t) => view(backend, t));
  const runs = sizes.map((size) => size * inner);
  for (let r = 0; r < outer; r++) {
    let from = r * row;
    for (let p = 0; p < dsts.length; p++) {
      dsts[p].set(src.subarray(from, from + runs[p]), r * runs[p]);
      from += runs[p];
    }
  }
  return outs;
}

/** Which stock kernels these replace, and whether a call can be handled here (else the stock one runs). */
export const DATA_MOVEMENT_KERNELS: [string, (args: Args) => TensorInfo | TensorInfo[], (args: Args) => boolean][] = [
  ['Identity', identity, ({ inputs }) => inputs.x.dtype !== 'string'],
  ['SplitV', splitV, ({ inputs }) => inputs.x.dtype !== 'string' && inputs.x.dtype !== 'complex64'],
];
