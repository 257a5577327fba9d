// The cascade with tiny random models (16 → 64 → 128, exported through train/export.ts): right sizes,
// the same chain for the same seed, a run with an empty defect equal to the clean run bit for bit, a
// defect that changes the later stages, cancellation, progress with measured times, no tensor leaks.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseModelFrom } from '../../../src/lib/pipelines/base';
import { runCascade, stageSeed, type CascadeModels, type CascadeOptions, type StageOutput, type StageProgress } from '../../../src/lib/pipelines/cascade';
import { emptyBrush, PRESETS } from '../../../src/lib/pipelines/defects';
import { srModelFrom } from '../../../src/lib/pipelines/super-resolution';
import { exportedModel, tinyBaseConfig, tinySrConfig } from './cascade-models';

let models: CascadeModels;
let clean: StageOutput[];
const options: CascadeOptions = { seed: 9, base: { steps: 3, classIndex: 1, guidance: 2 }, sr: [{ steps: 2, aug: 0.1 }, { steps: 2, aug: 0 }] };
const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

beforeAll(async () => {
  await tf.setBackend('cpu');
  const base = await exportedModel('base-test', tinyBaseConfig, 1);
  const [sr1, sr2] = [await exportedModel('sr1-test', tinySrConfig(64), 2), await exportedModel('sr2-test', tinySrConfig(128, 2), 3)];
  models = { base: baseModelFrom(base.manifest, base.unet, base.weights), sr: [srModelFrom(sr1.manifest, sr1.unet, sr1.weights), srModelFrom(sr2.manifest, sr2.unet, sr2.weights)] };
});
beforeAll(async () => {
  clean = await runCascade(models, options);
});
afterAll(() => [models.base, ...models.sr].forEach((m) => tf.dispose(Object.values(m.weights))));

describe('cascade', () => {
  it('makes 16², 64² and 128² images, the same chain for the same seed, a different one for another, and no tensor leaks', async () => {
    const before = tf.memory().numTensors;
    const a = await runCascade(models, options);
    const c = await runCascade(models, { ...options, seed: 10 });
    expect(a.map((s) => s.size)).toEqual([16, 64, 128]);
    a.forEach((s) => expect(s.image.length).toBe(s.size * s.size * 3));
    a.forEach((s, i) => expect(bytes(s.image).equals(bytes(clean[i].image))).toBe(true));
    a.forEach((s, i) => expect(s.image).not.toEqual(c[i].image));
    expect(a.map((s) => s.seed)).toEqual([0, 1, 2].map((i) => stageSeed(9, i)));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('equals the clean run bit for bit with empty defects, and from the clean base image as a start', async () => {
    const empty = await runCascade(models, { ...options, defects: [[], [{ effect: PRESETS.blob.effect, mask: emptyBrush(8) }]] });
    const restarted = await runCascade(models, { ...options, start: clean[0].image });
    for (const run of [empty, restarted]) run.forEach((s, i) => expect(bytes(s.image).equals(bytes(clean[i].image))).toBe(true));
    expect(restarted[0].ms).toBe(0);
  });

  it('feeds the defected image onward: a defect at 16² changes 64² and 128², one at 64² only 128²', async () => {
    const at0 = await runCascade(models, { ...options, start: clean[0].image, defects: [[PRESETS.blob]] });
    expect(at0[0].image).toEqual(clean[0].image);
    expect(at0[0].fed).not.toEqual(clean[0].image);
    expect(at0[1].image).not.toEqual(clean[1].image);
    expect(at0[2].image).not.toEqual(clean[2].image);
    const at1 = await runCascade(models, { ...options, start: clean[0].image, defects: [[], [PRESETS.noise]] });
    expect(bytes(at1[1].image).equals(bytes(clean[1].image))).toBe(true);
    expect(at1[2].image).not.toEqual(clean[2].image);
  });

  it('reports each step of each stage in order with growing times, then the stage with its time', async () => {
    const events: string[] = [];
    const progress: StageProgress[] = [];
    await runCascade(models, {
      ...options,
      preview: true,
      onProgress: (p) => {
        progress.push(p);
        events.push(`${p.stage}:${p.done}/${p.steps}`);
      },
      onStage: (s) => void events.push(`stage ${s.stage} ${s.ms > 0 ? 'timed' : 'untimed'}`),
    });
    expect(events).toEqual(['0:1/3', '0:2/3', '0:3/3', 'stage 0 timed', '1:1/2', '1:2/2', 'stage 1 timed', '2:1/2', '2:2/2', 'stage 2 timed']);
    expect(progress.every((p) => p.x0?.length === p.size * p.size * 3)).toBe(true);
    expect(progress[1].ms).toBeGreaterThanOrEqual(progress[0].ms);
  });

  it('stops when aborted during a super-resolution stage, leaving no tensors, and refuses a chain of wrong sizes', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const stages: number[] = [];
    const run = runCascade(models, {
      ...options,
      signal: controller.signal,
      onStage: (s) => void stages.push(s.stage),
      onProgress: (p) => (p.stage === 1 ? controller.abort(new Error('reader moved the slider')) : undefined),
    });
    await expect(run).rejects.toThrow('reader moved the slider');
    expect(stages).toEqual([0]);
    expect(tf.memory().numTensors).toBe(before);
    await expect(runCascade({ ...models, sr: [models.sr[1]] }, { ...options, sr: [options.sr[0]] })).rejects.toThrow(/64×64, but the previous stage gives 16×16/);
  });
});
