// The trainer's 3×3 convolutions by Winograd's F(4×4, 3×3) or F(2×2, 3×3) (src/lib/models/wasm-kernels/
// winograd-*.ts, Lavin & Gray 2016): the forward, as the wasm FusedConv2D kernel where its shapes apply;
// dx, which at stride 1 with 'same' padding is the same convolution of dy with the filter rotated by
// 180° and its channels swapped (conv-grad.ts); and dW in Winograd's domain (winograd-filter-wat.ts).
// The tiles split between this thread and the helper; the weights are transformed on each call, since
// AdamW rewrites them in place on the heap.
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tilePlan, winogradApplies, winogradConv } from '../../src/lib/models/wasm-kernels/winograd-conv';
import { heapOffset, heapView, KernelScratch } from './kernel-scratch';
import { runner, runWasmKernel, wasmKernelsReady, wasmKernelThreads } from './wasm-kernels';

interface Args { inputs: NamedTensorInfoMap; backend: KernelBackend; attrs: NamedAttrMap }

/**
 * How the stride-1 3×3 convs run: 'auto' on our Winograd kernels where they are prepared and apply;
 * 'xnnpack' as before them, the forward and dx on XNNPACK and dW on conv-grad.ts's other methods
 * (benchmarks compare them: `--conv=`).
 */
export type ConvMethod = 'auto' | 'xnnpack';
let method: ConvMethod = 'auto';

/** A method named on a command line (`--conv=`), checked. */
export function convMethod(name: string): ConvMethod {
  if (name === 'auto' || name === 'xnnpack') return name;
  throw new Error(`unknown conv method "${name}": use auto or xnnpack`);
}

export function useConvMethod(m: ConvMethod): void {
  method = m;
}

/** Whether conv(x, filter) ('same', stride 1, undilated) runs on the Winograd kernel now. */
export function winogradTrainApplies(backend: KernelBackend, xShape: readonly number[], filterShape: readonly number[]): boolean {
  return method === 'auto' && wasmKernelsReady(backend) && winogradApplies(xShape, filterShape);
}

const ones = (v: unknown) => v === undefined || v === 1 || (Array.isArray(v) && v.every((d) => d === 1));

/** Whether a FusedConv2D call is a 'same', stride-1, undilated, NHWC conv with at most a bias that the kernel takes. */
export function fusedConv2dHandles({ inputs, backend, attrs }: Args): boolean {
  const { x, filter, bias, preluActivationWeights } = inputs as Record<string, TensorInfo | undefined>;
  const a = attrs as { strides?: unknown; pad?: unknown; dilations?: unknown; dataFormat?: string; activation?: string };
  if (x === undefined || filter === undefined || preluActivationWeights !== undefined) return false;
  if (bias !== undefined && (bias.shape.length !== 1 || bias.shape[0] !== filter.shape[3])) return false;
  return a.pad === 'same' && ones(a.strides) && ones(a.dilations) && (a.dataFormat ?? 'NHWC') === 'NHWC'
    && (a.activation ?? 'linear') === 'linear' && winogradTrainApplies(backend, x.shape, filter.shape);
}

/** The parts a call splits into: one per thread the kernels run on. */
const parts = (): 1 | 2 => (wasmKernelThreads() === 2 ? 2 : 1);

/** FusedConv2D on the Winograd kernel (where fusedConv2dHandles). */
export function fusedConv2dWinograd(args: Args): TensorInfo {
  return winogradConv(args, runner(args.backend), null, parts());
}

/** dx = conv(dy, rot180(W) with Ci ↔ Co) on the Winograd kernel; `wRot` [3, 3, Co, Ci]. The caller checked winogradTrainApplies. */
export function backpropInputWinograd(backend: KernelBackend, dy: TensorInfo, wRot: TensorInfo): TensorInfo {
  return winogradConv({ inputs: { x: dy, filter: wRot }, backend, attrs: {} }, runner(backend), null, parts());
}

/**
 * dW [3, 3, Ci, Co] of a 'same' 3×3 stride-1 conv from x [B, H, W, Ci] and dy [B, H, W, Co] in
 * Winograd's domain; the caller checked winogradTrainApplies(x.shape, [3, 3, Ci, Co]). On two threads
 * each half of the tiles adds into its own dU, and the last pass sums them.
 */
export function filterGradWinograd(backend: KernelBackend, x: TensorInfo, dy: TensorInfo): TensorInfo {
  const [b, h, w, ci] = x.shape;
  const co = dy.shape[3];
  const { m, points, block, ranges } = tilePlan(b, h, w, ci, co, parts());
  const s = new KernelScratch(backend);
  try {
    const dw = s.make([3, 3, ci, co]);
    const zero = s.make([ci]);
    const sets = ranges.map(() => ({ du: s.make([points, ci, co]), vs: s.make([points, block, ci]), ms: s.make([points, block, co]) }));
    heapView(backend, zero).fill(0); // views after the last allocation
    for (const { du } of sets) heapView(backend, du).fill(0);
    const at = (t: TensorInfo) => heapOffset(backend, t);
    const args = (i: number) => [at(x), at(dy), at(sets[i].du), at(zero), at(sets[i].vs), at(sets[i].ms), h, w, ci, co, ranges[i][0], ranges[i][1], block];
    runWasmKernel(backend, m === 4 ? 'winoFilter4' : 'winoFilter2', args(0), ranges.length === 2 ? args(1) : undefined);
    const du2 = sets[sets.length - 1].du;
    runWasmKernel(backend, m === 4 ? 'winoFilterOut4' : 'winoFilterOut2', [at(sets[0].du), at(du2), at(dw), ci, co, ranges.length === 2 ? 1 : 0]);
    return s.keep(dw);
  } finally {
    s.free();
  }
}
