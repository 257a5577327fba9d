// `npm run eval` for the super-resolution models, end to end on tiny random-weight models exported by
// train/export.ts into a temp folder: a 16² base (named base-64), a 16 → 64 stage (named sr-256) and a
// 64 → 128 stage (named sr-1024). The figures land in the manifest, the crops PNG beside it, the
// weights are untouched, and no tensors are left behind.
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { parseManifest } from '../../src/lib/models/manifest';
import { buildUNet } from '../../src/lib/models/unet';
import type { CheckpointState } from '../../train/checkpoint';
import { main, parseEvalArgs } from '../../train/eval';
import { runSrEvaluation } from '../../train/eval/super-resolution';
import { exportModel } from '../../train/export';
import type { TrainConfig } from '../../train/train-config';
import { randomWeights, tinyBaseConfig, tinySrConfig } from '../unit/pipelines/cascade-models';
import { tempDir, wasmBackend } from './harness';

async function exportRandom(pretrainedDir: string, name: string, config: TrainConfig, seed: number): Promise<string> {
  const values = randomWeights(config, seed);
  const tensors = new Map(buildUNet(config.model).specs.map((s) => [`ema/${s.name}`, { shape: s.shape, data: values.get(s.name)! }]));
  const state: CheckpointState = { model: name, step: 1, config, lossLog: [{ step: 1, loss: 1, lr: 0, gradNorm: 0, secPerStep: 0 }], wallSeconds: 1, machine: 'test', tensors };
  return exportModel(state, { pretrainedDir, machine: 'test' });
}

const read = (dir: string) => parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8'), 'manifest.json');
type Row = { preset: string; aug: number; injected: number; energy: number[]; ratio: number[] };
type Figures = { psnr: number; hf: number; hfRatio: number; consistency: number };

let pretrained: string;
let baseDir: string, sr256: string, sr1024: string;
const quick = { heldOut: 3, steps: 2, augLevels: [0, 0.3], cropRows: 2, seed: 3 };

beforeAll(async () => {
  await wasmBackend();
  pretrained = tempDir('sr-eval');
  baseDir = await exportRandom(pretrained, 'base-64', tinyBaseConfig, 1);
  sr256 = await exportRandom(pretrained, 'sr-256', tinySrConfig(64), 2);
  sr1024 = await exportRandom(pretrained, 'sr-1024', tinySrConfig(128, 2), 3);
}, 60_000); // three exports, each with its own held-out check; slow when the trainer shares the cores

describe('super-resolution evaluation', () => {
  it('writes PSNR, HF and consistency beside bicubic, the crops PNG and the 64-px propagation column, leaving weights and tensors as they were', async () => {
    const weights = readFileSync(join(sr256, 'weights.bin'));
    const heldOutLoss = read(sr256).evaluation.heldOutLoss;
    const tensors = tf.memory().numTensors;
    const evaluation = await runSrEvaluation({ modelDir: sr256, baseDir, ...quick });
    expect(tf.memory().numTensors).toBe(tensors);

    const m = read(sr256);
    expect(m.evaluation).toEqual(JSON.parse(JSON.stringify(evaluation)));
    expect(m.evaluation.heldOutLoss).toBe(heldOutLoss);
    const sr = m.evaluation.superResolution as { note: string; heldOutScenes: number; truthHf: number; bicubic: Figures; linearLeastSquares: Figures & { fittedOnScenes: number }; model: (Figures & { aug: number })[]; firstGuessOnly: Figures & { aug: number } };
    expect(sr.note).toMatch(/PSNR|psnr/);
    expect(sr.heldOutScenes).toBe(3);
    expect(sr.model.map((r) => r.aug)).toEqual([0, 0.3]);
    expect(sr.truthHf).toBeGreaterThan(0);
    // Bicubic only smooths: less fine detail than the truth, close to the input after downsampling.
    expect(sr.bicubic.hfRatio).toBeGreaterThan(0);
    expect(sr.bicubic.hfRatio).toBeLessThan(1);
    expect(sr.bicubic.consistency).toBeLessThan(0.01);
    for (const r of [sr.bicubic, sr.linearLeastSquares, ...sr.model, sr.firstGuessOnly]) for (const v of [r.psnr, r.hf, r.consistency]) expect(Number.isFinite(v)).toBe(true);
    // The preconditioned model's first guess alone, sampled with the model row's seeds: another image than the net's.
    expect(sr.firstGuessOnly.aug).toBe(sr.model[0].aug);
    expect(sr.firstGuessOnly.psnr).not.toBe(sr.model[0].psnr);

    const png = PNG.sync.read(readFileSync(join(sr256, 'eval-crops.png')));
    expect(png.height).toBeGreaterThan(2 * 16 * 16); // 2 rows of 16-px windows shown at 16×
    expect((m.evaluation.evalCrops as { note: string }).note).toMatch(/low-res, bicubic, net off, model, truth/);
    // Fitted on training scenes, the linear map beats bicubic on held-out ones (it includes bicubic: weights 0).
    expect(sr.linearLeastSquares.fittedOnScenes).toBe(24);
    expect(sr.linearLeastSquares.psnr).toBeGreaterThan(sr.bicubic.psnr);

    const p = m.evaluation.propagation as { note: string; sizes: number[]; augLevels: number[]; rows: Row[]; start: { kind: string; seed: number; model: string } };
    expect(p.sizes).toEqual([64]);
    expect(p.augLevels).toEqual([0, 0.1, 0.3, 0.5]);
    expect(p.rows).toHaveLength(16); // 4 presets × 4 levels
    for (const r of p.rows) expect(r.injected > 0 && r.energy[0] > 0 && Number.isFinite(r.ratio[0])).toBe(true);
    expect(p.start).toMatchObject({ kind: 'meadow', model: 'base-64' });
    expect(p.note).toMatch(/this model's is 64/);
    expect(readFileSync(join(sr256, 'weights.bin')).equals(weights)).toBe(true);
    expect(existsSync(join(sr256, `manifest.json.tmp-${process.pid}`))).toBe(false);
  });

  it('measures the later model through the earlier one (both columns), and skips with a reason when the earlier one is missing', async () => {
    // Through the CLI: its input side (64) is not the base's (16), so it finds sr-256 beside it.
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true); // the CLI prints the evaluation
    const code = await main(['sr-1024', `--pretrained-dir=${pretrained}`, '--held-out=1', '--steps=2', '--aug=0,0.3', '--seed=3']).finally(() => quiet.mockRestore());
    expect(code).toBe(0);
    expect((read(sr1024).evaluation.superResolution as { model: unknown[] }).model).toHaveLength(2);
    const p = read(sr1024).evaluation.propagation as { sizes: number[]; steps: number[]; rows: Row[] };
    expect(p.sizes).toEqual([64, 128]);
    expect(p.steps).toEqual([2, 2]);
    for (const r of p.rows) expect(r.energy).toHaveLength(2);

    const aside = join(pretrained, 'sr-256-away');
    renameSync(sr256, aside);
    try {
      const tensors = tf.memory().numTensors;
      const evaluation = await runSrEvaluation({ modelDir: sr1024, baseDir, earlierDirs: [sr256], ...quick, heldOut: 1, cropRows: 1 });
      expect(tf.memory().numTensors).toBe(tensors);
      expect((evaluation.evaluatedWith as { propagationSkipped: string }).propagationSkipped).toMatch(/sr-256.*does not exist/);
      expect(evaluation.propagation).toEqual(JSON.parse(JSON.stringify(p))); // the earlier table is kept, not overwritten
    } finally {
      renameSync(aside, sr256);
    }
  });

  it('says clearly when the model folder is missing, from the function and from the CLI', async () => {
    await expect(runSrEvaluation({ modelDir: join(pretrained, 'sr-9'), baseDir })).rejects.toThrow(/sr-9.*manifest\.json does not exist/);
    const empty = tempDir('sr-eval-empty');
    mkdirSync(join(empty, 'x'));
    expect(await main(['sr-256', `--pretrained-dir=${empty}`])).toBe(1);
    expect(parseEvalArgs(['sr-256', '--aug=0,0.1', `--base-dir=${baseDir}`, '--earlier-dir=/x']).values.aug).toBe('0,0.1');
  });
});
