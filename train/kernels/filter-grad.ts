// The stride-1 Conv2D weight gradient as a few large GEMMs on the wasm backend's XNNPACK matMul.
//
//   dW[kh, kw, ci, co] = Σ_{b,i,j} x̃[b, i + kh, j + kw, ci] · dy[b, i, j, co]      (x̃: x zero-padded)
//
// Lay each padded image out row-major (row length Wp, Hp rows) and put dy in the top-left Ho×Wo corner
// of a grid of the same size, zeros elsewhere (dỹ). Position (i + kh, j + kw) is then flat index
// n + o_t with n = i·Wp + j and o_t = kh·Wp + kw, so for each tap t = (kh, kw)
//
//   dW[t, ci, co] = Σ_n x̃ᵀ[ci, n + o_t] · dỹ[n, co],
//
// a GEMM whose left operand is a *shifted contiguous window* of x̃ᵀ [Ci, B·Hp·Wp]. Terms that wrap past a
// row's end (or into the next image) meet the zeros of dỹ (j ≥ Wo or i ≥ Ho), so they add nothing.
// Stacking the KH·KW windows as rows gives one GEMM A [KH·KW·Ci, n] · dỹ [n, Co] → [KH, KW, Ci, Co] in
// order: the im2col of the weight gradient, built by copying whole windows (one memcpy per (t, ci)).
//
// The batch-as-channels conv this replaces (conv-grad.ts, still used at stride 2) hands XNNPACK a
// 64×64-tap filter with only B = 16 channels per tap, and repacks that filter on every call; as a
// GEMM it is M = KH·KW·Ci rows by N = Co columns with the positions as a plain reduction, the shape
// XNNPACK's matMul is built for. We cut n into chunks of whole images (about CHUNK positions) so the
// scratch copy of A stays a few MB, and add the chunks' products.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { heapView, type KernelScratch } from './kernel-scratch';

/**
 * Reduction length per GEMM, in positions. A chunk's A is then ≤ 9·Ci·8192 floats and its dỹ
 * 8192·Co. Chunks of 4096–32768 positions measured the same within noise (CPU time, 1 thread,
 * batch 16 at 64², 32², 16²), all 1.4–1.7× faster than the batch-as-channels conv; 8192 keeps the
 * scratch buffers small (9 MB at 64 channels).
 */
const CHUNK = 8192;

export interface FilterGradGeometry {
  kh: number;
  kw: number;
  /** Zero padding of x on each side (stride 1, so Ho = H + top + bottom − KH + 1). */
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * dW of a stride-1, undilated NHWC Conv2D. x [B, H, W, Ci], dy [B, Ho, Wo, Co] → [KH, KW, Ci, Co].
 * Every intermediate lives on `s`; the result is kept out of it for the caller.
 */
export function filterGradGemm(s: KernelScratch, x: TensorInfo, dy: TensorInfo, g: FilterGradGeometry): TensorInfo {
  const [b, , , ci] = x.shape;
  const [, ho, wo, co] = dy.shape;
  const { kh, kw } = g;
  const hp = ho + kh - 1, wp = wo + kw - 1; // the padded image, = H + top + bottom at stride 1
  const grid = hp * wp;
  let xT = s.run('Transpose', { x }, { perm: [3, 0, 1, 2] }); // [Ci, B, H, W]
  if (g.top + g.bottom + g.left + g.right > 0) {
    xT = s.run('PadV2', { x: xT }, { paddings: [[0, 0], [0, 0], [g.top, g.bottom], [g.left, g.right]], constantValue: 0 });
  } // [Ci, B, Hp, Wp]
  const dyP = kh > 1 || kw > 1
    ? s.run('PadV2', { x: dy }, { paddings: [[0, 0], [0, kh - 1], [0, kw - 1], [0, 0]], constantValue: 0 })
    : dy; // [B, Hp, Wp, Co], dy in the top-left corner
  const taps = kh * kw;
  const perChunk = Math.max(1, Math.min(b, Math.floor(CHUNK / grid)));
  let sum: TensorInfo | null = null;
  for (let b0 = 0; b0 < b; b0 += perChunk) {
    const nb = Math.min(perChunk, b - b0);
    // Positions n of images b0..b0+nb−1 up to the last one with a nonzero dỹ row: + o_t stays inside.
    const len = (nb - 1) * grid + (ho - 1) * wp + wo;
    const a = s.make([1, taps * ci, len]); // A [KH·KW·Ci, len]
    const rhs = s.make([1, len, co]); // dỹ rows of this chunk
    const xv = heapView(s.backend, xT), av = heapView(s.backend, a);
    for (let t = 0; t < taps; t++) {
      const shift = Math.floor(t / kw) * wp + (t % kw); // o_t = kh·Wp + kw
      for (let c = 0; c < ci; c++) {
        const from = (c * b + b0) * grid + shift;
        av.set(xv.subarray(from, from + len), (t * ci + c) * len);
      }
    }
    heapView(s.backend, rhs).set(heapView(s.backend, dyP).subarray(b0 * grid * co, (b0 * grid + len) * co));
    const part = s.run('BatchMatMul', { a, b: rhs }, { transposeA: false, transposeB: false }); // [1, KH·KW·Ci, Co]
    s.release(a);
    s.release(rhs);
    if (sum === null) sum = part;
    else {
      const next = s.run('Add', { a: sum, b: part });
      s.release(sum);
      s.release(part);
      sum = next;
    }
  }
  return s.keep(s.run('Reshape', { x: sum as TensorInfo }, { shape: [kh, kw, ci, co] }));
}
