// The residual's principal components that the SR preconditioning uses (train/sr-residual.ts): an orthonormal
// basis in which the residual's covariance is diagonal with the recorded std devs, largest first, the same
// on every call (a resumed run and the export must agree), and gains that say the aug noise hits the smooth
// components, not the fine ones.
import { describe, expect, it } from 'vitest';
import { residualBasisProblem } from '../../src/lib/pipelines/sr-precondition';
import { conditioning, spaceToDepth, srTrainingBatch } from '../../train/sr-data';
import { MIN_COMPONENT_STD, residualComponents, srPreconditionOf } from '../../train/sr-residual';
import { tinySrConfig } from './sr-harness';

const config = tinySrConfig({ batch: 8 });
const c = 12; // 2×2 cells of RGB

describe('residual components of an SR config', () => {
  const r = residualComponents(config, 16);

  it('are an orthonormal basis with std devs largest first, the same on every call', () => {
    expect(residualBasisProblem(r.stds, r.basis, r.gains, c)).toBeNull();
    for (let k = 1; k < c; k++) expect(r.stds[k]).toBeLessThanOrEqual(r.stds[k - 1]);
    expect(Math.min(...r.stds)).toBeGreaterThanOrEqual(MIN_COMPONENT_STD);
    expect(residualComponents(config, 16)).toEqual(r);
  });

  it('diagonalize the residual: each component’s variance over the crops is its std dev², cross terms ≈ 0', () => {
    const sr = config.sr!;
    const low = config.resolution / sr.factor;
    const proj = Array.from({ length: c }, () => [] as number[]);
    for (const step of [0, 1]) {
      const batch = srTrainingBatch(config, step);
      const up = conditioning(batch.lo, new Float32Array(batch.lo.length), Array(8).fill(1), low, sr.factor);
      const cells = spaceToDepth(batch.x0.map((v, i) => v - up[i]), 8, config.resolution, 3, sr.spaceToDepth);
      for (let p = 0; p < cells.length; p += c)
        for (let k = 0; k < c; k++) proj[k].push(Array.from({ length: c }, (_, i) => cells[p + i] * r.basis[i * c + k]).reduce((a, b) => a + b, 0));
    }
    const ms = (xs: number[], ys: number[]) => xs.reduce((a, x, i) => a + x * ys[i], 0) / xs.length;
    for (let k = 0; k < c; k++) {
      if (r.stds[k] > 2 * MIN_COMPONENT_STD) expect(Math.sqrt(ms(proj[k], proj[k])) / r.stds[k]).toBeCloseTo(1, 3);
      for (let j = k + 1; j < c; j++) expect(Math.abs(ms(proj[k], proj[j]))).toBeLessThan(1e-4 + 0.01 * r.stds[k] * r.stds[j]);
    }
  });

  it('measure bigger aug gains in the strongest (smoothest) components than in the weakest', () => {
    const strong = r.gains.slice(0, 4).reduce((a, b) => a + b, 0);
    const weak = r.gains.slice(-4).reduce((a, b) => a + b, 0);
    expect(strong).toBeGreaterThan(5 * weak);
  });

  it('are part of the config’s preconditioning only when residualPcaCrops is set', () => {
    const p = srPreconditionOf({ ...config, sr: { ...config.sr!, residualPcaCrops: 16 } })!;
    expect(p.residualStds).toEqual(r.stds);
    expect(p.residualGains).toEqual(r.gains);
    const iso = srPreconditionOf({ ...config, sr: { ...config.sr!, residualPcaCrops: undefined } })!;
    expect(iso.residualBasis).toBeUndefined();
    expect(iso.residualStd).toBe(config.sr!.residualStd);
    expect(srPreconditionOf({ ...config, sr: { ...config.sr!, residualStd: undefined } })).toBeNull();
  });
});
