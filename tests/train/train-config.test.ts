import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCENE_KINDS } from '../../src/lib/data';
import { countParams } from '../../src/lib/models/count';
import { adoptFutureSchedule, checkConfig, loadTrainConfig, MODEL_NAMES, overrideConfig, type TrainConfig } from '../../train/train-config';

describe('training configs', () => {
  it('every value in every config file carries a comment saying why', () => {
    for (const name of MODEL_NAMES) {
      const lines = readFileSync(`train/configs/${name}.ts`, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (!/^\s+[A-Za-z0-9]+: .*,\s*(\/\/.*)?$/.test(line)) return; // a `key: value,` line
        const commented = line.includes('//') || /^\s*\/\//.test(lines[i - 1] ?? '');
        expect(commented, `${name}.ts line ${i + 1}: ${line.trim()}`).toBe(true);
      });
    }
  });

  it('both configs pass the checks; base-64 is the shipped four-level net (663,171 params), batch 16, conditioned on the scene kind', async () => {
    for (const name of MODEL_NAMES) checkConfig(await loadTrainConfig(name));
    const base = await loadTrainConfig('base-64');
    const params = countParams(base.model);
    // Issue 19's fourth level at 8² (the three-level net had 453,187); pretrained/base-64's manifest records the same count.
    expect(base.model.channelMults).toEqual([1, 2, 2, 2]);
    expect(params).toBe(663_171);
    expect(base.batch).toBe(16);
    expect(base.resolution).toBe(64);
    expect(base.model.classes).toBe(SCENE_KINDS.length);
    expect(base.condDropout).toBeGreaterThan(0);
  });

  it('an unknown model name is rejected with the closest name', async () => {
    await expect(loadTrainConfig('base64')).rejects.toThrow(/unknown model "base64".*did you mean "base-64"/);
  });

  it('overrides are type-checked, and on resume only run-keeping keys may change', async () => {
    const tiny = await loadTrainConfig('tiny');
    expect(overrideConfig(tiny, { lr: '0.001', 'model.baseChannels': '16' }).model.baseChannels).toBe(16);
    expect(() => overrideConfig(tiny, { btach: '4' })).toThrow(/unknown config key "btach" \(did you mean "batch"\?\)/);
    expect(() => overrideConfig(tiny, { batch: '4.5' })).toThrow(/--batch: "4.5" must be a whole number/);
    expect(() => overrideConfig(tiny, { 'model.groups': '3' })).toThrow(/model config: .*groups/);
    expect(() => overrideConfig(tiny, { lr: '0.1' }, true)).toThrow(/cannot change on --resume/);
    expect(overrideConfig(tiny, { ckptMinutes: '1' }, true).ckptMinutes).toBe(1);
    expect(overrideConfig(tiny, { steps: String(tiny.warmup + 1) }, true).steps).toBe(tiny.warmup + 1);
  });

  it('a resumed SR run adopts each of the file\'s later schedules only if it starts at or after the checkpoint', async () => {
    const file = await loadTrainConfig('sr-256');
    const zeroFrom = file.sr!.augZeroFrom!, weightFrom = file.sr!.varianceWeightFrom!;
    expect(weightFrom).toBeGreaterThan(zeroFrom);
    const old = { ...file, sr: { ...file.sr!, augZeroShare: undefined, augZeroFrom: undefined, varianceWeightFrom: undefined } } as TrainConfig;
    const both = adoptFutureSchedule(old, file, zeroFrom);
    expect([both.sr!.augZeroShare, both.sr!.augZeroFrom, both.sr!.varianceWeightFrom]).toEqual([file.sr!.augZeroShare, zeroFrom, weightFrom]);
    expect(both.lr).toBe(old.lr);
    const late = adoptFutureSchedule(old, file, zeroFrom + 1); // steps from zeroFrom on were taken without the zero share
    expect([late.sr!.augZeroShare, late.sr!.varianceWeightFrom]).toEqual([undefined, weightFrom]);
    expect(adoptFutureSchedule(old, file, weightFrom + 1)).toBe(old);
    expect(adoptFutureSchedule(file, file, zeroFrom)).toBe(file); // nothing to adopt
    expect(() => overrideConfig(file, { 'sr.augZeroFrom': '1.5' })).toThrow(/whole number/);
  });

  it('a resumed SR run adopts the low-noise t share at its start step, and not after it', async () => {
    const file = await loadTrainConfig('sr-256');
    const lowFrom = file.sr!.lowNoiseFrom!;
    expect(file.sr!.lowNoiseShare).toBeGreaterThan(0);
    const old = { ...file, sr: { ...file.sr!, lowNoiseShare: undefined, lowNoiseFrom: undefined } } as TrainConfig;
    const adopted = adoptFutureSchedule(old, file, lowFrom);
    expect([adopted.sr!.lowNoiseShare, adopted.sr!.lowNoiseFrom]).toEqual([file.sr!.lowNoiseShare, lowFrom]);
    expect(adoptFutureSchedule(old, file, lowFrom + 1)).toBe(old);
  });
});
