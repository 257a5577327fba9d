// latent-64's data path (issue 15): standardisation, the epoch walk over a finite set, and a tiny latent
// denoiser trained on a set built by a tiny autoencoder, exported with the statistics the browser needs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { readCheckpoint } from '../../train/checkpoint';
import { exportModel } from '../../train/export';
import { epochOrder, latentBatches, loadLatentData, standardise, encoderShaOf, type LatentData } from '../../train/latent/latent-data';
import { buildLatentSet } from '../../train/latent/latent-set';
import { writePreview } from '../../train/latent/preview-fit';
import { train } from '../../train/loop';
import { checkConfig } from '../../train/train-config';
import { tempDir, tinyConfig, wasmBackend } from './harness';
import { tinyVaeExport } from './vae-harness';

/** A set of n examples whose only content is their index, for checking which examples a batch holds. */
function indexSet(n: number, per: number): LatentData {
  const latents = Float32Array.from({ length: n * per }, (_, i) => Math.floor(i / per));
  const split = { latents, labels: Int32Array.from({ length: n }, (_, i) => i % 5), seeds: Array.from({ length: n }, (_, i) => 1000 + i) };
  const meta = { side: 1, channels: per } as LatentData['meta'];
  return { meta, dir: '', splits: { train: split, heldout: split } };
}

describe('latent training data', () => {
  it('standardises each channel to zero mean and unit spread', () => {
    const z = Float32Array.from([1, 10, 3, 30, 5, 50]); // two channels, three cells
    standardise(z, [3, 30], [2, 20]);
    expect(Array.from(z)).toEqual([-1, -1, 0, 0, 1, 1]);
  });

  it('walks the set epoch by epoch: each example once per epoch, a new order each epoch, the same order on a rerun', () => {
    const n = 10;
    const a = epochOrder(5, 0, n);
    expect([...a].sort((x, y) => x - y)).toEqual([...Array(n).keys()]);
    expect(Array.from(epochOrder(5, 1, n))).not.toEqual(Array.from(a));
    expect(Array.from(epochOrder(5, 0, n))).toEqual(Array.from(a));
    const data = indexSet(n, 2);
    const batchOf = latentBatches(data, 5, 4);
    // Steps 0–4 take positions 0–19: two whole epochs, the third batch straddling them.
    const seen = [0, 1, 2, 3, 4].flatMap((s) => Array.from(batchOf(s).x0.filter((_, i) => i % 2 === 0)));
    expect([...seen.slice(0, n)].sort((x, y) => x - y)).toEqual([...Array(n).keys()]);
    expect([...seen.slice(n)].sort((x, y) => x - y)).toEqual([...Array(n).keys()]);
    // Labels and seeds travel with their latents; a batch is a pure function of the step (resume-safe).
    const b = latentBatches(data, 5, 4)(2);
    b.seeds.forEach((seed, i) => {
      expect(b.x0[i * 2]).toBe(seed - 1000);
      expect(b.labels[i]).toBe((seed - 1000) % 5);
    });
    expect(Array.from(b.x0)).toEqual(Array.from(batchOf(2).x0));
  });

  it('refuses a latent config whose channels do not match, or a set smaller than the config asks for', () => {
    const bad = tinyConfig({ latent: { vaeDir: 'x', trainCount: 64, heldoutCount: 4 } });
    bad.model = { ...bad.model, imageChannels: 4, outChannels: 3 };
    expect(() => checkConfig(bad)).toThrow(/imageChannels/);
    expect(() => loadLatentData({ vaeDir: 'x', setDir: tempDir('empty'), trainCount: 1, heldoutCount: 1 })).toThrow(/npm run latents/);
  });
});

describe('a tiny latent denoiser (wasm)', () => {
  it('trains on a built latent set, resumes to the same weights, and exports the statistics to undo the scaling', async () => {
    await wasmBackend();
    const vaeDir = await tinyVaeExport('lt');
    // 256² scenes → 16×16×4 latents, the tiny U-Net's resolution.
    const setDir = tempDir('lt-set');
    writePreview(setDir, await buildLatentSet({ vaeDir, outDir: setDir, root: 11, counts: { train: 12, heldout: 16 }, size: 256 }));
    const base = tinyConfig({ steps: 4, batch: 4, latent: { vaeDir, encoderSha256: encoderShaOf(vaeDir), setDir, trainCount: 12, heldoutCount: 16 } });
    base.model = { ...base.model, imageChannels: 4, outChannels: 4 };
    checkConfig(base);
    const tensors = tf.memory().numTensors;
    const whole = await train({ model: 'latent-64', config: base, dir: tempDir('lt-run'), progress: null });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(whole.lossLog.every((r) => Number.isFinite(r.loss))).toBe(true);
    // Stop at step 2, resume: the same four batches, hence the same weights bit for bit.
    const dir = tempDir('lt-split');
    const half = await train({ model: 'latent-64', config: base, dir, until: 2, progress: null });
    const rest = await train({ model: 'latent-64', config: base, dir, resume: readCheckpoint(half.checkpoint), progress: null });
    const a = readCheckpoint(whole.checkpoint).tensors;
    const b = readCheckpoint(rest.checkpoint).tensors;
    for (const [k, v] of a) expect(Array.from(b.get(k)?.data ?? []), k).toEqual(Array.from(v.data));
    const out = await exportModel(readCheckpoint(whole.checkpoint), { pretrainedDir: tempDir('lt-out'), machine: 'test' });
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const meta = JSON.parse(readFileSync(join(setDir, 'meta.json'), 'utf8'));
    expect(m.data.details.latent.mean).toEqual(meta.mean);
    expect(m.data.details.latent.std).toEqual(meta.std);
    expect(m.data.details.latent.encoderSha256).toBe(encoderShaOf(vaeDir));
    expect(m.data.details.latent.preview.weights).toHaveLength(4);
    expect(m.data.description).toMatch(/12 procedural scenes .* encoded once/);
    expect(Number.isFinite(m.evaluation.heldOutLoss)).toBe(true);
  }, 240_000);
});
