import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { makeRng } from '../../../src/lib/math/rng';
import { sha256Sync } from '../../../src/lib/models/sha256';
import { buildUNet } from '../../../src/lib/models/unet';
import { decodeWeights, encodeWeights, storedBytes, weightsToTensors } from '../../../src/lib/models/weights';

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
  it('stores large tensors as int8 with a float16 scale per output channel, each value within half a step', async () => {
    const values = unet.init(makeRng(5));
    // A channel of zeros and one with an outlier: the scale is per channel, so neither spoils the others.
    const conv = values.get('in.conv.w') as Float32Array;
    const cout = unet.specs.find((s) => s.name === 'in.conv.w')!.shape.at(-1)!;
    for (let i = 0; i < conv.length; i += cout) conv[i] = 0;
    conv[1] = 3;
    const enc = await encodeWeights(values, unet.specs, { int8From: 64 });
    const back = decodeWeights(enc.bin, enc.specs);
    const f16 = await encodeWeights(values, unet.specs);
    expect(enc.bin.byteLength).toBeLessThan(0.6 * f16.bin.byteLength);
    expect(enc.bin.byteLength).toBe(enc.specs.reduce((n, s) => n + storedBytes(s), 0));
    for (const s of enc.specs) {
      const a = values.get(s.name) as Float32Array;
      const b = back.get(s.name) as Float32Array;
      const n = a.length;
      expect(s.encoding).toBe(n >= 64 ? 'int8' : undefined);
      expect(s.offset % 2).toBe(0);
      const c = s.shape.at(-1)!;
      for (let i = 0; i < n; i++) {
        let max = 0;
        for (let j = i % c; j < n; j += c) max = Math.max(max, Math.abs(a[j]));
        // Half a grid step of this channel (max/127), plus float16 rounding of the scale itself.
        const tol = s.encoding ? (max / 127) * 0.5 + max * 2 ** -10 : Math.max(Math.abs(a[i]) * 2 ** -11, 2 ** -25);
        if (Math.abs(a[i] - b[i]) > tol) throw new Error(`${s.name}[${i}]: ${a[i]} → ${b[i]} (tol ${tol})`);
      }
    }
    const conv8 = back.get('in.conv.w') as Float32Array;
    for (let i = 0; i < conv8.length; i += cout) expect(conv8[i]).toBe(0);
    expect(conv8[1]).toBeCloseTo(3, 2);
  });

  it('says which int8 weight runs past the end of a cut file', async () => {
    const enc = await encodeWeights(unet.init(makeRng(6)), unet.specs, { int8From: 64 });
    const last = enc.specs.filter((s) => s.encoding === 'int8').at(-1)!;
    expect(() => decodeWeights(enc.bin.subarray(0, last.offset + storedBytes(last) - 1), enc.specs, 'q.bin')).toThrow(new RegExp(`q.bin: weight "${last.name.replace(/\./g, '\\.')}" .* int8\\) lies outside`));
  });
});
