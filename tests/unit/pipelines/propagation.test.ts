// Propagation figures with tiny random models: finite, exactly zero for an empty defect, positive for a
// preset, the table laid out by level and preset, and the difference map on one scale per pixel.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mse } from '../../../src/lib/data';
import type { JsonValue } from '../../../src/lib/models/manifest';
import { baseModelFrom } from '../../../src/lib/pipelines/base';
import { runCascade, type CascadeModels } from '../../../src/lib/pipelines/cascade';
import { emptyBrush, PRESETS } from '../../../src/lib/pipelines/defects';
import { differenceMap, measurePropagation, propagationTable } from '../../../src/lib/pipelines/propagation';
import { srModelFrom } from '../../../src/lib/pipelines/super-resolution';
import { exportedModel, tinyBaseConfig, tinySrConfig } from './cascade-models';

let models: CascadeModels;
let start: Float32Array;
const steps = [2, 2];

beforeAll(async () => {
  await tf.setBackend('cpu');
  const base = await exportedModel('base-test', tinyBaseConfig, 1);
  const [sr1, sr2] = [await exportedModel('sr1-test', tinySrConfig(64), 2), await exportedModel('sr2-test', tinySrConfig(128, 2), 3)];
  models = { base: baseModelFrom(base.manifest, base.unet, base.weights), sr: [srModelFrom(sr1.manifest, sr1.unet, sr1.weights), srModelFrom(sr2.manifest, sr2.unet, sr2.weights)] };
  start = (await runCascade(models, { seed: 4, base: { steps: 3, classIndex: 2, guidance: 1 }, sr: [] }))[0].image;
});
afterAll(() => [models.base, ...models.sr].forEach((m) => tf.dispose(Object.values(m.weights))));

describe('propagation', () => {
  it('is exactly zero for an empty defect, and finite and positive for a preset, at both later sizes', async () => {
    const sr = steps.map((s) => ({ steps: s, aug: 0.3 }));
    const none = await measurePropagation(models, { seed: 1, start, defects: [{ effect: PRESETS.blob.effect, mask: emptyBrush(16) }], sr });
    expect(none).toEqual({ injected: 0, sizes: [64, 128], energy: [0, 0], ratio: [0, 0] });
    const blob = await measurePropagation(models, { seed: 1, start, defects: [PRESETS.blob], sr });
    expect(blob.injected).toBeGreaterThan(0);
    for (const v of [...blob.energy, ...blob.ratio]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(0);
    }
    expect(blob.ratio[0]).toBeCloseTo(blob.energy[0] / blob.injected, 12);
  });

  it('measures a defect injected after the first SR stage at the last size only', async () => {
    const p = await measurePropagation(models, { seed: 1, start, at: 1, defects: [PRESETS.shift], sr: steps.map((s) => ({ steps: s, aug: 0 })) });
    expect(p.sizes).toEqual([128]);
    expect(p.ratio[0]).toBeGreaterThan(0);
    await expect(measurePropagation(models, { seed: 1, start, at: 2, defects: [], sr: [] })).rejects.toThrow(/no later stage/);
  });

  it('tabulates every preset at every level, reusing one clean chain per level, with figures that match a single measurement', async () => {
    const table = await propagationTable(models, { seed: 1, start, steps, augLevels: [0, 0.5], presets: ['blob', 'blur'] });
    expect(table.rows.map((r) => `${r.preset}@${r.aug}`)).toEqual(['blob@0', 'blur@0', 'blob@0.5', 'blur@0.5']);
    expect(table.sizes).toEqual([64, 128]);
    table.rows.forEach((r) => [r.injected, ...r.energy, ...r.ratio].forEach((v) => expect(Number.isFinite(v) && v > 0).toBe(true)));
    const single = await measurePropagation(models, { seed: 1, start, defects: [PRESETS.blur], sr: steps.map((s) => ({ steps: s, aug: 0.5 })) });
    expect(table.rows[3]).toEqual({ preset: 'blur', aug: 0.5, ...single, sizes: undefined });
    const json: JsonValue = table; // goes into a manifest's evaluation as it is (type-checked)
    expect(JSON.parse(JSON.stringify(json))).toEqual(table);
  });

  it('the difference map holds each pixel’s mean squared channel difference, and its mean is the mse', () => {
    const a = Float32Array.from({ length: 12 }, (_, i) => i / 12);
    const b = a.map((v, i) => (i < 3 ? v + 0.3 : v));
    const map = differenceMap(a, b);
    expect(Array.from(map)).toEqual([expect.closeTo(0.09, 6), 0, 0, 0]);
    expect(map.reduce((s, v) => s + v, 0) / map.length).toBeCloseTo(mse(a, b), 7); // the map is float32
  });
});
