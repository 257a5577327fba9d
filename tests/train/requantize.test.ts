// train/requantize.ts on a tiny U-Net: the large tensors go int8 (the file shrinks), every weight moves by
// at most half an int8 step of its channel, the result loads back with a matching checksum, the float16
// evaluation is kept aside while a replaced model's record stays where tests look, and a file that is int8
// already is refused.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { makeRng } from '../../src/lib/math/rng';
import { countParams, flopsTable } from '../../src/lib/models/count';
import { loadModel, MANIFEST_VERSION, type Manifest } from '../../src/lib/models/manifest';
import { buildUNet } from '../../src/lib/models/unet';
import { decodeWeights, encodeWeights, sizeOf } from '../../src/lib/models/weights';
import { requantize } from '../../train/requantize';

const unet = buildUNet({ baseChannels: 8, channelMults: [1, 2], groups: 4, timeFeatures: 16, classes: 2 });

async function float16Model(): Promise<{ manifest: Manifest; bin: Uint8Array }> {
  const enc = await encodeWeights(unet.init(makeRng(3)), unet.specs);
  const manifest: Manifest = {
    formatVersion: MANIFEST_VERSION, name: 'tiny', architecture: 'unet', config: unet.config, weightsFile: 'weights.bin',
    weights: enc.specs, weightsSha256: enc.sha256, paramCount: countParams(unet.config), flops: flopsTable(unet.config, [[16, 16]]),
    data: { description: 'unit test' }, steps: 0, wallTimeSeconds: 0, machine: 'vitest', lossCurve: [],
    evaluation: { heldOutLoss: 0.5, previousModel: { weightsSha256: 'ab'.repeat(32) } }, commit: 'abc', createdAt: new Date(0).toISOString(),
  };
  return { manifest, bin: enc.bin };
}

describe('requantize', () => {
  it('stores the large tensors int8 within half a step of each channel, loads back, and keeps the evaluations apart', async () => {
    await tf.setBackend('cpu');
    const { manifest, bin } = await float16Model();
    const r = await requantize(manifest, bin, 256);
    const big = manifest.weights.filter((w) => sizeOf(w.shape) >= 256);
    expect(big.length).toBeGreaterThan(3);
    expect(r.manifest.weights.filter((w) => w.encoding === 'int8').map((w) => w.name)).toEqual(big.map((w) => w.name));
    expect(r.bin.byteLength).toBeLessThan(bin.byteLength * 0.6);

    const before = decodeWeights(bin, manifest.weights);
    const after = decodeWeights(r.bin, r.manifest.weights);
    for (const w of big) {
      const v = before.get(w.name)!;
      const q = after.get(w.name)!;
      const channels = w.shape[w.shape.length - 1];
      for (let c = 0; c < channels; c++) {
        let max = 0;
        for (let i = c; i < v.length; i += channels) max = Math.max(max, Math.abs(v[i]));
        // Half a step (max/127/2), plus the float16 rounding of the stored scale.
        for (let i = c; i < v.length; i += channels) expect(Math.abs(q[i] - v[i])).toBeLessThanOrEqual((max / 127) * 0.502 + 1e-7);
      }
    }
    expect(r.maxAbsChange).toBeGreaterThan(0);

    const loaded = await loadModel(r.manifest, r.bin); // checks the new SHA-256 against the bytes
    tf.dispose(Object.values(loaded.weights));
    const e = r.manifest.evaluation as { float16Model: { weightsSha256: string; evaluation: Record<string, unknown> }; previousModel: unknown };
    expect(e.float16Model.weightsSha256).toBe(manifest.weightsSha256);
    expect(e.float16Model.evaluation).toEqual({ heldOutLoss: 0.5 });
    expect(e.previousModel).toEqual({ weightsSha256: 'ab'.repeat(32) });
    await expect(requantize(r.manifest, r.bin)).rejects.toThrow(/int8 already/);
  });
});
