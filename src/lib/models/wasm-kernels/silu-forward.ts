// SiLU's forward on our wasm kernel (silu-wat.ts): x·σ(x) in one pass, where tfjs runs Sigmoid (a
// scalar loop) and then Multiply. Shared by the engine (install.ts) and the trainer, which also keeps
// σ(x) for the gradient (train/kernels/silu.ts).
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs } from './group-norm-forward';
import { heapOffset, heapOutput } from './heap';
import type { PassRunner } from './module-wat';

/** Input x, any shape → [y] or, with `save`, [y, σ(x)]; the two halves of the elements split over the runner's threads. */
export function siluForward({ inputs, backend }: KernelArgs, run: PassRunner, save: boolean): TensorInfo[] {
  const x = inputs.x as TensorInfo;
  const count = x.shape.reduce((a, b) => a * b, 1);
  const y = heapOutput(backend, x.shape);
  const s = save ? heapOutput(backend, x.shape) : null;
  const ptrs = (s === null ? [x, y] : [x, s, y]).map((t) => heapOffset(backend, t));
  const half = (count >> 3) << 2; // a multiple of 4 elements: the first part has no scalar tail
  const part = (from: number, n: number) => [...ptrs.map((p) => p + 4 * from), n];
  run(save ? 'siluSave' : 'silu', part(0, half), part(half, count - half));
  return s === null ? [y] : [y, s];
}
