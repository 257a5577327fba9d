// The lessons' GroupNorm and SiLU on our own wasm kernels (group-norm-forward.ts, silu-forward.ts): two
// passes over the activations where tf.moments and the affine take about eight tfjs kernels, and one
// where Sigmoid (a scalar loop) and Multiply take two. The engine installs them after the wasm backend
// starts; they then stand behind the model's groupNorm and silu (ops.ts) on that backend (GroupNorm
// where C is a multiple of 4), and the reference ops serve everywhere else. Measured: README, "Where a
// denoising step goes".
import * as tf from '@tensorflow/tfjs-core';
import { GROUP_NORM_EPS, referenceOps, setTrainingOps, type ModelOps } from '../ops';
import { groupNormForward, type KernelArgs } from './group-norm-forward';
import { backendMemory } from './heap';
import { MODEL_KERNELS_MODULE } from './model-kernels-module';
import type { PassRunner } from './module-wat';
import { siluForward } from './silu-forward';

type Fn = (...args: number[]) => void;
let installedOn: tf.KernelBackend | null = null;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

function register(kernelName: string, kernelFunc: tf.KernelFunc): void {
  if (tf.getKernel(kernelName, 'wasm') !== undefined) tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
}

/**
 * Instantiates the kernels against the active wasm backend's memory, registers them and puts them
 * behind groupNorm and silu. Throws (and changes nothing) when the backend is not wasm or its memory
 * is out of reach.
 */
export async function installWasmModelKernels(): Promise<void> {
  if (tf.getBackend() !== 'wasm') throw new Error('installWasmModelKernels: the active backend is not wasm');
  const backend = tf.backend();
  const memory = backendMemory(backend);
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const { instance } = await WebAssembly.instantiate(decode(shared ? MODEL_KERNELS_MODULE.shared : MODEL_KERNELS_MODULE.plain), { env: { memory } });
  const fns = instance.exports as unknown as Record<string, Fn>;
  // One thread: a split pass runs its two parts in turn.
  const run: PassRunner = (name, mine, theirs) => {
    fns[name](...mine);
    if (theirs !== undefined) fns[name](...theirs);
  };
  register('NoisebookGroupNorm', (args) => groupNormForward(args as unknown as KernelArgs, run));
  register('NoisebookSilu', (args) => siluForward(args as unknown as KernelArgs, run, false)[0]);
  installedOn = backend;
  setTrainingOps({ groupNorm: wasmGroupNorm, silu: wasmSilu });
}

/** Whether our kernels run on the active backend now. */
export function wasmModelKernelsActive(): boolean {
  return installedOn !== null && tf.backend() === installedOn;
}

/** Whether groupNorm runs on our kernel for `channels` now. */
export function wasmGroupNormApplies(channels: number): boolean {
  return wasmModelKernelsActive() && channels % 4 === 0;
}

/** GroupNorm on our kernel where it applies, the reference ops elsewhere (same semantics). */
export const wasmGroupNorm: ModelOps['groupNorm'] = (x, gamma, beta, groups, eps = GROUP_NORM_EPS) => {
  const c = x.shape[3];
  if (!wasmGroupNormApplies(c) || c % groups !== 0) return referenceOps.groupNorm(x, gamma, beta, groups, eps);
  const [y, mu, rstd] = tf.engine().runKernel('NoisebookGroupNorm', { x, gamma, beta }, { groups, eps }) as tf.Tensor[];
  tf.dispose([mu, rstd]);
  return y as tf.Tensor4D;
};

/** SiLU on our kernel where it runs, the reference ops elsewhere. */
export const wasmSilu: ModelOps['silu'] = <T extends tf.Tensor>(x: T): T => {
  if (!wasmModelKernelsActive() || x.dtype !== 'float32') return referenceOps.silu(x);
  return tf.engine().runKernel('NoisebookSilu', { x }) as T;
};
