import { describe, expect, it } from 'vitest';
import { makeRng } from '../../src/lib/math/rng';
import { fitGaussian, frechetDistance, type Gaussian } from '../../train/eval/frechet';
import { matrix, multiply, sqrtPsd, symmetricEigen, trace } from '../../train/eval/symmetric-eigen';

function randomSpd(n: number, seed: number) {
  const rng = makeRng(seed);
  const b = matrix(n, Array.from({ length: n * n }, () => rng.normal()));
  const bt = matrix(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) bt.data[i * n + j] = b.data[j * n + i];
  const a = multiply(b, bt); // B·Bᵀ is symmetric positive semi-definite
  for (let i = 0; i < n; i++) a.data[i * n + i] += 0.1;
  return a;
}

const maxAbsDiff = (a: Float64Array, b: Float64Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('symmetric eigen-decomposition (Jacobi) and the PSD square root', () => {
  it('[[2, 1], [1, 2]] has eigenvalues 1 and 3', () => {
    const { values } = symmetricEigen(matrix(2, [2, 1, 1, 2]));
    expect([...values].sort()).toEqual([expect.closeTo(1, 12), expect.closeTo(3, 12)]);
  });

  it('A = V·Λ·Vᵀ with orthonormal V for a random 24×24 symmetric matrix', () => {
    const n = 24;
    const a = randomSpd(n, 1);
    const { values, vectors: v } = symmetricEigen(a);
    const lam = matrix(n);
    values.forEach((l, i) => (lam.data[i * n + i] = l));
    const vt = matrix(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vt.data[i * n + j] = v.data[j * n + i];
    expect(maxAbsDiff(multiply(multiply(v, lam), vt).data, a.data)).toBeLessThan(1e-9 * trace(a));
    const eye = matrix(n);
    for (let i = 0; i < n; i++) eye.data[i * n + i] = 1;
    expect(maxAbsDiff(multiply(vt, v).data, eye.data)).toBeLessThan(1e-12);
  });

  it('sqrtPsd(A)² = A, and the square root of diag(4, 9, 0) is diag(2, 3, 0)', () => {
    const a = randomSpd(16, 2);
    const s = sqrtPsd(a);
    expect(maxAbsDiff(multiply(s, s).data, a.data)).toBeLessThan(1e-9 * trace(a));
    expect([...sqrtPsd(matrix(3, [4, 0, 0, 0, 9, 0, 0, 0, 0])).data].map((v) => Math.round(v * 1e12) / 1e12)).toEqual([2, 0, 0, 0, 3, 0, 0, 0, 0]);
  });
});

describe('Fréchet distance', () => {
  const gaussian = (mean: number[], cov: number[]): Gaussian => ({ mean: Float64Array.from(mean), cov: matrix(mean.length, cov), count: 0 });

  it('is 0 for a feature set compared with itself', () => {
    const rng = makeRng(3);
    const f = Float32Array.from({ length: 400 * 8 }, () => rng.normal());
    const g = fitGaussian(f, 8);
    expect(frechetDistance(g, g).distance).toBeLessThan(1e-9);
  });

  it('equals ‖Δμ‖² for two Gaussians with the same covariance', () => {
    const cov = [...randomSpd(6, 4).data];
    const d = frechetDistance(gaussian([0, 0, 0, 0, 0, 0], cov), gaussian([1, -2, 0.5, 0, 3, 0], cov));
    expect(d.distance).toBeCloseTo(1 + 4 + 0.25 + 9, 8);
    expect(Math.abs(d.covTerm)).toBeLessThan(1e-8);
  });

  it('equals Σ(√a − √b)² + ‖Δμ‖² for diagonal covariances (the 1-D closed form per axis)', () => {
    const d = frechetDistance(gaussian([0, 1], [4, 0, 0, 1]), gaussian([1, 1], [1, 0, 0, 9]));
    expect(d.distance).toBeCloseTo(1 + (2 - 1) ** 2 + (1 - 3) ** 2, 10);
  });

  it('matches tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^{1/2}) for commuting full covariances: Σ₂ = Σ₁², so (Σ₁Σ₂)^{1/2} = Σ₁^{3/2}', () => {
    const s1 = randomSpd(5, 5);
    const s2 = multiply(s1, s1);
    const { values } = symmetricEigen(s1);
    const expected = [...values].reduce((s, l) => s + l + l * l - 2 * l ** 1.5, 0);
    expect(frechetDistance(gaussian([0, 0, 0, 0, 0], [...s1.data]), gaussian([0, 0, 0, 0, 0], [...s2.data])).distance).toBeCloseTo(expected, 6);
  });

  it('fitGaussian gives the sample mean and the unbiased covariance', () => {
    const g = fitGaussian([1, 2, 3, 6, 5, 10], 2); // points (1,2), (3,6), (5,10)
    expect([...g.mean]).toEqual([3, 6]);
    expect([...g.cov.data]).toEqual([4, 8, 8, 16]);
  });
});
