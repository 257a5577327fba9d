// The lessons' 3×3 convolutions, GroupNorm and SiLU on our own wasm kernels (winograd-conv.ts,
// group-norm-forward.ts, silu-forward.ts): Winograd's F(4×4, 3×3), or F(2×2, 3×3) where a side is not a
// multiple of 4, with 2.25 or 4 multiply-adds where XNNPACK spends 9; two passes over the activations
// where tf.moments and the affine take about eight tfjs kernels; one where Sigmoid (a scalar loop) and
// Multiply take two. The engine installs them after the wasm backend starts, in the module variant for
// its memory (plain or shared) and, where the browser has relaxed SIMD, with fused multiply-adds; they
// then stand behind the model's conv2d, groupNorm and silu (ops.ts) on that backend where their shapes
// apply, and the reference ops serve everywhere else. Measured: README, "Where a denoising step goes".
import * as tf from '@tensorflow/tfjs-core';
import { GROUP_NORM_EPS, referenceOps, setTrainingOps, type ModelOps } from '../ops';
import { groupNormForward, type KernelArgs } from './group-norm-forward';
import { backendMemory } from './heap';
import type { PassRunner } from './module-wat';
import { RELAXED_PROBE } from './modules/probe';
import { siluForward } from './silu-forward';
import { winogradApplies, winogradConv, WinogradWeights } from './winograd-conv';

type Fn = (...args: number[]) => void;
let installedOn: tf.KernelBackend | null = null;
let variant: string | null = null;

/** Each variant's bytes in a chunk of its own: a page downloads only the one it runs. */
const VARIANTS: Record<string, () => Promise<{ BYTES: string }>> = {
  plain: () => import('./modules/plain'),
  shared: () => import('./modules/shared'),
  'plain-fma': () => import('./modules/plain-fma'),
  'shared-fma': () => import('./modules/shared-fma'),
};
let weights: WinogradWeights | null = null;

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
 * behind conv2d, conv2dUp2, groupNorm and silu. Throws (and changes nothing) when the backend is not wasm or its
 * memory is out of reach.
 */
export async function installWasmModelKernels(): Promise<void> {
  if (tf.getBackend() !== 'wasm') throw new Error('installWasmModelKernels: the active backend is not wasm');
  const backend = tf.backend();
  const memory = backendMemory(backend);
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const chosen = `${shared ? 'shared' : 'plain'}${relaxedSimd() ? '-fma' : ''}`;
  const { instance } = await WebAssembly.instantiate(decode((await VARIANTS[chosen]()).BYTES), { env: { memory } });
  const fns = instance.exports as unknown as Record<string, Fn>;
  // One thread: a split pass runs its two parts in turn.
  const run: PassRunner = (name, mine, theirs) => {
    fns[name](...mine);
    if (theirs !== undefined) fns[name](...theirs);
  };
  register('NoisebookGroupNorm', (args) => groupNormForward(args as unknown as KernelArgs, run));
  register('NoisebookSilu', (args) => siluForward(args as unknown as KernelArgs, run, false)[0]);
  try {
    weights?.clear(); // the transforms made on a backend installed before
  } catch {
    // that backend is gone, and its heap with it
  }
  const kept = new WinogradWeights(backend);
  register('NoisebookConv3x3', (args) => winogradConv(args as unknown as KernelArgs, run, kept, 1));
  installedOn = backend;
  variant = chosen;
  weights = kept;
  setTrainingOps({ groupNorm: wasmGroupNorm, silu: wasmSilu, conv2d: wasmConv2d, conv2dUp2: wasmConv2dUp2 });
}

/** Whether this engine has relaxed SIMD (Chromium since M114; Node 20 only behind a flag). */
export function relaxedSimd(): boolean {
  return WebAssembly.validate(decode(RELAXED_PROBE));
}

/** The module variant installed last (modules/<name>.ts), or null before any install. */
export function installedKernelVariant(): string | null {
  return variant;
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

/** The Winograd transforms of weights held now (one per live 3×3 weight tensor that has run). */
export function winogradWeightsHeld(): number {
  return weights?.size ?? 0;
}

/** The stride-1 'same' conv on our Winograd kernel where it applies (3×3, even sides, Ci % 4, Co % 8), tfjs's elsewhere. */
export const wasmConv2d: ModelOps['conv2d'] = (x, filter, bias) => {
  if (!wasmModelKernelsActive() || !winogradApplies(x.shape, filter.shape)) return referenceOps.conv2d(x, filter, bias);
  return tf.engine().runKernel('NoisebookConv3x3', { x, filter, bias }) as tf.Tensor4D;
};

/** conv2d(up2(x)) on our Winograd kernel, reading x where the upsample would copy it, where it applies; composed elsewhere. */
export const wasmConv2dUp2: ModelOps['conv2dUp2'] = (x, filter, bias) => {
  const [b, h, w, c] = x.shape;
  if (!wasmModelKernelsActive() || !winogradApplies([b, 2 * h, 2 * w, c], filter.shape)) return referenceOps.conv2dUp2(x, filter, bias);
  return tf.engine().runKernel('NoisebookConv3x3', { x, filter, bias }, { up2: true }) as tf.Tensor4D;
};
