// The SR predictor's training and packing: sr.regression puts every example at t = T with ε = 0 and the pixel
// MSE (train/sr-objective.ts), the config checks keep predictor and denoiser settings apart, and the export
// finds the predictor run the config file names (train/sr-predictor-pack.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveCheckpoint } from '../../train/checkpoint';
import { findPredictor } from '../../train/sr-predictor-pack';
import { srHeldOutBatch } from '../../train/sr-data';
import { srStepNoise } from '../../train/sr-objective';
import { checkConfig, loadTrainConfig, type TrainConfig } from '../../train/train-config';
import { randomState } from '../unit/pipelines/cascade-models';
import { tinySrConfig } from './sr-harness';

const withSr = (c: TrainConfig, sr: Partial<NonNullable<TrainConfig['sr']>>): TrainConfig => ({ ...c, sr: { ...c.sr!, ...sr } });

describe('SR predictor (sr.regression)', () => {
  it('draws every t at T and ε = 0, weighs components by σ_d², and keeps the aug draws of the denoiser', () => {
    const { lowNoiseShare: _s, lowNoiseFrom: _f, predictor: _p, refineFrom: _r, ...sr } = tinySrConfig().sr!;
    const denoiser: TrainConfig = { ...tinySrConfig(), sr: { ...sr, varianceWeightFrom: 1000 } };
    const predictor = withSr(denoiser, { regression: true });
    checkConfig(predictor);
    const batch = srHeldOutBatch(denoiser, 4);
    const d = srStepNoise(denoiser, 7, batch);
    const p = srStepNoise(predictor, 7, batch);
    expect(p.t).toEqual([1000, 1000, 1000, 1000]);
    expect(p.eps.every((v) => v === 0)).toBe(true);
    expect([d.varianceWeighted, p.varianceWeighted]).toEqual([false, true]);
    expect(p.augLevels).toEqual(d.augLevels);
    expect(p.augEps).toEqual(d.augEps);
    expect(d.eps.some((v) => v !== 0)).toBe(true);
  });

  it('checks the predictor settings: regression without low-noise t, predictor with refineFrom on a denoiser', async () => {
    const c = tinySrConfig();
    expect(() => checkConfig(withSr(c, { regression: true }))).toThrow(/sr\.regression.*drop sr\.lowNoiseShare/);
    expect(() => checkConfig(withSr(c, { regression: true, lowNoiseShare: undefined, residualStd: undefined, varianceWeightFrom: undefined }))).toThrow(/sr\.regression.*needs sr\.residualStd/);
    expect(() => checkConfig(withSr(c, { predictor: 'sr-256-predictor', refineFrom: undefined }))).toThrow(/sr\.refineFrom.*both or neither/);
    expect(() => checkConfig(withSr(c, { predictor: 'sr-512-predictor', refineFrom: 100 }))).toThrow(/sr\.predictor.*must name a model config/);
    expect(() => checkConfig(withSr(c, { predictor: 'sr-256-predictor', refineFrom: 0 }))).toThrow(/sr\.refineFrom.*\[1, 1000\]/);
    // The shipped files: each denoiser names its predictor, each predictor is a regression run of the same net.
    for (const stage of ['sr-256', 'sr-1024']) {
      const [den, pre] = [await loadTrainConfig(stage), await loadTrainConfig(`${stage}-predictor`)];
      expect(den.sr?.predictor).toBe(`${stage}-predictor`);
      expect(pre.sr?.regression).toBe(true);
      expect(pre.model).toEqual(den.model);
      expect([pre.seed, pre.resolution, pre.sr?.residualStd]).toEqual([den.seed, den.resolution, den.sr?.residualStd]);
    }
  });

  it('finds the latest checkpoint of the predictor run the file names, and says what is wrong when it cannot', () => {
    const file = withSr(tinySrConfig(), { predictor: 'sr-256-predictor', refineFrom: 50 });
    const dir = mkdtempSync(join(tmpdir(), 'noisebook-predictor-'));
    try {
      expect(findPredictor(withSr(file, { predictor: undefined, refineFrom: undefined }), file.model, dir)).toBeUndefined();
      expect(() => findPredictor(file, file.model, join(dir, 'none'))).toThrow(/sr\.predictor sr-256-predictor: no checkpoint in .*none \(train it first/);
      saveCheckpoint(dir, randomState('sr-256-predictor', file, 3), 2);
      expect(() => findPredictor(file, file.model, dir)).toThrow(/not a predictor run/);
      const other = { ...file.model, baseChannels: 16 };
      saveCheckpoint(dir, { ...randomState('sr-256-predictor', withSr(file, { regression: true }), 3), step: 2 }, 2);
      expect(() => findPredictor(file, other, dir)).toThrow(/the predictor's net differs from the denoiser's/);
      const found = findPredictor(file, file.model, dir)!;
      expect([found.state.step, found.refineFrom]).toEqual([2, 50]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
