// SiLU x·σ(x) (Elfwing et al. 2018) with the closed-form gradient σ(x)(1 + x(1 − σ(x))), which
// saves tfjs autodiff's extra passes (measurements.md §1.3); forward and gradient each one pass of our
// wasm kernels when they are prepared (src/lib/models/wasm-kernels/silu-wat.ts). Same forward as
// referenceOps.silu.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { siluForward } from '../../src/lib/models/wasm-kernels/silu-forward';
import type { KernelArgs } from '../../src/lib/models/wasm-kernels/group-norm-forward';
import { heapOffset, KernelScratch } from './kernel-scratch';
import { runner, wasmKernelsReady } from './wasm-kernels';

/** NoisebookSiluSave on wasm (register.ts): input x → [x·σ(x), σ(x)] in one pass of our kernel. */
export function siluSaveKernel(args: KernelArgs): TensorInfo[] {
  return siluForward(args, runner(args.backend), true);
}

/**
 * NoisebookSiluGrad on wasm (register.ts): inputs dy, s = σ(x), y = x·σ(x) → dx in one pass of our
 * kernel (src/lib/models/wasm-kernels/silu-wat.ts), split in halves between this thread and the helper.
 */
export function siluGradKernel({ inputs, backend }: { inputs: NamedTensorInfoMap; backend: KernelBackend }): TensorInfo {
  const { dy, s: sig, y } = inputs as { dy: TensorInfo; s: TensorInfo; y: TensorInfo };
  const scratch = new KernelScratch(backend);
  const out = scratch.keep(scratch.make(dy.shape));
  const n = dy.shape.reduce((a, b) => a * b, 1);
  const ptrs = [dy, sig, y, out].map((t) => heapOffset(backend, t));
  const half = (n >> 3) << 2; // a multiple of 4 elements: the first part has no scalar tail
  runner(backend)('siluGrad', [...ptrs, half], [...ptrs.map((p) => p + 4 * half), n - half]);
  return out;
}

const siluCustom = tf.customGrad((...args) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const [value, s] = wasmKernelsReady(tf.backend())
    ? (tf.engine().runKernel('NoisebookSiluSave', { x }) as tf.Tensor[])
    : (() => { const sig = tf.sigmoid(x); return [tf.mul(x, sig), sig]; })();
  save([s, value]); // saving is a reference, not a copy
  return {
    value,
    // σ(1 + x(1 − σ)) = σ + y(1 − σ) with y = x·σ: four elementwise passes instead of five.
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sig, y] = saved;
      if (wasmKernelsReady(tf.backend())) return tf.engine().runKernel('NoisebookSiluGrad', { dy, s: sig, y }) as tf.Tensor;
      return tf.tidy(() => tf.mul(dy, tf.add(sig, tf.mul(y, tf.sub(1, sig)))));
    },
  };
});

/** SiLU, elementwise, any shape. Caller disposes the result. */
export function siluTrain<T extends tf.Tensor>(x: T): T {
  return siluCustom(x) as T;
}
