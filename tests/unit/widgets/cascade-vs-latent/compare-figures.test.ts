// Lesson 6's timeline figures (compare-figures.ts): each stage's calls and the FLOPs row of the grid its network
// works on, parameters (an SR stage runs two nets), per-pipeline sums and the peak (weights + the largest stage),
// the speed-up, and the shipped manifests read without a figure typed in.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allStages, formatBytes, formatFlops, speedUp, stageFacts, stageFlops, summarise } from '../../../../src/lib/widgets/cascade-vs-latent/compare-figures';
import { SR_STEPS } from '../../../../src/lib/widgets/cascade-vs-latent/compare-settings';

const sr = { paramCount: 100, flops: [{ height: 32, flopsPerImage: 1 }, { height: 256, flopsPerImage: 50 }], predictorWeights: [], data: { details: { sr: { spaceToDepth: 4, refineFrom: 3 } } } };

describe('stageFacts', () => {
  it('an SR stage with a predictor: one mean pass plus its steps from t₀ down, at the grid side/spaceToDepth, two nets', () => {
    expect(stageFacts('sr-1024', sr, 5)).toEqual({ model: 'sr-1024', pipeline: 'cascade', calls: 4, flopsPerCall: 50, params: 200, nets: 2 });
    expect(stageFacts('sr-1024', sr, 2).calls).toBe(3);
  });

  it('a base or latent U-Net calls once a step; the decoder once, with its own parameters only', () => {
    expect(stageFacts('base-64', { paramCount: 7, flops: [{ height: 64, flopsPerImage: 9 }] }, 20)).toMatchObject({ pipeline: 'cascade', calls: 20, flopsPerCall: 9, params: 7 });
    expect(stageFacts('latent-64', { paramCount: 7, flops: [{ height: 64, flopsPerImage: 9 }] }, 20).pipeline).toBe('latent');
    expect(stageFacts('vae', { paramCount: { encoder: 5, decoder: 6 }, flops: [{ height: 256, decoder: 1 }, { height: 1024, decoder: 16 }] }, 1)).toMatchObject({ calls: 1, flopsPerCall: 16, params: 6 });
  });

  it('figures a manifest lacks are null, not guessed', () => {
    expect(stageFacts('sr-256', undefined, 10)).toMatchObject({ calls: 10, flopsPerCall: null, params: null });
    expect(stageFlops(stageFacts('sr-256', undefined, 10))).toBeNull();
  });
});

describe('summarise and speedUp', () => {
  const stages = [
    stageFacts('base-64', { paramCount: 10, flops: [{ height: 64, flopsPerImage: 2 }] }, 3),
    stageFacts('latent-64', { paramCount: 20, flops: [{ height: 64, flopsPerImage: 2 }] }, 3),
    stageFacts('vae', { paramCount: { encoder: 1, decoder: 5 }, flops: [{ height: 1024, decoder: 30 }] }, 1),
  ];

  it('sums time, FLOPs and parameters; the peak is the weights as float32 plus the largest stage', () => {
    const [c, l] = summarise(stages, { 'base-64': { ms: 100, peakBytes: 7 }, 'latent-64': { ms: 40, peakBytes: 3 }, vae: { ms: 60, peakBytes: 50 } });
    expect(c).toEqual({ pipeline: 'cascade', ms: 100, flops: 6, params: 10, weightBytes: 40, peakBytes: 47 });
    expect(l).toEqual({ pipeline: 'latent', ms: 100, flops: 36, params: 25, weightBytes: 100, peakBytes: 150 });
  });

  it('a pipeline with a stage not yet measured has no total, and no ratio', () => {
    const sums = summarise(stages, { 'base-64': { ms: 100, peakBytes: null }, 'latent-64': { ms: 40, peakBytes: 3 } });
    expect(sums[1].ms).toBeNull();
    expect(sums[0].peakBytes).toBeNull();
    expect(speedUp(sums)).toBeNull();
    expect(speedUp(summarise(stages, { 'base-64': { ms: 300, peakBytes: 1 }, 'latent-64': { ms: 40, peakBytes: 1 }, vae: { ms: 60, peakBytes: 1 } }))).toBe(3);
  });
});

describe('the shipped manifests', () => {
  const read = (m: string) => (existsSync(`pretrained/${m}/manifest.json`) ? JSON.parse(readFileSync(`pretrained/${m}/manifest.json`, 'utf8')) : undefined);
  const manifests = { 'base-64': read('base-64'), 'sr-256': read('sr-256'), 'sr-1024': read('sr-1024'), vae: read('vae') };

  it('give every cascade stage and the decoder its arithmetic, from the rows the models were counted at', () => {
    const stages = allStages(manifests, 20);
    const by = Object.fromEntries(stages.map((s) => [s.model, s]));
    expect(by['base-64'].flopsPerCall).toBe(manifests['base-64'].flops.find((r: { height: number }) => r.height === 64).flopsPerImage);
    expect(by['sr-1024'].flopsPerCall).toBe(manifests['sr-1024'].flops.find((r: { height: number }) => r.height === 1024 / manifests['sr-1024'].data.details.sr.spaceToDepth).flopsPerImage);
    expect(by['sr-256'].calls).toBe(SR_STEPS[0] + 1);
    expect(by.vae.flopsPerCall).toBe(manifests.vae.flops.find((r: { height: number }) => r.height === 1024).decoder);
    // The lesson's claim in numbers: one 1024² decode costs less than the cascade's last stage.
    expect(stageFlops(by.vae)!).toBeLessThan(stageFlops(by['sr-1024'])!);
  });
});

describe('formats', () => {
  it('write bytes and FLOPs with a prefix in the reader’s notation', () => {
    expect(formatBytes(906_374, 'en-US')).toBe('906 kB');
    expect(formatBytes(1_921_408, 'en-US')).toBe('1.9 MB');
    expect(formatBytes(214_000_000, 'vi-VN')).toBe('214 MB');
    expect(formatFlops(928_645_120, 'en-US')).toBe('929 MFLOP');
    expect(formatFlops(11_324_792_832, 'vi-VN')).toBe('11,3 GFLOP');
    expect(formatFlops(1.96e14, 'en-US')).toBe('196 TFLOP');
  });
});
