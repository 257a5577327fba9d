import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { makeRng } from '../../../src/lib/math/rng';
import { sha256Sync } from '../../../src/lib/models/sha256';
import { buildUNet } from '../../../src/lib/models/unet';
import { decodeWeights, encodeWeights, weightsToTensors } from '../../../src/lib/models/weights';

const unet = buildUNet({ baseChannels: 8, channelMults: [1, 2], groups: 4, timeFeatures: 16, classes: 2 });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('weights file', () => {
  it('lays tensors out as float16 in spec order with byte offsets, and hashes the bytes', async () => {
    const values = unet.init(makeRng(1));
    const enc = await encodeWeights(values, unet.specs);
    const total = unet.specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
    expect(enc.bin.byteLength).toBe(2 * total);
    expect(enc.specs.map((s) => s.name)).toEqual(unet.specs.map((s) => s.name));
    expect(enc.specs[0].offset).toBe(0);
    for (let i = 1; i < enc.specs.length; i++) {
      const prev = enc.specs[i - 1];
      expect(enc.specs[i].offset).toBe(prev.offset + 2 * prev.shape.reduce((a, b) => a * b, 1));
    }
    expect(enc.sha256).toBe(sha256Sync(enc.bin));
  });

  it('decode(encode(w)) equals w to float16 precision (relative error ≤ 2^-11 above 2^-14)', async () => {
    const values = unet.init(makeRng(2));
    const enc = await encodeWeights(values, unet.specs);
    const back = decodeWeights(enc.bin, enc.specs);
    for (const s of unet.specs) {
      const a = values.get(s.name) as Float32Array;
      const b = back.get(s.name) as Float32Array;
      expect(b.length).toBe(a.length);
      for (let i = 0; i < a.length; i++) {
        const tol = Math.max(Math.abs(a[i]) * 2 ** -11, 2 ** -25);
        if (Math.abs(a[i] - b[i]) > tol) throw new Error(`${s.name}[${i}]: ${a[i]} → ${b[i]}`);
      }
    }
  });

  it('encodes tensors too, and refuses missing, unknown or mis-sized weights', async () => {
    const values = unet.init(makeRng(3));
    const tensors = weightsToTensors(values, unet.specs);
    const fromTensors = await encodeWeights(tensors, unet.specs);
    const fromArrays = await encodeWeights(values, unet.specs);
    expect(fromTensors.sha256).toBe(fromArrays.sha256);
    tf.dispose(Object.values(tensors));
    const missing = new Map(values);
    missing.delete('in.conv.b');
    await expect(encodeWeights(missing, unet.specs)).rejects.toThrow(/"in.conv.b" is missing/);
    await expect(encodeWeights(new Map([...values, ['stray.w', new Float32Array(1)]]), unet.specs)).rejects.toThrow(/"stray.w" is not in the specs/);
    await expect(encodeWeights(new Map([...values, ['in.conv.b', new Float32Array(3)]]), unet.specs)).rejects.toThrow(/"in.conv.b" has 3 values/);
  });

  it('refuses a truncated file, naming it', async () => {
    const enc = await encodeWeights(unet.init(makeRng(4)), unet.specs);
    expect(() => decodeWeights(enc.bin.subarray(0, enc.bin.length - 2), enc.specs, 'tiny/weights.bin')).toThrow(/tiny\/weights.bin: weight "out.conv.b"/);
  });
});
