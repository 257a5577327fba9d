// GroupNorm's forward on our wasm kernels (group-norm-wat.ts): one sums pass and one affine pass over
// the activations, with the per-group arithmetic on the small [B, C] tables in JS (Wu & He 2018,
// eq. 1–2). Shared by the browser's engine (install.ts, one thread) and the trainer (train/kernels/
// group-norm-simd.ts, which also splits each pass with its helper thread).
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { heapOffset, heapOutput, heapView } from './heap';
import type { PassRunner } from './module-wat';

export interface KernelArgs { inputs: NamedTensorInfoMap; backend: KernelBackend; attrs: NamedAttrMap }

/**
 * A pass over [B, rows, C] split by batch items in two parts: `rowPtrs` point at full-size tensors,
 * `tablePtrs` at [B, C] tables; `call(rowPtrs, b, tablePtrs)` gives the arguments for one part.
 */
export function splitByItem(run: PassRunner, name: 'channelSums' | 'affine' | 'affine2', shape: number[], rowPtrs: number[],
  tablePtrs: number[], call: (rows: number[], b: number, tables: number[]) => number[]): void {
  const [b, h, w, c] = shape;
  const half = b >> 1;
  if (half === 0) return run(name, call(rowPtrs, b, tablePtrs));
  const rowStep = half * h * w * c * 4, tableStep = half * c * 4;
  run(name, call(rowPtrs, half, tablePtrs), call(rowPtrs.map((p) => p + rowStep), b - half, tablePtrs.map((p) => p + tableStep)));
}

/**
 * Inputs x [B, H, W, C] (C a multiple of 4), gamma, beta [C]; attrs groups, eps. Outputs y, and μ and
 * 1/σ per [B, C] (the trainer's gradient reads them; the browser disposes them).
 */
export function groupNormForward({ inputs, backend, attrs }: KernelArgs, run: PassRunner): TensorInfo[] {
  const { x, gamma, beta } = inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
  const { groups, eps } = attrs as unknown as { groups: number; eps: number };
  const [b, h, w, c] = x.shape;
  const rows = h * w, per = c / groups, n = rows * per;
  const temps = [0, 1, 2, 3].map(() => heapOutput(backend, [b, c]));
  try {
    const [sums, squares, scale, shift] = temps;
    const mu = heapOutput(backend, [b, c]), rstd = heapOutput(backend, [b, c]), y = heapOutput(backend, x.shape);
    const at = (t: TensorInfo) => heapOffset(backend, t);
    splitByItem(run, 'channelSums', x.shape, [at(x), at(x)], [at(sums), at(squares)], ([px, py], k, [pa, pb]) => [px, py, k, rows, c, pa, pb]);
    const [s1, s2, g, be, m, r, sc, sh] = [sums, squares, gamma, beta, mu, rstd, scale, shift].map((t) => heapView(backend, t));
    for (let i = 0; i < b; i++) {
      for (let k = 0; k < groups; k++) {
        let a = 0, q = 0;
        for (let j = i * c + k * per; j < i * c + (k + 1) * per; j++) { a += s1[j]; q += s2[j]; }
        // var = E[x²] − μ² (in float64 here) clamped at 0: it loses digits only when |μ| ≫ σ.
        const mean = a / n, inv = 1 / Math.sqrt(Math.max(q / n - mean * mean, 0) + eps);
        for (let ch = k * per; ch < (k + 1) * per; ch++) {
          const j = i * c + ch;
          m[j] = mean;
          r[j] = inv;
          sc[j] = inv * g[ch];
          sh[j] = be[ch] - mean * sc[j];
        }
      }
    }
    splitByItem(run, 'affine', x.shape, [at(x), at(y)], [at(scale), at(shift)], ([px, py], k, [pa, pb]) => [px, py, k, rows, c, pa, pb]);
    return [y, mu, rstd];
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}
