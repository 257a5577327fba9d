// DDPM reverse step (Ho et al. 2020, Algorithm 2) against its closed form and the posterior mean of Eq. 7.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ddpmCoefficients, ddpmStep } from '../../../src/lib/diffusion/ddpm';
import { makeSchedule } from '../../../src/lib/diffusion/schedule';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const linear = makeSchedule('linear');

describe('ddpmCoefficients', () => {
  it('match Algorithm 2: 1/√α_t, β_t/(√(1−ᾱ_t)·√α_t) and σ = √β_t', () => {
    for (const t of [2, 487, 1000]) {
      const c = ddpmCoefficients(linear, t);
      const beta = linear.betas[t];
      expect(c.xt).toBeCloseTo(1 / Math.sqrt(1 - beta), 14);
      expect(c.eps).toBeCloseTo(beta / Math.sqrt(1 - linear.alphaBar[t]) / Math.sqrt(1 - beta), 12);
      expect(c.sigma).toBeCloseTo(Math.sqrt(beta), 14);
    }
  });

  it('with σ² = β̃ use the schedule posterior variance', () => {
    for (const t of [2, 488, 1000]) {
      expect(ddpmCoefficients(linear, t, t - 1, 'posterior').sigma ** 2).toBeCloseTo(linear.posteriorVariance[t], 14);
    }
  });

  it('add no noise on the last step (t = 1 → 0), whatever the variance choice', () => {
    expect(ddpmCoefficients(linear, 1, 0, 'beta').sigma).toBe(0);
    expect(ddpmCoefficients(linear, 1, 0, 'posterior').sigma).toBe(0);
  });

  it.each(['linear', 'cosine'] as const)(
    '%s: the Algorithm 2 mean equals the posterior mean μ̃(x_t, x̂₀) of DDPM Eq. 7, also for a respaced jump',
    (name) => {
      const s = makeSchedule(name);
      for (const [t, tPrev] of [[700, 699], [500, 400], [1000, 900], [100, 0]]) {
        const c = ddpmCoefficients(s, t, tPrev);
        const xt = 0.37;
        const eps = -1.2;
        const x0 = (xt - Math.sqrt(1 - s.alphaBar[t]) * eps) / Math.sqrt(s.alphaBar[t]);
        const beta = 1 - s.alphaBar[t] / s.alphaBar[tPrev];
        const mu =
          ((Math.sqrt(s.alphaBar[tPrev]) * beta) / (1 - s.alphaBar[t])) * x0 +
          ((Math.sqrt(1 - beta) * (1 - s.alphaBar[tPrev])) / (1 - s.alphaBar[t])) * xt;
        expect((c.xt * xt - c.eps * eps) / mu).toBeCloseTo(1, 9); // relative: at t = T, x̂₀ is huge
      }
    },
  );

  it('rejects steps that do not go backwards', () => {
    expect(() => ddpmCoefficients(linear, 5, 5)).toThrow(RangeError);
    expect(() => ddpmCoefficients(linear, 1001, 1000)).toThrow(RangeError);
  });
});

describe('ddpmStep', () => {
  it('computes xt·x_t − eps·ε̂ + σ·z elementwise', () => {
    tf.tidy(() => {
      const c = ddpmCoefficients(linear, 300);
      const xt = tf.tensor([0.5, -1, 2]);
      const eps = tf.tensor([1, 0.2, -0.3]);
      const z = tf.tensor([0.1, -2, 0.7]);
      const out = ddpmStep(xt, eps, c, z).dataSync();
      [0.5, -1, 2].forEach((x, i) => {
        expect(out[i]).toBeCloseTo(c.xt * x - c.eps * [1, 0.2, -0.3][i] + c.sigma * [0.1, -2, 0.7][i], 5);
      });
    });
  });

  it('refuses to run a noisy step without noise', () => {
    const x = tf.zeros([2]);
    expect(() => ddpmStep(x, x, ddpmCoefficients(linear, 10))).toThrow();
    x.dispose();
  });
});
