// GroupNorm's forward and gradient for training, each one sums pass and one affine pass of our wasm
// kernels over the activations (src/lib/models/wasm-kernels/group-norm-wat.ts), with the per-group
// arithmetic on the small [B, C] tables in JS. The forward is the browser's (group-norm-forward.ts)
// with our two-thread runner. Registered on the wasm backend as NoisebookGroupNorm and
// NoisebookGroupNormGrad (register.ts); group-norm.ts calls them where C is a multiple of 4 and our
// kernels are prepared.
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { groupNormForward, splitByItem, type KernelArgs } from '../../src/lib/models/wasm-kernels/group-norm-forward';
import { heapOffset, heapView, KernelScratch } from './kernel-scratch';
import { runner, wasmKernelsReady } from './wasm-kernels';

/** Whether the kernels apply: prepared on this backend and C a multiple of 4 (one f32x4 per step). */
export function groupNormSimdHandles(backend: KernelBackend, channels: number): boolean {
  return wasmKernelsReady(backend) && channels % 4 === 0;
}

/** Forward (the shared kernel, src/lib/models/wasm-kernels/group-norm-forward.ts) with our runner. */
export function groupNormForwardTrain(args: KernelArgs): TensorInfo[] {
  return groupNormForward(args, runner(args.backend));
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
    splitByItem(runner(backend), 'channelSums', x.shape, [at(x), at(dy)], [at(sumDy), at(sumDyX)],
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
    splitByItem(runner(backend), 'affine2', x.shape, [at(dy), at(x), at(dx)], [at(p), at(q), at(k0)],
      ([pd, px, po], k, [pp, pq, pk]) => [pd, px, po, k, rows, c, pp, pq, pk]);
    return [dx, dGamma, dBeta];
  } finally {
    s.free();
  }
}
