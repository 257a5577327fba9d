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
// The batch-as-channels conv this replaces (conv-grad.ts; still used at stride 2 and for Co < 8)
// hands XNNPACK a 64×64-tap filter with only B = 16 channels per tap, and repacks that filter on
// every call; as a GEMM it is M = KH·KW·Ci rows by N = Co columns with the positions as a plain
// reduction, the shape XNNPACK's matMul is built for. We cut n into chunks of CHUNK positions so the scratch copy of A
// stays a few MB, and add the chunks' products.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { heapView, type KernelScratch } from './kernel-scratch';

/**
 * Reduction length per GEMM, in positions: A is then ≤ 9·Ci·8192 floats (9 MB at 64 channels).
 * Chunks of 2048–32768 positions took the same CPU time within noise (1 thread, batch 16, at 64²,
 * 32² and 16²); 512–1024 were slower (per-call overhead of the matMul).
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
  // All positions of the batch as one sequence, up to the last one with a nonzero dỹ row, so that
  // n + o_t never leaves x̃ᵀ's row of channel ci; cut into chunks anywhere (no image boundaries needed).
  const total = (b - 1) * grid + (ho - 1) * wp + wo;
  let sum: TensorInfo | null = null;
  for (let n0 = 0; n0 < total; n0 += CHUNK) {
    const len = Math.min(CHUNK, total - n0);
    const a = s.make([1, taps * ci, len]); // A [KH·KW·Ci, len]
    const rhs = s.make([1, len, co]); // dỹ rows of this chunk
    const xv = heapView(s.backend, xT), av = heapView(s.backend, a);
    for (let t = 0; t < taps; t++) {
      const shift = Math.floor(t / kw) * wp + (t % kw); // o_t = kh·Wp + kw
      for (let c = 0; c < ci; c++) {
        const from = c * b * grid + n0 + shift;
        av.set(xv.subarray(from, from + len), (t * ci + c) * len);
      }
    }
    heapView(s.backend, rhs).set(heapView(s.backend, dyP).subarray(n0 * co, (n0 + len) * co));
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
