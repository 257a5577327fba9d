import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { makeRng } from '../../../src/lib/math/rng';
import { countParams, flopsTable } from '../../../src/lib/models/count';
import { loadModel, MANIFEST_VERSION, parseManifest, type Manifest } from '../../../src/lib/models/manifest';
import { buildUNet } from '../../../src/lib/models/unet';
import { encodeWeights, weightsToTensors } from '../../../src/lib/models/weights';

const unet = buildUNet({ baseChannels: 8, channelMults: [1, 2], groups: 4, timeFeatures: 16, classes: 2, extraScalar: true });

/** Random weights including the final conv (init zeroes it), as arrays. */
function trainedLike(seed: number): Map<string, Float32Array> {
  const values = unet.init(makeRng(seed));
  const rng = makeRng(seed + 100);
  const out = values.get('out.conv.w') as Float32Array;
  for (let i = 0; i < out.length; i++) out[i] = 0.2 * rng.normal();
  return values;
}

async function exported(seed: number) {
  const values = trainedLike(seed);
  const enc = await encodeWeights(values, unet.specs);
  const manifest: Manifest = {
    formatVersion: MANIFEST_VERSION,
    name: 'tiny',
    architecture: 'unet',
    config: unet.config,
    weightsFile: 'weights.bin',
    weights: enc.specs,
    weightsSha256: enc.sha256,
    paramCount: countParams(unet.config),
    flops: flopsTable(unet.config, [[16, 16]]),
    data: { description: 'unit-test noise', details: { images: 0 } },
    steps: 0,
    wallTimeSeconds: 0,
    machine: 'vitest, cpu backend',
    lossCurve: [{ step: 0, loss: 1 }],
    evaluation: { fid: 1.5, note: 'none', perClass: { a: [1, 2] } },
    commit: 'abc1234',
    createdAt: new Date(0).toISOString(),
  };
  return { values, enc, manifest, json: JSON.stringify(manifest) };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('manifest and loadModel', () => {
  it('parses what an export writes, field for field', async () => {
    const { manifest, json } = await exported(1);
    expect(parseManifest(json, 'pretrained/tiny/manifest.json')).toEqual(manifest);
  });

  it('export → load gives the same outputs within float16 tolerance', async () => {
    const { values, enc, json } = await exported(2);
    const before = tf.memory().numTensors;
    const original = weightsToTensors(values, unet.specs);
    const loaded = await loadModel(parseManifest(json, 'manifest.json'), enc.bin);
    const rng = makeRng(3);
    const x = tf.tensor4d(Array.from({ length: 2 * 16 * 16 * 3 }, () => rng.normal()), [2, 16, 16, 3]);
    const t = tf.tensor1d([5, 700]);
    const opts = { classes: tf.tensor1d([0, 2], 'int32'), scalar: tf.tensor1d([0, 0.3]) };
    const ya = unet.apply(original, x, t, opts);
    const yb = loaded.unet.apply(loaded.weights, x, t, opts);
    const a = ya.dataSync();
    const b = yb.dataSync();
    const scale = Math.max(...Array.from(a).map(Math.abs));
    const err = Math.max(...Array.from(a).map((v, i) => Math.abs(v - b[i])));
    expect(scale).toBeGreaterThan(0.01);
    expect(err).toBeGreaterThan(0); // weights really went through float16
    expect(err).toBeLessThan(5e-3 * scale);
    tf.dispose([ya, yb, x, t, opts.classes, opts.scalar, ...Object.values(original), ...Object.values(loaded.weights)]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a flipped byte in the weights fails the checksum, naming the file', async () => {
    const { enc, manifest } = await exported(4);
    const bad = enc.bin.slice();
    bad[1234] ^= 0x01;
    await expect(loadModel(manifest, bad)).rejects.toThrow(/pretrained\/tiny\/weights.bin: SHA-256 .* does not match/);
    await expect(loadModel(manifest, bad, 'static/x.bin')).rejects.toThrow(/^static\/x.bin: SHA-256/);
    await expect(loadModel(manifest, enc.bin.subarray(2))).rejects.toThrow(/weights.bin: .* bytes, the manifest describes/);
  });

  it('a missing field is an error naming the file and the field', async () => {
    const { manifest } = await exported(5);
    for (const field of Object.keys(manifest)) {
      const m: Record<string, unknown> = { ...manifest };
      delete m[field];
      expect(() => parseManifest(m, 'pretrained/tiny/manifest.json'), field).toThrow(
        new RegExp(`^pretrained/tiny/manifest.json: field "${field}" is missing`),
      );
    }
  });

  it('wrong values are errors naming the field', async () => {
    const { manifest } = await exported(6);
    const f = 'm.json';
    expect(() => parseManifest('{nope', f)).toThrow(/^m.json: not valid JSON/);
    expect(() => parseManifest({ ...manifest, steps: -1 }, f)).toThrow(/field "steps"/);
    expect(() => parseManifest({ ...manifest, paramCount: 12 }, f)).toThrow(/field "paramCount" is 12/);
    expect(() => parseManifest({ ...manifest, weightsSha256: 'ABC' }, f)).toThrow(/field "weightsSha256"/);
    expect(() => parseManifest({ ...manifest, config: { ...manifest.config, groups: 3 } }, f)).toThrow(/field "config": UNetConfig.groups/);
    expect(() => parseManifest({ ...manifest, weights: manifest.weights.slice(1) }, f)).toThrow(/field "weights" lists/);
    const swapped = [...manifest.weights];
    [swapped[0], swapped[2]] = [swapped[2], swapped[0]];
    expect(() => parseManifest({ ...manifest, weights: swapped }, f)).toThrow(/field "weights\[0\]" is time.dense1.w/);
    expect(() => parseManifest({ ...manifest, lossCurve: [{ step: 1 }] }, f)).toThrow(/field "lossCurve\[0\].loss"/);
    expect(() => parseManifest({ ...manifest, createdAt: 'yesterday' }, f)).toThrow(/field "createdAt"/);
    expect(() => parseManifest({ ...manifest, formatVersion: 2 }, f)).toThrow(/formatVersion 2/);
    expect(() => parseManifest({ ...manifest, predictorWeights: manifest.weights.slice(1) }, f)).toThrow(/field "predictorWeights" lists/);
    expect(() => parseManifest({ ...manifest, predictorWeights: {} }, f)).toThrow(/field "predictorWeights" must be an array/);
    expect(() => parseManifest({ ...manifest, weights: [{ ...manifest.weights[0], encoding: 'int4' }, ...manifest.weights.slice(1)] }, f)).toThrow(/field "weights\[0\].encoding" must be "int8"/);
  });

  it('a predictor in the same file loads as predictor/<name>, and the file size counts both nets', async () => {
    const [a, b] = [trainedLike(7), trainedLike(8)];
    const both = new Map([...a, ...[...b].map(([k, v]) => [`predictor/${k}`, v] as const)]);
    const enc = await encodeWeights(both, [...unet.specs, ...unet.specs.map((s) => ({ ...s, name: `predictor/${s.name}` }))], { int8From: 64 });
    const { manifest } = await exported(6);
    const two: Manifest = {
      ...manifest,
      weights: enc.specs.slice(0, unet.specs.length),
      predictorWeights: enc.specs.slice(unet.specs.length).map((s) => ({ ...s, name: s.name.slice('predictor/'.length) })),
      weightsSha256: enc.sha256,
    };
    const back = parseManifest(JSON.parse(JSON.stringify(two)), 'two.json');
    expect(back.predictorWeights?.[0].name).toBe(unet.specs[0].name);
    const loaded = await loadModel(back, enc.bin, 'two.bin');
    try {
      expect(Object.keys(loaded.weights)).toHaveLength(2 * unet.specs.length);
      const w = 'out.conv.w';
      const step = Math.max(...b.get(w)!.map(Math.abs)) / 127;
      const got = loaded.weights[`predictor/${w}`].dataSync();
      b.get(w)!.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThanOrEqual(step));
      await expect(loadModel(back, enc.bin.subarray(0, enc.bin.length - 2), 'two.bin')).rejects.toThrow(/two.bin: \d+ bytes, the manifest describes \d+/);
    } finally {
      tf.dispose(Object.values(loaded.weights));
    }
  });
});
