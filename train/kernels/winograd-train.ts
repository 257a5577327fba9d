// The trainer's 3×3 convolutions by Winograd's F(2×2, 3×3) (src/lib/models/wasm-kernels/winograd-*.ts,
// Lavin & Gray 2016): the forward, as the wasm FusedConv2D kernel where its shapes apply, and dx,
// which at stride 1 with 'same' padding is the same convolution of dy with the filter rotated by 180°
// and its channels swapped (conv-grad.ts). The tiles split between this thread and the helper; the
// weights are transformed on each call, since AdamW rewrites them in place on the heap.
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { winogradApplies, winogradConv } from '../../src/lib/models/wasm-kernels/winograd-conv';
import { runner, wasmKernelsReady, wasmKernelThreads } from './wasm-kernels';

interface Args { inputs: NamedTensorInfoMap; backend: KernelBackend; attrs: NamedAttrMap }

/**
 * How the stride-1 3×3 convs run: 'auto' on our Winograd kernel where it is prepared and applies,
 * 'xnnpack' always on tfjs's (benchmarks compare them: `--conv=`).
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

/** FusedConv2D on the Winograd kernel (where fusedConv2dHandles). */
export function fusedConv2dWinograd(args: Args): TensorInfo {
  return winogradConv(args, runner(args.backend), null, wasmKernelThreads() === 2 ? 2 : 1);
}

/** dx = conv(dy, rot180(W) with Ci ↔ Co) on the Winograd kernel; `wRot` [3, 3, Co, Ci]. The caller checked winogradTrainApplies. */
export function backpropInputWinograd(backend: KernelBackend, dy: TensorInfo, wRot: TensorInfo): TensorInfo {
  return winogradConv({ inputs: { x: dy, filter: wRot }, backend, attrs: {} }, runner(backend), null, wasmKernelThreads() === 2 ? 2 : 1);
}
