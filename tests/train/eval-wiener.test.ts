import { describe, expect, it } from 'vitest';
import { makeRng } from '../../src/lib/math/rng';
import { pixelStats, wienerDenoise, wienerMseClosedForm, type PixelStats } from '../../train/eval/wiener';

// Synthetic "images": 64 independent Gaussian dimensions with known means and variances, so the
// diagonal Wiener filter is the exact MMSE estimator and its closed-form error is the truth.
const DIMS = 64;
const mu = Float64Array.from({ length: DIMS }, (_, d) => -0.6 + (1.2 * d) / DIMS);
const sigma2 = Float64Array.from({ length: DIMS }, (_, d) => 0.01 + (0.5 * ((d * 7) % DIMS)) / DIMS);
const truth: PixelStats = { mean: mu, variance: sigma2, count: Infinity };

function draw(n: number, seed: number): Float32Array {
  const rng = makeRng(seed);
  const out = new Float32Array(n * DIMS);
  for (let i = 0; i < out.length; i++) out[i] = mu[i % DIMS] + Math.sqrt(sigma2[i % DIMS]) * rng.normal();
  return out;
}

function noisy(x0: Float32Array, alphaBar: number, seed: number): Float32Array {
  const rng = makeRng(seed);
  return x0.map((v) => Math.sqrt(alphaBar) * v + Math.sqrt(1 - alphaBar) * rng.normal());
}

const mse = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / a.length;

describe('diagonal Wiener filter', () => {
  it('pixelStats recovers the per-dimension mean and variance of the data', () => {
    const x = draw(4000, 1);
    const s = pixelStats(DIMS, 4000, (i) => x.subarray(i * DIMS, (i + 1) * DIMS));
    for (let d = 0; d < DIMS; d++) {
      expect(Math.abs(s.mean[d] - mu[d])).toBeLessThan(5 * Math.sqrt(sigma2[d] / 4000));
      expect(s.variance[d] / sigma2[d]).toBeGreaterThan(0.9);
      expect(s.variance[d] / sigma2[d]).toBeLessThan(1.1);
    }
  });

  it('its measured MSE matches the closed form Σ(1−ᾱ)/(ᾱΣ + 1−ᾱ) at every noise level', () => {
    const x0 = draw(3000, 2);
    for (const ab of [0.95, 0.5, 0.1, 0.01]) {
      const measured = mse(wienerDenoise(truth, noisy(x0, ab, 3), ab), x0);
      const closed = wienerMseClosedForm(truth, ab);
      expect(Math.abs(measured - closed) / closed).toBeLessThan(0.03); // 192k squared errors: ≈ 0.3% standard error
    }
  });

  it('the closed form runs from 0 at ᾱ = 1 to the mean variance at ᾱ = 0', () => {
    expect(wienerMseClosedForm(truth, 1)).toBe(0);
    expect(wienerMseClosedForm(truth, 0)).toBeCloseTo(sigma2.reduce((a, b) => a + b, 0) / DIMS, 12);
  });

  it('beats both the mean image and the rescaled noisy image, and a mis-scaled gain does worse', () => {
    const x0 = draw(2000, 4);
    const ab = 0.3;
    const xt = noisy(x0, ab, 5);
    const wiener = mse(wienerDenoise(truth, xt, ab), x0);
    const meanOnly = mse(new Float32Array(x0.length).map((_, i) => mu[i % DIMS]), x0);
    const rescaled = mse(xt.map((v) => v / Math.sqrt(ab)), x0);
    const doubled = mse(wienerDenoise({ ...truth, variance: sigma2.map((v) => 2 * v) }, xt, ab), x0);
    expect(wiener).toBeLessThan(meanOnly);
    expect(wiener).toBeLessThan(rescaled);
    expect(wiener).toBeLessThan(doubled);
  });
});
