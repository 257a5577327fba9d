import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { makeSchedule } from '../../src/lib/diffusion/schedule';
import { loadModel, parseManifest } from '../../src/lib/models/manifest';
import { readCheckpoint } from '../../train/checkpoint';
import { exportModel } from '../../train/export';
import { train } from '../../train/loop';
import { srHeldOutLoss } from '../../train/sr-objective';
import { tempDir, wasmBackend } from './harness';
import { tinySrConfig } from './sr-harness';

describe('super-resolution export', () => {
  it('writes a manifest whose held-out loss is the SR loss with a clean low-res input, and its SR settings', async () => {
    await wasmBackend();
    const config = tinySrConfig({ steps: 3 });
    const run = await train({ model: 'sr-256', config, dir: tempDir('sr-export-run'), progress: null });
    const out = await exportModel(readCheckpoint(run.checkpoint), { pretrainedDir: tempDir('sr-export-out'), machine: 'test machine' });
    const manifest = parseManifest(readFileSync(join(out, 'manifest.json'), 'utf8'), 'manifest.json');
    expect(manifest.data.details?.sr).toMatchObject({ fullSize: 64, spaceToDepth: 2 });
    expect(manifest.data.description).toMatch(/low-res|crops/);
    // FLOPs at the training grid (16 px / 2) and at the full output (64 px / 2).
    expect(manifest.flops.map((f) => f.height)).toEqual([8, 32]);
    const loaded = await loadModel(manifest, new Uint8Array(readFileSync(join(out, 'weights.bin'))));
    const schedule = makeSchedule(config.schedule, { T: config.T, resolution: config.resolution });
    const expected = srHeldOutLoss(loaded.unet, loaded.weights, config, schedule);
    tf.dispose(Object.values(loaded.weights));
    expect(manifest.evaluation.heldOutLoss as number).toBeCloseTo(expected, 6);
  });
});
