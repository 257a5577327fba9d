// Runs the WAT weight-gradient kernel (filter-grad-wat.ts) on the tfjs wasm backend's heap
// (wasm-kernels.ts), split by input channels between this thread and the helper on two threads.
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import type { FilterGradGeometry } from './filter-grad';
import { MR, NV } from './filter-grad-wat';
import { heapOffset, heapView, type KernelScratch } from './kernel-scratch';
import { runWasmKernel, wasmKernelsReady } from './wasm-kernels';

/** Positions per block (blocks of 128–1024 measured within 5 %; 512 keeps Ci = 128 rows in L2). */
const BLOCK = 512;

/**
 * Whether the kernel is ready for `backend` (it takes any channel counts: other than multiples of its
 * tile, 4 in and 8 out, they are zero-padded up to them and the result cut back; at base-64's RGB
 * convs that still ran about twice as fast as the paths it replaced: 3 → 32 18.7 → 10.1 ms, 32 → 3
 * 28.4 → 14.7 ms, batch 16 at 64², one thread).
 */
export function filterGradSimdHandles(backend: KernelBackend, _ci: number, _co: number): boolean {
  return wasmKernelsReady(backend);
}

/**
 * dW of a stride-1, undilated NHWC Conv2D with the SIMD kernel. x [B, H, W, Ci], dy [B, Ho, Wo, Co]
 * → [KH, KW, Ci, Co]. Intermediates live on `s`; the result is kept out of it for the caller.
 */
export function filterGradSimd(s: KernelScratch, x: TensorInfo, dy: TensorInfo, g: FilterGradGeometry): TensorInfo {
  const [b, , , c0] = x.shape;
  const [, ho, wo, o0] = dy.shape;
  const ci = Math.ceil(c0 / MR) * MR, co = Math.ceil(o0 / (4 * NV)) * 4 * NV; // channels padded to the tile
  const { kh, kw } = g;
  const wp = wo + kw - 1, grid = (ho + kh - 1) * wp; // the padded image, H + top + bottom rows at stride 1
  const xP = g.top + g.bottom + g.left + g.right > 0 || ci > c0
    ? s.run('PadV2', { x }, { paddings: [[0, 0], [g.top, g.bottom], [g.left, g.right], [0, ci - c0]], constantValue: 0 })
    : x; // x̃ [B, Hp, Wp, Ci]
  const dyP = kh > 1 || kw > 1 || co > o0
    ? s.run('PadV2', { x: dy }, { paddings: [[0, 0], [0, kh - 1], [0, kw - 1], [0, co - o0]], constantValue: 0 })
    : dy; // dỹ [B, Hp, Wp, Co], dy in the top-left corner
  const out = s.make([kh, kw, ci, co]);
  heapView(s.backend, out).fill(0); // the kernel adds into it
  // Positions up to the last nonzero dỹ row; n + o_t then stays inside x̃ (filter-grad.ts).
  const total = (b - 1) * grid + (ho - 1) * wp + wo;
  const args = [heapOffset(s.backend, xP), heapOffset(s.backend, dyP), heapOffset(s.backend, out), ci, co, wp, kh, kw, total, BLOCK];
  const split = Math.floor(ci / MR / 2) * MR; // the helper takes channels [split, Ci)
  if (split > 0) runWasmKernel(s.backend, 'filterGrad', [...args, 0, split], [...args, split, ci]);
  else runWasmKernel(s.backend, 'filterGrad', [...args, 0, ci]);
  // The padded channels' rows and columns are zeros' products: cut them off.
  return s.keep(ci > c0 || co > o0 ? s.run('Slice', { x: out }, { begin: [0, 0, 0, 0], size: [kh, kw, c0, o0] }) : out);
}
