// DDIM (Song et al. 2021): timestep sub-sequence, σ(η) of Eq. 16, and the Eq. 12 update.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ddimCoefficients, ddimSigma, ddimStep, ddimTimesteps } from '../../../src/lib/diffusion/ddim';
import { ddpmCoefficients } from '../../../src/lib/diffusion/ddpm';
import { makeSchedule } from '../../../src/lib/diffusion/schedule';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const cosine = makeSchedule('cosine');

describe('ddimTimesteps', () => {
  it('10 of 1000 steps are 1000, 900, …, 100 (trailing spacing, starting at T)', () => {
    expect(ddimTimesteps(1000, 10)).toEqual([1000, 900, 800, 700, 600, 500, 400, 300, 200, 100]);
  });

  it('all steps are T, T−1, …, 1', () => {
    const ts = ddimTimesteps(1000, 1000);
    expect(ts.length).toBe(1000);
    ts.forEach((t, i) => expect(t).toBe(1000 - i));
  });

  it.each([3, 7, 33, 999])('%i steps: strictly decreasing, distinct, from T down to ≥ 1', (steps) => {
    const ts = ddimTimesteps(1000, steps);
    expect(ts.length).toBe(steps);
    expect(ts[0]).toBe(1000);
    for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeLessThan(ts[i - 1]);
    expect(ts[ts.length - 1]).toBeGreaterThanOrEqual(1);
  });

  it('rejects more steps than T', () => {
    expect(() => ddimTimesteps(10, 11)).toThrow(RangeError);
  });

  it('quadratic spacing: T·(i/S)², denser at low t (DDIM App. D.2)', () => {
    expect(ddimTimesteps(1000, 5, 'quadratic')).toEqual([1000, 640, 360, 160, 40]);
    expect(ddimTimesteps(1000, 10, 'quadratic')).toEqual([1000, 810, 640, 490, 360, 250, 160, 90, 40, 10]);
  });

  it.each([1, 2, 20, 40, 100, 500, 1000])('quadratic, %i steps: from T, strictly decreasing, ≥ 1', (steps) => {
    const ts = ddimTimesteps(1000, steps, 'quadratic');
    expect(ts.length).toBe(steps);
    expect(ts[0]).toBe(1000);
    for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeLessThan(ts[i - 1]);
    expect(ts[ts.length - 1]).toBeGreaterThanOrEqual(1);
  });

  it('quadratic with tStart below T (partial denoising) stays within 1..tStart', () => {
    const ts = ddimTimesteps(300, 30, 'quadratic');
    expect(ts[0]).toBe(300);
    expect(ts.every((t) => t >= 1 && t <= 300)).toBe(true);
    expect(new Set(ts).size).toBe(30);
  });

  it('rejects an unknown spacing', () => {
    expect(() => ddimTimesteps(1000, 10, 'cubic' as never)).toThrow(/unknown spacing/);
  });
});

describe('ddimSigma (Eq. 16)', () => {
  it('is 0 for η = 0 and on the final step', () => {
    expect(ddimSigma(cosine, 500, 400, 0)).toBe(0);
    expect(ddimSigma(cosine, 100, 0, 1)).toBe(0);
  });

  it('at η = 1 on consecutive steps equals DDPM’s posterior σ = √β̃_t', () => {
    for (const t of [2, 250, 999]) expect(ddimSigma(cosine, t, t - 1, 1) ** 2).toBeCloseTo(cosine.posteriorVariance[t], 14);
  });

  it('at η = 1 on a jump equals the respaced DDPM posterior σ', () => {
    expect(ddimSigma(cosine, 900, 800, 1)).toBeCloseTo(ddpmCoefficients(cosine, 900, 800, 'posterior').sigma, 14);
  });

  it('scales linearly with η', () => {
    expect(ddimSigma(cosine, 600, 500, 0.5)).toBeCloseTo(ddimSigma(cosine, 600, 500, 1) / 2, 15);
  });

  it('rejects η outside [0, 1]', () => {
    expect(() => ddimSigma(cosine, 600, 500, 1.5)).toThrow(RangeError);
  });
});

describe('ddimCoefficients and ddimStep (Eq. 12)', () => {
  it.each([0, 0.5, 1])('η = %f: the three coefficients keep unit total variance: ᾱ_prev + (1−ᾱ_prev−σ²) + σ² = 1', (eta) => {
    for (const [t, tPrev] of [[1000, 900], [500, 499], [100, 0]]) {
      const c = ddimCoefficients(cosine, t, tPrev, eta);
      expect(c.x0).toBeCloseTo(Math.sqrt(cosine.alphaBar[tPrev]), 14);
      expect(c.x0 ** 2 + c.eps ** 2 + c.sigma ** 2).toBeCloseTo(1, 12);
    }
  });

  it('the last step (to t = 0) returns x̂₀ itself', () => {
    tf.tidy(() => {
      const x0 = tf.tensor([0.3, -0.9]);
      const eps = tf.tensor([1.5, 0.2]);
      const out = ddimStep(x0, eps, ddimCoefficients(cosine, 50, 0, 0));
      expect(Array.from(out.dataSync())).toEqual(Array.from(x0.dataSync()));
    });
  });

  it('computes x0·x̂₀ + eps·ε̂ + σ·z elementwise', () => {
    tf.tidy(() => {
      const c = ddimCoefficients(cosine, 700, 600, 0.7);
      const out = ddimStep(tf.tensor([0.5]), tf.tensor([-1]), c, tf.tensor([2])).dataSync();
      expect(out[0]).toBeCloseTo(c.x0 * 0.5 - c.eps + 2 * c.sigma, 5);
    });
  });
});
