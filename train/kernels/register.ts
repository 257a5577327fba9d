// Installs the project's kernels over tfjs-backend-wasm 4.22's for training: the conv gradients
// (conv-grad.ts: Conv2DBackpropFilter is missing, Conv2DBackpropInput is a scalar loop), the 3×3
// forward conv by Winograd where it applies (winograd-train.ts), the
// data-movement kernels that copy less (data-movement.ts) and the bias-gradient Sum as a global
// average pool (reduce-sum.ts). The stock kernels stay reachable through
// stockWasmKernel, for benchmarks and for the calls our kernels leave to them (e.g. string tensors).
import * as tf from '@tensorflow/tfjs-core';
import { adamwKernel } from './adamw-kernel';
import { conv2dBackpropFilter, conv2dBackpropInput } from './conv-grad';
import { groupNormBackward, groupNormForwardTrain } from './group-norm-simd';
import { siluGradKernel, siluSaveKernel } from './silu';
import { DATA_MOVEMENT_KERNELS } from './data-movement';
import { spatialSum, spatialSumHandles } from './reduce-sum';
import { fusedConv2dHandles, fusedConv2dWinograd } from './winograd-train';

const stock = new Map<string, tf.KernelConfig>();

/** `ours` where `handles` says so, the stock kernel otherwise. Made once per name (see below). */
function withFallback(name: string, ours: tf.KernelFunc, handles: (args: Parameters<tf.KernelFunc>[0]) => boolean): tf.KernelFunc {
  return (args) => {
    if (handles(args)) return ours(args);
    const original = stock.get(name);
    if (original === undefined) throw new Error(`wasm kernel ${name}: no stock kernel to fall back to`);
    return original.kernelFunc(args);
  };
}

type Args = Parameters<tf.KernelFunc>[0];
const KERNELS: [string, tf.KernelFunc][] = [
  ['Conv2DBackpropFilter', conv2dBackpropFilter as unknown as tf.KernelFunc],
  ['Conv2DBackpropInput', conv2dBackpropInput as unknown as tf.KernelFunc],
  ...DATA_MOVEMENT_KERNELS.map(([name, fn, handles]) =>
    [name, withFallback(name, fn as unknown as tf.KernelFunc, handles as unknown as (a: Args) => boolean)] as [string, tf.KernelFunc]),
  ['FusedConv2D', withFallback('FusedConv2D', fusedConv2dWinograd as unknown as tf.KernelFunc, fusedConv2dHandles as unknown as (a: Args) => boolean)],
  ['Sum', withFallback('Sum', spatialSum as unknown as tf.KernelFunc, spatialSumHandles as unknown as (a: Args) => boolean)],
  // Kernels of our own (wasm-kernels.ts); the ops call them only once the module is prepared.
  ['NoisebookGroupNorm', groupNormForwardTrain as unknown as tf.KernelFunc],
  ['NoisebookGroupNormGrad', groupNormBackward as unknown as tf.KernelFunc],
  ['NoisebookSiluSave', siluSaveKernel as unknown as tf.KernelFunc],
  ['NoisebookSiluGrad', siluGradKernel as unknown as tf.KernelFunc],
  ['NoisebookAdamW', adamwKernel as unknown as tf.KernelFunc],
];

/**
 * Registers the kernels above on 'wasm'. Call after the wasm backend is initialised (so the stock
 * kernels' setup has run and they stay callable); safe to call again.
 */
export function registerWasmTrainingKernels(): void {
  for (const [kernelName, kernelFunc] of KERNELS) {
    // registerKernel warns and keeps the old one if the name is taken, so remove the stock kernel first.
    const previous = tf.getKernel(kernelName, 'wasm');
    if (previous !== undefined) {
      if (previous.kernelFunc !== kernelFunc) stock.set(kernelName, previous);
      tf.unregisterKernel(kernelName, 'wasm');
    }
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
}

/** The backend's own kernel that registerWasmTrainingKernels replaced, if any. */
export function stockWasmKernel(kernelName: string): tf.KernelConfig | undefined {
  return stock.get(kernelName);
}
