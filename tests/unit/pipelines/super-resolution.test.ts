// A super-resolution stage: it reads the manifest train/export.ts writes, conditions the net exactly as
// training does (train/sr-data.ts, train/sr-objective.ts), samples reproducibly per seed, leaves no
// tensors, and its peak tensor memory grows with the pixel count only, bounded at 1024² for sr-1024.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSchedule } from '../../../src/lib/diffusion/schedule';
import { makeRng } from '../../../src/lib/math/rng';
import type { Manifest } from '../../../src/lib/models/manifest';
import { buildUNet } from '../../../src/lib/models/unet';
import { weightsToTensors } from '../../../src/lib/models/weights';
import { PipelineError } from '../../../src/lib/pipelines/base';
import { preconditioning } from '../../../src/lib/diffusion/precondition';
import { augAlphaBar, sampleSuperResolution, srConditioning, srDenoiser, srModelFrom, srSigmaData, type SrModel } from '../../../src/lib/pipelines/super-resolution';
import sr1024 from '../../../train/configs/sr-1024';
import { conditioning, renderSrExamples, spaceToDepth } from '../../../train/sr-data';
import { srEvalLoss, srInputs, srStepNoise } from '../../../train/sr-objective';
import * as trainAug from '../../../train/sr-objective';
import { exportedModel, randomWeights, tinySrConfig } from './cascade-models';

const config = tinySrConfig(64);
let manifest: Manifest;
let model: SrModel;
const random = (n: number, seed: number) => {
  const rng = makeRng(seed);
  return Float32Array.from({ length: n }, () => Math.tanh(rng.normal()));
};
const lo = random(16 * 16 * 3, 3);

beforeAll(async () => {
  await tf.setBackend('cpu');
  const loaded = await exportedModel('sr-test', config, 11);
  manifest = loaded.manifest;
  model = srModelFrom(manifest, loaded.unet, loaded.weights);
});
afterAll(() => tf.dispose(Object.values(model.weights)));

describe('super-resolution stage', () => {
  it('reads factor, block, augMax and fullSize from the manifest that train/export.ts writes', () => {
    // residualPcaCrops and the training schedules (aug-zero share, σ_d² weighting, low-noise t) are training-only:
    // not read at sampling.
    // predictor / refineFrom name a packed predictor, recorded only with one (sr-predictor.test.ts).
    const { residualPcaCrops, augZeroShare, augZeroFrom, varianceWeightFrom, lowNoiseShare, lowNoiseFrom, predictor, refineFrom, ...settings } = config.sr!;
    expect([predictor, refineFrom, model.predictor]).toEqual(['sr-256-predictor', 100, undefined]);
    expect([augZeroShare, augZeroFrom, varianceWeightFrom, lowNoiseShare, lowNoiseFrom].every((v) => v !== undefined)).toBe(true);
    expect(residualPcaCrops).toBe(64); // measured at export into residualStds / residualBasis
    const { residualStds, residualBasis, residualGains } = model.sr;
    expect(model.sr).toEqual({ ...settings, augResidualGain: 0, residualStds, residualBasis, residualGains });
    expect(model.schedule.name).toBe(config.schedule);
    expect(model.prediction).toBe(config.prediction);
  });

  it('refuses a manifest without SR settings, or with settings its net cannot take, naming the field', () => {
    const details = manifest.data.details!;
    const without = { ...manifest, data: { ...manifest.data, details: { ...details, sr: undefined } } } as unknown as Manifest;
    expect(() => srModelFrom(without, model.unet, model.weights)).toThrow(/details\.sr is missing/);
    const wrongK = { ...manifest, data: { ...manifest.data, details: { ...details, sr: { ...config.sr!, spaceToDepth: 2 } } } };
    expect(() => srModelFrom(wrongK as Manifest, model.unet, model.weights)).toThrow(/spaceToDepth 2 needs/);
    const badAug = { ...manifest, data: { ...manifest.data, details: { ...details, sr: { ...config.sr!, augMax: 2 } } } };
    expect(() => srModelFrom(badAug as Manifest, model.unet, model.weights)).toThrow(PipelineError);
  });

  it('reads the preconditioning (residual std devs, basis and aug gains per component) and refuses it beside extraResidual or out of range', () => {
    expect(model.sr.residualStd).toBe(config.sr!.residualStd);
    const details = manifest.data.details!;
    const withSr = (sr: object) => ({ ...manifest, data: { ...manifest.data, details: { ...details, sr: { ...(details.sr as object), ...sr } } } }) as Manifest;
    expect(() => srModelFrom(withSr({ residualStd: 0 }), model.unet, model.weights)).toThrow(/residualStd must be/);
    expect(() => srModelFrom(withSr({ augResidualGain: -1 }), model.unet, model.weights)).toThrow(/augResidualGain must be/);
    expect(() => srModelFrom(withSr({ residualStds: [0.1] }), model.unet, model.weights)).toThrow(/residualStds must be 48 numbers/);
    expect(() => srModelFrom(withSr({ residualGains: model.sr.residualGains!.map(() => -1) }), model.unet, model.weights)).toThrow(/residualGains must be/);
    const skew = [...model.sr.residualBasis!];
    skew[0] += 0.01;
    expect(() => srModelFrom(withSr({ residualBasis: skew }), model.unet, model.weights)).toThrow(/not orthonormal/);
    const twice = { ...model.unet, config: { ...model.unet.config, extraResidual: true } };
    expect(() => srModelFrom(manifest, twice, model.weights)).toThrow(/add the upsample twice/);
    // σ_d grows with the aug noise, as the configs measured: √(σ_r² + 0.7·(1 − ᾱ_a)).
    const stds = model.sr.residualStds!;
    expect(stds.length).toBe(48);
    expect(srSigmaData(model.sr, 1)).toEqual(stds);
    const gains = model.sr.residualGains!;
    expect(gains.length).toBe(48);
    (srSigmaData(model.sr, 0.5) as number[]).forEach((s, k) => expect(s).toBeCloseTo(Math.sqrt(stds[k] ** 2 + 0.5 * gains[k]), 12));
    // The aug noise is bicubic-upsampled, so it worsens the smooth (strong) components far more than the fine ones.
    expect(Math.max(...gains.slice(0, 24))).toBeGreaterThan(20 * Math.max(...gains.slice(-8)));
    expect(srSigmaData({ residualStd: 0.1, augResidualGain: 0.7 }, 0.5)).toBeCloseTo(Math.sqrt(0.01 + 0.35), 12);
  });

  it('samples with the very function training fits: srEvalLoss = mean ‖x̂₀ − x₀‖²/c_out² of srDenoiser’s x̂₀', () => {
    const schedule = model.schedule;
    const batch = renderSrExamples(config, 'train', 0, 3);
    const noise = srStepNoise(config, 0, batch);
    const inp = srInputs(config, batch, noise, schedule);
    const loss = srEvalLoss(model.unet, model.weights, batch, noise, config, schedule);
    const per = inp.grid * inp.grid * inp.channels;
    const shape: [number, number, number, number] = [1, inp.grid, inp.grid, inp.channels];
    const before = tf.memory().numTensors;
    let sum = 0;
    noise.t.forEach((t, i) => {
      const part = (a: Float32Array) => a.slice(i * per, (i + 1) * per);
      const ab = schedule.alphaBar[t], augAb = augAlphaBar(schedule, noise.augLevels[i]);
      const x0 = part(inp.x0), eps = part(inp.eps);
      const xt = tf.tensor4d(x0.map((v, j) => Math.sqrt(ab) * v + Math.sqrt(1 - ab) * eps[j]), shape);
      const cond = tf.tensor4d(part(inp.extra), shape), level = tf.tensor1d([noise.augLevels[i]]);
      const x0hat = tf.tidy(() => srDenoiser(model, cond, level, augAb)(xt, t).dataSync() as Float32Array);
      // The error in principal components (x̂₀ − x₀)·V, each weighted by its own 1/c_out².
      const sds = srSigmaData(model.sr, augAb) as number[], V = model.sr.residualBasis!, c = inp.channels;
      for (let p = 0; p < per; p += c)
        for (let k = 0; k < c; k++) {
          let e = 0;
          for (let r = 0; r < c; r++) e += (x0hat[p + r] - x0[p + r]) * V[r * c + k];
          sum += (e / preconditioning(ab, sds[k]).cOut) ** 2 / per;
        }
      tf.dispose([xt, cond, level]);
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(sum / noise.t.length).toBeCloseTo(loss, 3);
  });

  it('maps aug levels to ᾱ as training does, and conditions exactly as train/sr-data.ts at levels 0 and 0.3', () => {
    const schedule = makeSchedule('cosine', { T: 1000 });
    for (const a of [0, 0.1, 0.3, 0.5, 1]) expect(augAlphaBar(schedule, a)).toBe(trainAug.augAlphaBar(schedule, a));
    expect(() => augAlphaBar(schedule, 1.5)).toThrow(/\[0, 1\]/);
    const eps = random(lo.length, 4);
    for (const a of [0, 0.3]) {
      const ab = augAlphaBar(schedule, a);
      const ours = srConditioning(lo, eps, ab, 16, config.sr!);
      expect(ours).toEqual(spaceToDepth(conditioning(lo, eps, [ab], 16, 4), 1, 64, 3, 4));
    }
  });

  it('makes a [64, 64, 3] image in [−1, 1], the same for the same seed, another for another seed or aug level; no tensor leaks', async () => {
    const before = tf.memory().numTensors;
    const run = (seed: number, aug: number) => sampleSuperResolution(model, lo, 16, { aug, steps: 3, seed });
    const [a, b, c, d] = [await run(1, 0), await run(1, 0), await run(2, 0), await run(1, 0.3)];
    expect(a.length).toBe(64 * 64 * 3);
    expect(a.every((v) => v >= -1 && v <= 1)).toBe(true);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).not.toEqual(d);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads its low-res input: another input gives another output with the same seed', async () => {
    const other = lo.map((v) => -v);
    const [a, b] = [await sampleSuperResolution(model, lo, 16, { aug: 0, steps: 2, seed: 5 }), await sampleSuperResolution(model, other, 16, { aug: 0, steps: 2, seed: 5 })];
    expect(a).not.toEqual(b);
  });

  it('refuses an input whose size the net cannot take, before making any tensor', async () => {
    const before = tf.memory().numTensors;
    await expect(sampleSuperResolution(model, new Float32Array(9 * 9 * 3), 9, { aug: 0, steps: 1, seed: 1 })).rejects.toThrow(/divisible by 2/);
    await expect(sampleSuperResolution(model, lo, 15, { aug: 0, steps: 1, seed: 1 })).rejects.toThrow(/15×15×3/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs sr-1024 with peak tensor bytes linear in the pixel count: under 256 MiB at 1024², extrapolated from 64² and 128²', async () => {
    // The U-Net frees each block's activations (models/unet.ts), so every live tensor is one image-sized
    // map: peak = a + b·pixels. Measured at two small sizes, checked at a third, extrapolated to 1024².
    const unet = buildUNet(sr1024.model);
    const weights = weightsToTensors(randomWeights(sr1024, 21), unet.specs);
    const big: SrModel = { ...model, unet, weights, sr: { ...sr1024.sr! } };
    try {
      const peak = async (out: number): Promise<number> => {
        const start = tf.memory().numBytes;
        const low = out / 4;
        const p = await tf.profile(async () => void (await sampleSuperResolution(big, random(low * low * 3, 7), low, { aug: 0.1, steps: 1, seed: 1 })));
        return p.peakBytes - start;
      };
      const [p64, p96, p128] = [await peak(64), await peak(96), await peak(128)];
      const perPixel = (p128 - p64) / (128 ** 2 - 64 ** 2);
      const at = (s: number) => p64 + perPixel * (s * s - 64 * 64);
      expect(Math.abs(p96 - at(96)) / p96).toBeLessThan(0.02);
      console.log(`sr-1024 peak tensor bytes: ${(perPixel).toFixed(1)} B/pixel, ${(at(1024) / 2 ** 20).toFixed(1)} MiB at 1024² (measured ${p64}, ${p96}, ${p128} B at 64², 96², 128²)`);
      expect(at(1024)).toBeLessThan(256 * 2 ** 20);
    } finally {
      tf.dispose(Object.values(weights));
    }
  });
});
