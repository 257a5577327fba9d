// The browser's module of our own wasm kernels: the Winograd convolution and GroupNorm's and SiLU's
// passes, importing the tfjs backend's memory (shared in the threaded build). Assembled by `npm run
// wasm-kernels` into modules/ (one file per variant, so a page downloads only the one it runs), because
// the browser has no assembler; a unit test checks the committed bytes against this text. The trainer
// assembles its own module (train/kernels/wasm-kernels.ts) from the same functions and its
// weight-gradient kernels.
import { groupNormWat } from './group-norm-wat';
import { siluWat } from './silu-wat';
import { winogradWat } from './winograd-wat';

/** The functions of both modules, in order. */
export const MODEL_KERNEL_EXPORTS = ['channelSums', 'affine', 'affine2', 'silu', 'siluSave', 'siluGrad', 'winoWeights2', 'winoConv2', 'winoWeights4', 'winoConv4'] as const;
export type ModelKernelName = (typeof MODEL_KERNEL_EXPORTS)[number];

/**
 * Runs export `name` with `mine` here and `theirs` (disjoint outputs) on a second thread where the
 * caller has one, else after `mine`.
 */
export type PassRunner = (name: ModelKernelName, mine: number[], theirs?: number[]) => void;

/** A module variant: for a plain or a shared backend memory, with or without relaxed SIMD's fused multiply-add. */
export interface KernelVariant { shared: boolean; fma: boolean }

/** The variants the browser may need, by the file name in modules/. */
export const KERNEL_VARIANTS: Record<string, KernelVariant> = {
  plain: { shared: false, fma: false },
  shared: { shared: true, fma: false },
  'plain-fma': { shared: false, fma: true },
  'shared-fma': { shared: true, fma: true },
};

/** The functions' text, for a module. */
export function modelKernelsWat(fma = false): string {
  return `${groupNormWat()}${siluWat()}${winogradWat(fma)}`;
}

/** The module of a variant. */
export function modelKernelsModuleWat({ shared, fma }: KernelVariant): string {
  return `(module
  (import "env" "memory" (memory 1${shared ? ' 65536 shared' : ''}))${modelKernelsWat(fma)})`;
}

/** A module whose only function uses f32x4.relaxed_madd: WebAssembly.validate says whether the engine has relaxed SIMD. */
export const RELAXED_PROBE_WAT = `(module (func (param v128) (result v128)
  (f32x4.relaxed_madd (local.get 0) (local.get 0) (local.get 0))))`;
