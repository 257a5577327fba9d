import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, parseManifest } from '../../src/lib/models/manifest';
import { readCheckpoint, type LossRecord } from '../../train/checkpoint';
import { downsampleLoss, exportModel, ExportError } from '../../train/export';
import { train } from '../../train/loop';
import { tempDir, tinyConfig, wasmBackend } from './harness';

describe('export', () => {
  it('downsamples the loss log to at most 200 bucket means ending at the last step', () => {
    const log: LossRecord[] = Array.from({ length: 1001 }, (_, i) => ({ step: i + 1, loss: i % 2, lr: 0, gradNorm: 0, secPerStep: 0 }));
    const curve = downsampleLoss(log);
    expect(curve.length).toBeLessThanOrEqual(200);
    expect(curve.at(-1)?.step).toBe(1001);
    expect(curve[0].loss).toBeCloseTo(0.5, 1);
  });

  it('writes a manifest + float16 weights that load back, and a broken state never replaces a good export', async () => {
    await wasmBackend();
    const run = await train({ model: 'tiny', config: tinyConfig({ steps: 4 }), dir: tempDir('export-run'), progress: null });
    const state = readCheckpoint(run.checkpoint);
    const pretrainedDir = tempDir('export-out');
    const out = await exportModel(state, { pretrainedDir, machine: 'test machine' });
    expect(out).toBe(join(pretrainedDir, 'tiny'));
    const manifest = parseManifest(readFileSync(join(out, 'manifest.json'), 'utf8'), 'manifest.json');
    expect(manifest.steps).toBe(4);
    expect(manifest.machine).toBe('test machine');
    expect(manifest.lossCurve).toHaveLength(4);
    expect(manifest.commit).toMatch(/^[0-9a-f]{40}(-dirty)?$|^unknown/);
    expect(typeof manifest.evaluation.heldOutLoss).toBe('number');
    const loaded = await loadModel(manifest, new Uint8Array(readFileSync(join(out, 'weights.bin'))));
    // The shipped weights are the EMA weights, rounded to float16.
    const ema = state.tensors.get(`ema/${manifest.weights[0].name}`)!.data;
    const shipped = loaded.weights[manifest.weights[0].name].dataSync();
    ema.forEach((v, i) => expect(shipped[i]).toBeCloseTo(v, 2));
    Object.values(loaded.weights).forEach((t) => t.dispose());

    const good = readFileSync(join(out, 'weights.bin'));
    const broken = { ...state, tensors: new Map(state.tensors) };
    const name = `ema/${manifest.weights.at(-1)!.name}`;
    broken.tensors.set(name, { ...state.tensors.get(name)!, data: new Float32Array(state.tensors.get(name)!.data.length).fill(NaN) });
    await expect(exportModel(broken, { pretrainedDir })).rejects.toThrow(ExportError);
    expect(readFileSync(join(out, 'weights.bin')).equals(good)).toBe(true);
    expect(readdirSync(pretrainedDir)).toEqual(['tiny']); // no temp folder left behind
  });

  it('replaces a previous export only after the new one checks out', async () => {
    await wasmBackend();
    const run = await train({ model: 'tiny', config: tinyConfig({ steps: 2 }), dir: tempDir('export-run2'), progress: null });
    const pretrainedDir = tempDir('export-out2');
    mkdirSync(join(pretrainedDir, 'tiny'));
    writeFileSync(join(pretrainedDir, 'tiny', 'old.txt'), 'old');
    await exportModel(readCheckpoint(run.checkpoint), { pretrainedDir });
    expect(existsSync(join(pretrainedDir, 'tiny', 'old.txt'))).toBe(false);
    expect(readdirSync(pretrainedDir)).toEqual(['tiny']);
  });
});
