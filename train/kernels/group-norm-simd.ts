// GroupNorm's forward and gradient as two wasm kernels each of one sums pass and one affine pass over
// the activations (group-norm-wat.ts), with the per-group arithmetic on the small [B, C] tables in JS.
// Registered on the wasm backend as NoisebookGroupNorm and NoisebookGroupNormGrad (register.ts);
// group-norm.ts calls them where C is a multiple of 4 and our kernels are prepared.
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { heapOffset, heapView, KernelScratch } from './kernel-scratch';
import { runWasmKernel, wasmKernelsReady, type WasmKernelName } from './wasm-kernels';

interface KernelArgs { inputs: NamedTensorInfoMap; backend: KernelBackend; attrs: NamedAttrMap }

/** Whether the kernels apply: prepared on this backend and C a multiple of 4 (one f32x4 per step). */
export function groupNormSimdHandles(backend: KernelBackend, channels: number): boolean {
  return wasmKernelsReady(backend) && channels % 4 === 0;
}

/**
 * Runs a pass over [B, rows, C] split by batch items between this thread and the helper: `rowPtrs`
 * point at full-size tensors, `tablePtrs` at [B, C] tables; `call(rowPtrs, b, tablePtrs)` gives the
 * arguments for one part.
 */
function splitByItem(backend: KernelBackend, name: WasmKernelName, shape: number[], rowPtrs: number[], tablePtrs: number[],
  call: (rows: number[], b: number, tables: number[]) => number[]): void {
  const [b, h, w, c] = shape;
  const half = b >> 1;
  if (half === 0) return runWasmKernel(backend, name, call(rowPtrs, b, tablePtrs));
  const rowStep = half * h * w * c * 4, tableStep = half * c * 4;
  runWasmKernel(backend, name, call(rowPtrs, half, tablePtrs),
    call(rowPtrs.map((p) => p + rowStep), b - half, tablePtrs.map((p) => p + tableStep)));
}

/** Inputs x [B, H, W, C], gamma, beta [C]; attrs groups, eps. Outputs y, and μ, 1/σ per [B, C] for the gradient. */
export function groupNormForward({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const { x, gamma, beta } = inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
  const { groups, eps } = attrs as unknown as { groups: number; eps: number };
  const [b, h, w, c] = x.shape;
  const rows = h * w, per = c / groups, n = rows * per;
  const s = new KernelScratch(backend);
  try {
    const sums = s.make([b, c]), squares = s.make([b, c]), scale = s.make([b, c]), shift = s.make([b, c]);
    const mu = s.keep(s.make([b, c])), rstd = s.keep(s.make([b, c])), y = s.keep(s.make(x.shape));
    const at = (t: TensorInfo) => heapOffset(backend, t);
    splitByItem(backend, 'channelSums', x.shape, [at(x), at(x)], [at(sums), at(squares)],
      ([px, py], k, [pa, pb]) => [px, py, k, rows, c, pa, pb]);
    const [s1, s2, g, be, m, r, sc, sh] = [sums, squares, gamma, beta, mu, rstd, scale, shift].map((t) => heapView(backend, t));
    for (let i = 0; i < b; i++) {
      for (let k = 0; k < groups; k++) {
        let a = 0, q = 0;
        for (let j = i * c + k * per; j < i * c + (k + 1) * per; j++) { a += s1[j]; q += s2[j]; }
        // var = E[x²] − μ² clamped at 0, as the composed form (group-norm.ts) computes it.
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
    splitByItem(backend, 'affine', x.shape, [at(x), at(y)], [at(scale), at(shift)], ([px, py], k, [pa, pb]) => [px, py, k, rows, c, pa, pb]);
    return [y, mu, rstd];
  } finally {
    s.free();
  }
}

/**
 * Inputs dy, x [B, H, W, C], gamma [C], mu, rstd [B, C]; attrs groups. Outputs dx, dγ, dβ. Per group,
 * with ĝ = γ·dy and x̂ = (x − μ)·r: dx = r(ĝ − mean ĝ − x̂·mean(ĝ x̂)) = dy·rγ + x·c1 + c0 (group-norm.ts).
 */
export function groupNormBackward({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const { dy, x, gamma, mu, rstd } = inputs as { dy: TensorInfo; x: TensorInfo; gamma: TensorInfo; mu: TensorInfo; rstd: TensorInfo };
  const { groups } = attrs as unknown as { groups: number };
  const [b, h, w, c] = x.shape;
  const rows = h * w, per = c / groups;
  const s = new KernelScratch(backend);
  try {
    const sumDy = s.make([b, c]), sumDyX = s.make([b, c]), p = s.make([b, c]), q = s.make([b, c]), k0 = s.make([b, c]);
    const dGamma = s.keep(s.make([c])), dBeta = s.keep(s.make([c])), dx = s.keep(s.make(x.shape));
    const at = (t: TensorInfo) => heapOffset(backend, t);
    splitByItem(backend, 'channelSums', x.shape, [at(x), at(dy)], [at(sumDy), at(sumDyX)],
      ([px, pd], k, [pa, pb]) => [px, pd, k, rows, c, pa, pb]);
    const [sa, sb, g, m, r, pv, qv, kv, dg, db] = [sumDy, sumDyX, gamma, mu, rstd, p, q, k0, dGamma, dBeta].map((t) => heapView(backend, t));
    dg.fill(0);
    db.fill(0);
    for (let i = 0; i < b; i++) {
      for (let k = 0; k < groups; k++) {
        let meanG = 0, meanGx = 0; // per group: mean of γ·dy and of γ·dy·(x − μ), over channels' means
        for (let ch = k * per; ch < (k + 1) * per; ch++) {
          const j = i * c + ch, mDy = sa[j] / rows, centred = sb[j] / rows - m[j] * mDy;
          meanG += (mDy * g[ch]) / per;
          meanGx += (centred * g[ch]) / per;
          dg[ch] += centred * r[j] * rows;
          db[ch] += mDy * rows;
        }
        for (let ch = k * per; ch < (k + 1) * per; ch++) {
          const j = i * c + ch, rr = r[j], qq = rr * rr * meanGx;
          pv[j] = rr * g[ch];
          qv[j] = -rr * qq;
          kv[j] = rr * (m[j] * qq - meanG);
        }
      }
    }
    splitByItem(backend, 'affine2', x.shape, [at(dy), at(x), at(dx)], [at(p), at(q), at(k0)],
      ([pd, px, po], k, [pp, pq, pk]) => [pd, px, po, k, rows, c, pp, pq, pk]);
    return [dx, dGamma, dBeta];
  } finally {
    s.free();
  }
}
