// NoisebookAdamW on wasm (register.ts): one parameter's AdamW update in one pass of our kernel
// (adamw-wat.ts). Inputs p, g, m, v (float32, one shape); attrs the settings; outputs [p', m', v'].
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { heapOffset, heapOutput } from '../../src/lib/models/wasm-kernels/heap';
import { runWasmKernel } from './wasm-kernels';

export interface AdamWSettings { beta1: number; beta2: number; c1: number; c2: number; eps: number; lr: number; keep: number }

export function adamwKernel({ inputs, backend, attrs }: { inputs: NamedTensorInfoMap; backend: KernelBackend; attrs: NamedAttrMap }): TensorInfo[] {
  const { p, g, m, v } = inputs as { p: TensorInfo; g: TensorInfo; m: TensorInfo; v: TensorInfo };
  const a = attrs as unknown as AdamWSettings;
  const outs = [0, 1, 2].map(() => heapOutput(backend, p.shape));
  const count = p.shape.reduce((x, y) => x * y, 1);
  runWasmKernel(backend, 'adamw', [...[p, g, m, v, ...outs].map((t) => heapOffset(backend, t)), count,
    a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.c1, a.c2, a.eps, a.lr, a.keep]);
  return outs;
}
