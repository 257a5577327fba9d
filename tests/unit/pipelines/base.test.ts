// The base pipeline: a manifest tells how to sample its model, a bad one is refused by field, and a
// seeded sample is reproducible and leaves no tensors behind.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../../src/lib/models/manifest';
import { makeRng } from '../../../src/lib/math/rng';
import { buildUNet } from '../../../src/lib/models/unet';
import { weightsToTensors } from '../../../src/lib/models/weights';
import { baseModelFrom, guidedDenoiser, PipelineError, sampleBase, type BaseModel } from '../../../src/lib/pipelines/base';
import tiny from '../../../train/configs/tiny';

const unet = buildUNet(tiny.model);
const details = { schedule: 'cosine', T: 1000, resolution: tiny.resolution, prediction: 'v' };
const manifest = (d: Record<string, unknown>) => ({ name: 'tiny', data: { description: '', details: d } }) as unknown as Manifest;
let model: BaseModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const values = unet.init(makeRng(5));
  const out = values.get('out.conv.w') as Float32Array; // init zeroes it; a random one makes outputs differ
  const rng = makeRng(6);
  for (let i = 0; i < out.length; i++) out[i] = 0.1 * rng.normal();
  model = baseModelFrom(manifest(details), unet, weightsToTensors(values, unet.specs));
});
afterAll(() => tf.dispose(Object.values(model.weights)));

describe('base pipeline', () => {
  it('reads schedule, T, resolution and prediction from the manifest', () => {
    expect(model.schedule.name).toBe('cosine');
    expect(model.schedule.T).toBe(1000);
    expect(model.resolution).toBe(tiny.resolution);
    expect(model.prediction).toBe('v');
  });

  it('refuses a manifest without a usable schedule or prediction, naming the field', () => {
    expect(() => baseModelFrom(manifest({ ...details, schedule: 'wiggly' }), unet, model.weights)).toThrow(/details\.schedule/);
    expect(() => baseModelFrom(manifest({ ...details, prediction: undefined }), unet, model.weights)).toThrow(PipelineError);
  });

  it('refuses a class the model does not have', () => {
    expect(() => guidedDenoiser(model, tiny.model.classes ?? 0, 2)).toThrow(PipelineError);
  });

  it('gives the same image for the same seed, another for another seed, and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const run = async (seed: number) => {
      const x = await sampleBase(model, { classIndex: null, guidance: 1, batch: 1, sampler: 'ddim', steps: 4, eta: 0, seed });
      const values = x.dataSync().slice();
      x.dispose();
      return values;
    };
    const [a, b, c] = [await run(1), await run(1), await run(2)];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(tf.memory().numTensors).toBe(before);
  });
});
