// EDM preconditioning around a first guess (Karras et al. 2022, Table 1), in our VP variables: its
// coefficients equal EDM's at σ² = (1−ᾱ)/ᾱ, x̂₀ follows x_t at low noise, the training target maps back
// to x₀ exactly, and for a residual of scale σ_d the target has unit variance at every noise level.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { preconditionedX0, preconditioning, preconditionInput, preconditionTarget } from '../../../src/lib/diffusion/precondition';
import { fillNormal, makeRng } from '../../../src/lib/math/rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const normal = (n: number, seed: number, scale = 1) => fillNormal(new Float32Array(n), makeRng(seed)).map((v) => v * scale);
const t4 = (v: Float32Array, b = 1) => tf.tensor4d(v, [b, 4, 4, v.length / (16 * b)]);

describe('preconditioning coefficients', () => {
  it.each([0.02, 0.3, 0.7, 0.99])('equal EDM’s c_in, c_skip, c_out at σ² = (1−ᾱ)/ᾱ (ᾱ = %f), rescaled from y = x_t/√ᾱ − b to x_t − √ᾱ·b', (ab) => {
    const sd = 0.1;
    const s2 = (1 - ab) / ab;
    const edm = { cSkip: sd ** 2 / (sd ** 2 + s2), cOut: (Math.sqrt(s2) * sd) / Math.sqrt(sd ** 2 + s2), cIn: 1 / Math.sqrt(sd ** 2 + s2) };
    const ours = preconditioning(ab, sd);
    // y = (x_t − √ᾱ·b)/√ᾱ, so EDM's c·y is (c/√ᾱ)·(x_t − √ᾱ·b).
    expect(ours.cSkip).toBeCloseTo(edm.cSkip / Math.sqrt(ab), 10);
    expect(ours.cIn).toBeCloseTo(edm.cIn / Math.sqrt(ab), 10);
    expect(ours.cOut).toBeCloseTo(edm.cOut, 10);
  });

  it('are finite at both ends: ᾱ = 1 keeps x_t whole (cSkip 1, cOut 0), ᾱ = 0 is b + σ_d·F', () => {
    const one = preconditioning(1, 0.1);
    expect(one.cSkip).toBeCloseTo(1, 12);
    expect(one.cOut).toBe(0);
    expect(one.cIn).toBeCloseTo(10, 10);
    const zero = preconditioning(0, 0.1);
    expect(zero.cSkip).toBe(0);
    expect(zero.cIn).toBe(1);
    expect(zero.cOut).toBeCloseTo(0.1, 12);
    expect(() => preconditioning(1.2, 0.1)).toThrow(RangeError);
    expect(() => preconditioning(0.5, 0)).toThrow(/sigmaData/);
  });
});

describe('preconditioned x̂₀ and training target', () => {
  it('x̂₀ from the target F is x₀ again, per example with its own ᾱ and σ_d; no tensor leaks', () => {
    const before = tf.memory().numTensors;
    const n = 2 * 4 * 4 * 3;
    const x0 = t4(normal(n, 1, 0.5), 2), base = t4(normal(n, 2, 0.5), 2), eps = t4(normal(n, 3), 2);
    const abs = [0.4, 0.97], sds = [0.1, 0.3];
    const xt = tf.tidy(() => tf.add(tf.mul(x0, tf.tensor4d(abs.map(Math.sqrt), [2, 1, 1, 1])), tf.mul(eps, tf.tensor4d(abs.map((a) => Math.sqrt(1 - a)), [2, 1, 1, 1])))) as tf.Tensor4D;
    const target = preconditionTarget(x0, xt, base, abs, sds);
    const back = preconditionedX0(xt, base, target, abs, sds);
    const err = tf.tidy(() => tf.max(tf.abs(tf.sub(back, x0))).dataSync()[0]);
    expect(err).toBeLessThan(1e-5);
    tf.dispose([x0, base, eps, xt, target, back]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('at low noise x̂₀ ≈ x_t whatever the net says (the detail in x_t is kept); at ᾱ = 0 it is b + σ_d·F', () => {
    const x = t4(normal(48, 4)), base = t4(normal(48, 5)), f = t4(normal(48, 6));
    const low = preconditionedX0(x, base, f, [0.99999], 0.1);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(low, x))).dataSync()[0])).toBeLessThan(0.05);
    const high = preconditionedX0(x, base, f, [0], 0.1);
    const want = tf.tidy(() => tf.add(base, tf.mul(f, 0.1)));
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(high, want))).dataSync()[0])).toBeLessThan(1e-6);
    tf.dispose([x, base, f, low, high, want]);
  });

  it.each([0.05, 0.5, 0.95, 0.9995])('a residual of scale σ_d gives a unit-variance target and a unit-variance input (ᾱ = %f)', (ab) => {
    const sd = 0.1, n = 16 * 4 * 4 * 3;
    const base = t4(normal(n, 7, 0.4), 16);
    const x0 = tf.tidy(() => tf.add(base, t4(normal(n, 8, sd), 16))) as tf.Tensor4D;
    const xt = tf.tidy(() => tf.add(tf.mul(x0, Math.sqrt(ab)), t4(normal(n, 9, Math.sqrt(1 - ab)), 16))) as tf.Tensor4D;
    const abs = Array(16).fill(ab);
    const target = preconditionTarget(x0, xt, base, abs, sd);
    const input = preconditionInput(xt, base, abs, sd);
    const variance = (t: tf.Tensor) => tf.tidy(() => tf.mean(tf.square(t)).dataSync()[0]);
    expect(variance(target)).toBeGreaterThan(0.9);
    expect(variance(target)).toBeLessThan(1.1);
    expect(variance(input)).toBeGreaterThan(0.9);
    expect(variance(input)).toBeLessThan(1.1);
    tf.dispose([base, x0, xt, target, input]);
  });

  it('refuses ᾱ = 1 in a target (c_out = 0) and a σ_d list of the wrong length', () => {
    const x = t4(normal(48, 1));
    expect(() => preconditionTarget(x, x, x, [1], 0.1)).toThrow(/alphaBar < 1/);
    expect(() => preconditionInput(x, x, [0.5], [0.1, 0.2])).toThrow(/one sigmaData per example/);
    x.dispose();
  });
});
