// A super-resolution stage with a predictor (src/lib/pipelines/sr-predictor.ts): train/export.ts packs both
// nets in one int8 file, the pipeline finds the predictor's weights, hands its mean to the caller and starts
// the denoiser at refineFrom from that mean, and a manifest that names half a predictor is refused.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../../src/lib/models/manifest';
import { PREDICTOR_PREFIX } from '../../../src/lib/models/manifest';
import { storedBytes } from '../../../src/lib/models/weights';
import { sampleSuperResolution, srConditioning, srDenoiser, srModelFrom, type SrModel } from '../../../src/lib/pipelines/super-resolution';
import { depthToSpace } from '../../../src/lib/pipelines/space-to-depth';
import { makeRng } from '../../../src/lib/math/rng';
import { exportedModel, tinySrConfig } from './cascade-models';

const config = tinySrConfig(64);
let manifest: Manifest;
let model: SrModel;
let plain: SrModel;
const rng = makeRng(3);
const lo = Float32Array.from({ length: 16 * 16 * 3 }, () => Math.tanh(rng.normal()));

beforeAll(async () => {
  await tf.setBackend('cpu');
  const loaded = await exportedModel('sr-test', config, 11, { seed: 21, refineFrom: 1 });
  manifest = loaded.manifest;
  model = srModelFrom(manifest, loaded.unet, loaded.weights);
  const bare = await exportedModel('sr-test', config, 11);
  plain = srModelFrom(bare.manifest, bare.unet, bare.weights);
});
afterAll(() => tf.dispose([...Object.values(model.weights), ...Object.values(plain.weights)]));

describe('super-resolution stage with a predictor', () => {
  it('is exported as two nets of one config in one int8 file, and loaded as the same tensors', () => {
    expect(manifest.predictorWeights?.map((s) => s.name)).toEqual(manifest.weights.map((s) => s.name));
    const all = [...manifest.weights, ...manifest.predictorWeights!];
    const kernels = all.filter((s) => s.shape.reduce((a, b) => a * b, 1) >= 1024);
    expect(kernels.length).toBeGreaterThan(0);
    expect(kernels.every((s) => s.encoding === 'int8')).toBe(true);
    const bytes = all.reduce((n, s) => n + storedBytes(s), 0);
    const float16 = all.reduce((n, s) => n + 2 * s.shape.reduce((a, b) => a * b, 1), 0);
    expect(bytes).toBeLessThan(0.75 * float16);
    expect(model.predictor?.refineFrom).toBe(1);
    for (const s of manifest.weights) expect(model.predictor!.weights[s.name]).toBe(model.weights[PREDICTOR_PREFIX + s.name]);
    // Different nets: the predictor run's weights are not the denoiser's.
    expect(tf.sum(tf.abs(tf.sub(model.predictor!.weights['out.conv.w'], model.weights['out.conv.w']))).dataSync()[0]).toBeGreaterThan(0);
    expect(manifest.data.details?.sr).toMatchObject({ refineFrom: 1, predictor: { model: 'sr-test-predictor', steps: 1 } });
  });

  it('hands over the predictor mean, starts the denoiser from it at refineFrom, and leaves no tensors', async () => {
    const before = tf.memory().numTensors;
    let mean: Float32Array | null = null;
    const out = await sampleSuperResolution(model, lo, 16, { aug: 0, steps: 5, seed: 4, onPredicted: (m) => void (mean = m) });
    expect(tf.memory().numTensors).toBe(before);
    // The mean is the predictor net at t = T on x_T = 0 given the conditioning, clipped: computed here directly.
    const k = 4, grid = 64 / k;
    const direct = tf.tidy(() => {
      const cond = tf.tensor4d(srConditioning(lo, new Float32Array(lo.length), 1, 16, model.sr), [1, grid, grid, 48]);
      const x = srDenoiser({ ...model, weights: model.predictor!.weights }, cond, tf.tensor1d([0]), 1)(tf.zeros([1, grid, grid, 48]), model.schedule.T);
      return depthToSpace(tf.clipByValue(x, -1, 1).dataSync() as Float32Array, 64, 3, k);
    });
    expect(mean).not.toBeNull();
    let maxDiff = 0;
    for (let i = 0; i < direct.length; i++) maxDiff = Math.max(maxDiff, Math.abs(mean![i] - direct[i]));
    expect(maxDiff).toBeLessThan(1e-5);
    // From t₀ = 1 (σ ≈ 0.02) one step is left (steps are capped at t₀), and the sample stays at the mean; the
    // same net without a predictor starts from pure noise at T and lands far from it.
    const dist = (a: Float32Array) => Math.sqrt(a.reduce((s, v, i) => s + (v - mean![i]) ** 2, 0) / a.length);
    const free = await sampleSuperResolution(plain, lo, 16, { aug: 0, steps: 5, seed: 4 });
    expect(dist(out)).toBeLessThan(0.1);
    expect(dist(free)).toBeGreaterThan(3 * dist(out));
    // Reproducible per seed; another seed draws another start.
    expect(await sampleSuperResolution(model, lo, 16, { aug: 0, steps: 5, seed: 4 })).toEqual(out);
    expect(await sampleSuperResolution(model, lo, 16, { aug: 0, steps: 5, seed: 5 })).not.toEqual(out);
  });

  it('refuses a manifest with half a predictor', () => {
    const sr = manifest.data.details!.sr as Record<string, unknown>;
    const edit = (m: Partial<Manifest>, srEdit: Record<string, unknown>) => ({ ...manifest, ...m, data: { ...manifest.data, details: { ...manifest.data.details, sr: { ...sr, ...srEdit } } } }) as Manifest;
    const { predictorWeights: _p, ...noPredictor } = manifest;
    expect(() => srModelFrom(noPredictor as Manifest, model.unet, model.weights)).toThrow(/refineFrom is set, but the manifest has no predictorWeights/);
    expect(() => srModelFrom(edit({}, { refineFrom: undefined }), model.unet, model.weights)).toThrow(/refineFrom must be a whole step/);
    expect(() => srModelFrom(edit({}, { refineFrom: 1001 }), model.unet, model.weights)).toThrow(/refineFrom must be a whole step in \[1, 1000\]/);
    const missing = Object.fromEntries(Object.entries(model.weights).filter(([k]) => k !== `${PREDICTOR_PREFIX}out.conv.w`));
    expect(() => srModelFrom(manifest, model.unet, missing)).toThrow(/predictor's weight out\.conv\.w is not loaded/);
  });
});
