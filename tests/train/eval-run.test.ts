import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/lib/models/manifest';
import { readCheckpoint } from '../../train/checkpoint';
import { parseEvalArgs } from '../../train/eval';
import { classifierTrainConfig, type ClassifierTrainConfig } from '../../train/eval/classifier-config';
import { exportClassifier } from '../../train/eval/classifier-export';
import { trainClassifier } from '../../train/eval/classifier-train';
import { gaussianBlur, shufflePixels } from '../../train/eval/corruptions';
import { updateEvaluation } from '../../train/eval/manifest-update';
import { runEvaluation } from '../../train/eval/run';
import { balancedHeldOut } from '../../train/eval/scene-sets';
import { exportModel } from '../../train/export';
import { train } from '../../train/loop';
import { makeRng } from '../../src/lib/math/rng';
import { tempDir, tinyConfig, wasmBackend } from './harness';

describe('npm run eval, end to end on a tiny model', () => {
  it('writes denoising, Fréchet, sharpness and grid results into a manifest that still parses, leaving the weights untouched', async () => {
    await wasmBackend();
    const pretrainedDir = tempDir('eval-run');
    const run = await train({ model: 'tiny', config: tinyConfig({ steps: 2 }), dir: tempDir('eval-run-ckpt'), progress: null });
    const modelDir = await exportModel(readCheckpoint(run.checkpoint), { pretrainedDir, machine: 'test' });
    const cConfig: ClassifierTrainConfig = {
      ...structuredClone(classifierTrainConfig),
      model: { ...classifierTrainConfig.model, resolution: 16, widths: [8, 8], convs: [1, 1], groups: 4 },
      batch: 8, steps: 2, warmup: 1, heldOutCount: 7,
    };
    const { dir: classifierDir } = await exportClassifier(trainClassifier(cConfig), cConfig, { pretrainedDir, machine: 'test' });
    const weightsBefore = readFileSync(join(modelDir, 'weights.bin'));
    const heldOutLoss = parseManifest(readFileSync(join(modelDir, 'manifest.json'), 'utf8'), 'm').evaluation.heldOutLoss;

    const options = { modelDir, classifierDir, heldOut: 8, ts: [100, 900], statsCount: 20, fdCount: 14, steps: 2, gridPerKind: 2 };
    const without = await runEvaluation({ ...options, gapCount: 0 });
    const evaluation = await runEvaluation(options);
    // The overfitting gap (issue 15) is a field of its own: every other figure is what a run without it writes (times aside).
    const figures = (e: typeof evaluation) => JSON.stringify({ ...e, evaluatedWith: null, overfitting: null }, (k, v: unknown) => (k.endsWith('Seconds') ? null : v));
    const { overfitting } = evaluation;
    expect(figures(evaluation)).toBe(figures(without));
    expect((overfitting as { examples: number; heldOutChunk0: number }).examples).toBe(256);
    expect((overfitting as { heldOutChunk0: number }).heldOutChunk0).toBe(heldOutLoss);

    const manifest = parseManifest(readFileSync(join(modelDir, 'manifest.json'), 'utf8'), 'manifest.json');
    expect(manifest.evaluation).toEqual(JSON.parse(JSON.stringify(evaluation)));
    expect(manifest.evaluation.heldOutLoss).toBe(heldOutLoss); // the export's own metric stays
    const denoising = manifest.evaluation.denoising as { rows: { t: number; modelMse: number; wienerMse: number; wienerMseClosedForm: number }[] };
    expect(denoising.rows.map((r) => r.t)).toEqual([100, 900]);
    for (const r of denoising.rows) for (const v of [r.modelMse, r.wienerMse, r.wienerMseClosedForm]) expect(Number.isFinite(v) && v > 0).toBe(true);
    const frechet = manifest.evaluation.frechet as Record<string, { distance: number }>;
    for (const k of ['samplesVsHeldOut', 'heldOutVsHeldOut', 'blurredVsHeldOut', 'shuffledVsHeldOut']) expect(frechet[k].distance).toBeGreaterThanOrEqual(0);
    // The sharpness figures sit beside the old ones, for the same four sets.
    const hf = manifest.evaluation.highFrequency as Record<string, { fine: { ratio: number }; mid: { ratio: number } }>;
    const detail = manifest.evaluation.frechetDetail as Record<string, { distance: number }>;
    for (const k of ['samplesVsHeldOut', 'heldOutVsHeldOut', 'blurredVsHeldOut', 'shuffledVsHeldOut']) {
      expect(hf[k].fine.ratio).toBeGreaterThan(0);
      expect(hf[k].mid.ratio).toBeGreaterThan(0);
      expect(detail[k].distance).toBeGreaterThanOrEqual(0);
    }
    expect(readFileSync(join(modelDir, 'weights.bin')).equals(weightsBefore)).toBe(true);
    const png = PNG.sync.read(readFileSync(join(modelDir, 'samples.png')));
    expect(png.height).toBeGreaterThan(7 * 16 * 8); // 7 labelled rows of 16² tiles shown at 8×
    expect(existsSync(join(modelDir, `manifest.json.tmp-${process.pid}`))).toBe(false);
  });

  it('refuses to write into a manifest that does not parse, and leaves it as it was', () => {
    const dir = tempDir('eval-bad');
    writeFileSync(join(dir, 'manifest.json'), '{"formatVersion": 1}');
    expect(() => updateEvaluation(dir, { x: 1 })).toThrow(/missing/);
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe('{"formatVersion": 1}');
  });
});

describe('evaluation pieces', () => {
  it('balanced held-out sets hold the asked kinds and share no scene', () => {
    const [a, b] = balancedHeldOut(20250101, [2, 1, 1, 1, 1, 1, 1], 8, 2);
    for (const s of [a, b]) expect([...s.labels].sort()).toEqual([0, 0, 1, 2, 3, 4, 5, 6]);
    const key = (x: Float32Array, i: number) => x.subarray(i * 192, (i + 1) * 192).join();
    const seen = new Set(Array.from({ length: 8 }, (_, i) => key(a.x0, i)));
    for (let i = 0; i < 8; i++) expect(seen.has(key(b.x0, i))).toBe(false);
  });

  it('blur keeps a constant image constant; a pixel shuffle keeps the multiset of pixels', () => {
    const flat = new Float32Array(8 * 8 * 3).fill(0.3);
    gaussianBlur(flat, 8, 1.5).forEach((v) => expect(v).toBeCloseTo(0.3, 6));
    const rng = makeRng(1);
    const img = Float32Array.from({ length: 8 * 8 * 3 }, () => rng.range(-1, 1));
    const shuffled = shufflePixels(img, makeRng(2));
    expect(shuffled).not.toEqual(img);
    const pixels = (x: Float32Array) => Array.from({ length: 64 }, (_, i) => x.subarray(i * 3, i * 3 + 3).join()).sort();
    expect(pixels(shuffled)).toEqual(pixels(img));
  });

  it('the CLI parser rejects unknown options and needs a model or --train-classifier', () => {
    expect(parseEvalArgs(['base-64', '--samples=100']).values.samples).toBe('100');
    expect(() => parseEvalArgs(['base-64', '--sample=100'])).toThrow(/unknown option/);
    expect(() => parseEvalArgs(['base-64', '--steps=abc'])).toThrow(/not a number/);
    expect(() => parseEvalArgs([])).toThrow(/usage/);
    expect(parseEvalArgs(['--train-classifier']).trainClassifier).toBe(true);
  });
});
