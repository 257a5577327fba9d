// The lessons' GroupNorm on our own wasm kernel (group-norm-forward.ts): two passes over the
// activations where tf.moments and the affine take about eight tfjs kernels, each a full pass. The
// engine installs it after the wasm backend starts; it then stands behind the model's groupNorm
// (ops.ts) on that backend, where C is a multiple of 4, and the reference ops serve everywhere else.
// Measured on base-64, batch 1, one thread in Node (scripts/profile-inference.ts): README, "Where a
// denoising step goes".
import * as tf from '@tensorflow/tfjs-core';
import { GROUP_NORM_EPS, referenceOps, setTrainingOps, type ModelOps } from '../ops';
import { groupNormForward, type KernelArgs, type PassRunner } from './group-norm-forward';
import { GROUP_NORM_MODULE } from './group-norm-module';
import { backendMemory } from './heap';

const KERNEL = 'NoisebookGroupNorm';
type Fn = (...args: number[]) => void;
let installed: { backend: tf.KernelBackend; fns: Record<string, Fn> } | null = null;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * Instantiates the kernel against the active wasm backend's memory, registers it and puts it behind
 * groupNorm. Throws (and changes nothing) when the backend is not wasm or its memory is out of reach.
 */
export async function installWasmGroupNorm(): Promise<void> {
  if (tf.getBackend() !== 'wasm') throw new Error('installWasmGroupNorm: the active backend is not wasm');
  const backend = tf.backend();
  const memory = backendMemory(backend);
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const { instance } = await WebAssembly.instantiate(decode(shared ? GROUP_NORM_MODULE.shared : GROUP_NORM_MODULE.plain), { env: { memory } });
  const fns = instance.exports as unknown as Record<string, Fn>;
  // One thread: a split pass runs its two parts in turn.
  const run: PassRunner = (name, mine, theirs) => {
    fns[name](...mine);
    if (theirs !== undefined) fns[name](...theirs);
  };
  if (tf.getKernel(KERNEL, 'wasm') !== undefined) tf.unregisterKernel(KERNEL, 'wasm');
  tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: (args) => groupNormForward(args as unknown as KernelArgs, run) });
  installed = { backend, fns };
  setTrainingOps({ groupNorm: wasmGroupNorm });
}

/** Whether groupNorm runs on our kernel for `channels` on the active backend now. */
export function wasmGroupNormApplies(channels: number): boolean {
  return installed !== null && tf.backend() === installed.backend && channels % 4 === 0;
}

/** GroupNorm on our kernel where it applies, the reference ops elsewhere (same semantics). */
export const wasmGroupNorm: ModelOps['groupNorm'] = (x, gamma, beta, groups, eps = GROUP_NORM_EPS) => {
  const c = x.shape[3];
  if (!wasmGroupNormApplies(c) || c % groups !== 0) return referenceOps.groupNorm(x, gamma, beta, groups, eps);
  const [y, mu, rstd] = tf.engine().runKernel(KERNEL, { x, gamma, beta }, { groups, eps }) as tf.Tensor[];
  tf.dispose([mu, rstd]);
  return y as tf.Tensor4D;
};
