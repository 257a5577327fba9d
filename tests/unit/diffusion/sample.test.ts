// The sample loop with an oracle denoiser (one that knows x0 and returns the true ε for any x_t):
// DDIM recovers x0, DDPM/DDIM keep the forward marginals (DDIM Lemma 1), seeds reproduce, no tensor leaks.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { qSample } from '../../../src/lib/diffusion/forward';
import { epsFromX0, vFromEpsX0, type Prediction } from '../../../src/lib/diffusion/prediction';
import { sample, type Denoiser, type StepTap } from '../../../src/lib/diffusion/sample';
import { makeSchedule, type Schedule } from '../../../src/lib/diffusion/schedule';
import { fillNormal, makeRng } from '../../../src/lib/math/rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

let held: tf.Tensor[] = [];
afterEach(() => {
  tf.dispose(held);
  held = [];
});

/** A fixed image-like x0 in (−1, 1). [1, H, W, 3] */
function makeX0(side: number, seed = 5): tf.Tensor {
  const n = side * side * 3;
  const x0 = tf.tidy(() => tf.tanh(tf.tensor(fillNormal(new Float32Array(n), makeRng(seed)), [1, side, side, 3])));
  held.push(x0);
  return x0;
}

/** The perfect denoiser for a single known x0: ε̂ = (x_t − √ᾱ x0)/√(1−ᾱ), or the matching v / x0. */
function oracle(x0: tf.Tensor, schedule: Schedule, prediction: Prediction = 'eps'): Denoiser {
  return (x, t) => {
    const ab = schedule.alphaBar[t];
    const eps = epsFromX0(x, x0, ab);
    if (prediction === 'eps') return eps;
    if (prediction === 'x0') return tf.clone(x0);
    return vFromEpsX0(eps, x0, ab);
  };
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe('sample with an oracle model', () => {
  it.each(['linear', 'cosine', 'scaled-linear'] as const)('%s: DDIM η = 0 recovers x0 to float precision in 10 steps', async (name) => {
    const schedule = makeSchedule(name);
    const x0 = makeX0(16);
    const out = await sample({ model: oracle(x0, schedule), shape: x0.shape, schedule, sampler: 'ddim', steps: 10, rng: makeRng(1) });
    held.push(out);
    expect(maxAbsDiff(out, x0)).toBeLessThan(1e-5);
  });

  it.each(['v', 'x0'] as const)('DDIM η = 0 with a %s-predicting oracle also recovers x0', async (prediction) => {
    const schedule = makeSchedule('cosine');
    const x0 = makeX0(16);
    const model = oracle(x0, schedule, prediction);
    const out = await sample({ model, shape: x0.shape, schedule, sampler: 'ddim', steps: 10, prediction, rng: makeRng(2) });
    held.push(out);
    expect(maxAbsDiff(out, x0)).toBeLessThan(1e-5);
  });

  it.each(['beta', 'posterior'] as const)('DDPM (σ² = %s, 1000 steps) ends at x0', async (variance) => {
    const schedule = makeSchedule('linear');
    const x0 = makeX0(16);
    const out = await sample({ model: oracle(x0, schedule), shape: x0.shape, schedule, sampler: 'ddpm', variance, rng: makeRng(3) });
    held.push(out);
    expect(maxAbsDiff(out, x0)).toBeLessThan(1e-4);
  });

  /** Mean and variance of (x_t − √ᾱ x0)/√(1−ᾱ) over all elements; N(0, 1) when x_t ~ q(x_t | x0). */
  async function standardized(tap: StepTap, x0: tf.Tensor, schedule: Schedule): Promise<[number, number]> {
    const z = tf.tidy(() => epsFromX0(tap.xt, x0, schedule.alphaBar[tap.t]));
    const { mean, variance } = tf.moments(z);
    const result: [number, number] = [(await mean.data())[0], (await variance.data())[0]];
    tf.dispose([z, mean, variance]);
    return result;
  }

  it.each([
    ['ddpm', 'posterior', 0, 1000],
    ['ddim', 'beta', 1, 50],
    ['ddim', 'beta', 0.5, 50],
  ] as const)(
    '%s (σ² = %s, η = %f, %i steps): every x_t is distributed as q(x_t | x0) = N(√ᾱ x0, 1−ᾱ)',
    async (sampler, variance, eta, steps) => {
      // With the exact x0, DDPM's β̃ step samples q(x_{t−1} | x_t, x0) and DDIM keeps the marginals for
      // any η (DDIM Lemma 1), so the standardized residual stays N(0, 1). A wrong σ would drift it.
      const schedule = makeSchedule('cosine');
      const x0 = makeX0(64); // 12 288 values: the variance estimate has s.e. ≈ 0.013
      const stats: [number, number][] = [];
      const out = await sample({
        model: oracle(x0, schedule),
        shape: x0.shape,
        schedule,
        sampler,
        variance,
        eta,
        steps,
        rng: makeRng(4),
        onStep: async (tap) => {
          if (tap.i % Math.max(1, Math.floor(steps / 10)) === 0 || tap.i === steps - 1) {
            stats.push(await standardized(tap, x0, schedule));
          }
        },
      });
      held.push(out);
      expect(stats.length).toBeGreaterThanOrEqual(10);
      for (const [mean, variance] of stats) {
        expect(Math.abs(mean)).toBeLessThan(0.05);
        expect(Math.abs(variance - 1)).toBeLessThan(0.06);
      }
    },
  );

  it('SDEdit-style start: from x_t at tStart = 400, DDIM recovers x0', async () => {
    const schedule = makeSchedule('linear');
    const x0 = makeX0(8);
    const eps = tf.tensor(fillNormal(new Float32Array(x0.size), makeRng(9)), x0.shape);
    const xStart = qSample(x0, eps, schedule.alphaBar[400]);
    held.push(eps, xStart);
    const ts: number[] = [];
    const out = await sample({
      model: oracle(x0, schedule),
      shape: x0.shape,
      schedule,
      sampler: 'ddim',
      steps: 4,
      tStart: 400,
      xStart,
      rng: makeRng(1),
      onStep: (tap) => void ts.push(tap.t),
    });
    held.push(out);
    expect(ts).toEqual([400, 300, 200, 100]);
    expect(maxAbsDiff(out, x0)).toBeLessThan(1e-5);
    expect(xStart.isDisposed).toBe(false);
  });
});

describe('sample: determinism, taps and memory', () => {
  // A stand-in network: deterministic and nonlinear, so samples depend on every draw.
  const toy: Denoiser = (x) => tf.tanh(tf.mul(x, 0.8));
  const schedule = makeSchedule('linear');
  const base = { model: toy, shape: [2, 8, 8, 3], schedule, steps: 20 };

  it.each([
    ['ddpm', 0],
    ['ddim', 1],
  ] as const)('%s (η = %f): the same seed gives identical outputs, another seed different ones', async (sampler, eta) => {
    const a = await sample({ ...base, sampler, eta, rng: makeRng(42) });
    const b = await sample({ ...base, sampler, eta, rng: makeRng(42) });
    const c = await sample({ ...base, sampler, eta, rng: makeRng(43) });
    held.push(a, b, c);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(maxAbsDiff(a, c)).toBeGreaterThan(0.1);
  });

  it('onStep sees steps in order, t descending to a final tPrev of 0, with x_t, ε̂ and x̂₀ of the sample shape', async () => {
    const seen: [number, number, number][] = [];
    const out = await sample({
      ...base,
      sampler: 'ddim',
      steps: 5,
      rng: makeRng(1),
      onStep: ({ i, t, tPrev, xt, eps, x0 }) => {
        seen.push([i, t, tPrev]);
        for (const tensor of [xt, eps, x0]) expect(tensor.shape).toEqual([2, 8, 8, 3]);
      },
    });
    held.push(out);
    expect(seen).toEqual([
      [0, 1000, 800],
      [1, 800, 600],
      [2, 600, 400],
      [3, 400, 200],
      [4, 200, 0],
    ]);
  });

  it('disposes the tapped tensors after onStep returns (callers must copy what they keep)', async () => {
    const tapped: tf.Tensor[] = [];
    const copies: tf.Tensor[] = [];
    const out = await sample({
      ...base,
      sampler: 'ddim',
      steps: 3,
      rng: makeRng(1),
      onStep: ({ x0 }) => {
        tapped.push(x0);
        copies.push(tf.clone(x0));
      },
    });
    held.push(out, ...copies);
    expect(tapped.every((t) => t.isDisposed)).toBe(true);
    expect(copies.every((t) => !t.isDisposed)).toBe(true);
  });

  it.each(['ddpm', 'ddim'] as const)('%s: tf.memory().numTensors is unchanged after a sample loop', async (sampler) => {
    const before = tf.memory().numTensors;
    const out = await sample({ ...base, sampler, eta: 1, clipX0: [-1, 1], rng: makeRng(7), onStep: () => undefined });
    expect(tf.memory().numTensors).toBe(before + 1);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an abort, a throwing onStep or a throwing model leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    await expect(
      sample({ ...base, sampler: 'ddpm', rng: makeRng(1), signal: controller.signal, onStep: ({ i }) => void (i === 2 && controller.abort()) }),
    ).rejects.toThrow();
    await expect(
      sample({ ...base, sampler: 'ddim', eta: 1, rng: makeRng(1), onStep: () => Promise.reject(new Error('tap failed')) }),
    ).rejects.toThrow('tap failed');
    const broken: Denoiser = (x) => tf.reshape(x, [-1]);
    await expect(sample({ ...base, model: broken, sampler: 'ddpm', rng: makeRng(1) })).rejects.toThrow(/shape/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('clipX0 keeps every tapped x̂₀ inside the range', async () => {
    const wild: Denoiser = (x) => tf.mul(x, 3); // an ε̂ that implies x̂₀ far outside [−1, 1]
    let worst = 0;
    const out = await sample({
      ...base,
      model: wild,
      sampler: 'ddpm',
      clipX0: [-1, 1],
      rng: makeRng(1),
      onStep: ({ x0 }) => void (worst = Math.max(worst, tf.tidy(() => tf.max(tf.abs(x0)).dataSync()[0]))),
    });
    held.push(out);
    expect(worst).toBeLessThanOrEqual(1);
    expect(worst).toBeGreaterThan(0.99);
  });
});
