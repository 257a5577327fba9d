// The browser's module of our own wasm kernels: GroupNorm's and SiLU's passes, importing the tfjs
// backend's memory (shared in the threaded build). Assembled by `npm run wasm-kernels` into
// model-kernels-module.ts, because the browser has no assembler; a unit test checks the committed
// bytes against this text. The trainer assembles its own module (train/kernels/wasm-kernels.ts) from
// the same functions and its weight-gradient kernel.
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

/** The functions' text, for a module. */
export function modelKernelsWat(): string {
  return `${groupNormWat()}${siluWat()}${winogradWat()}`;
}

/** The module for a plain (false) or shared (true) backend memory. */
export function modelKernelsModuleWat(shared: boolean): string {
  return `(module
  (import "env" "memory" (memory 1${shared ? ' 65536 shared' : ''}))${modelKernelsWat()})`;
}
