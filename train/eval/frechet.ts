// The Fréchet distance between two Gaussians fitted to feature sets (Heusel et al. 2017, "GANs trained
// by a two time-scale update rule…", the FID): d² = ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2·(Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2}).
// The symmetric form of the cross term keeps every square root one of a PSD matrix (Dowson & Landau 1982).
import { matrix, multiply, sqrtPsd, symmetrize, trace, type SquareMatrix } from './symmetric-eigen';

export interface Gaussian {
  mean: Float64Array;
  /** Unbiased sample covariance (divides by N − 1), d×d. */
  cov: SquareMatrix;
  /** How many feature vectors it was fitted to. */
  count: number;
}

/** Mean and covariance of N feature vectors of dimension d, stored row-major in `features` [N, d]. */
export function fitGaussian(features: ArrayLike<number>, d: number): Gaussian {
  const n = features.length / d;
  if (!Number.isInteger(n) || n < 2) throw new Error(`fitGaussian: need ≥ 2 vectors of ${d}, got ${features.length} values`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += features[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const cov = matrix(d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = features[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) {
      const ra = row[a];
      for (let b = a; b < d; b++) cov.data[a * d + b] += ra * row[b];
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = cov.data[a * d + b] / (n - 1);
      cov.data[a * d + b] = v;
      cov.data[b * d + a] = v;
    }
  }
  return { mean, cov, count: n };
}

/** The squared Fréchet distance d² between two Gaussians (what FID reports), with its two parts. */
export function frechetDistance(g1: Gaussian, g2: Gaussian): { distance: number; meanTerm: number; covTerm: number } {
  const d = g1.mean.length;
  if (g2.mean.length !== d) throw new Error(`frechetDistance: dimensions ${d} and ${g2.mean.length} differ`);
  let meanTerm = 0;
  for (let j = 0; j < d; j++) meanTerm += (g1.mean[j] - g2.mean[j]) ** 2;
  const s1 = sqrtPsd(g1.cov);
  const cross = sqrtPsd(symmetrize(multiply(multiply(s1, g2.cov), s1)));
  const covTerm = trace(g1.cov) + trace(g2.cov) - 2 * trace(cross);
  // Rounding can leave a tiny negative covariance term for identical sets; the distance itself is ≥ 0.
  return { distance: Math.max(0, meanTerm + covTerm), meanTerm, covTerm };
}
