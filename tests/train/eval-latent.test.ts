// The latent evaluation (issue 15 item 3) on tiny fixtures: the overfitting gap on known inputs, the
// Fréchet path of full-size images reduced to the model's side, and `npm run eval -- latent-64` end to end.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { renderScene, sampleScene, SCENE_KINDS } from '../../src/lib/data';
import { makeSchedule } from '../../src/lib/diffusion/schedule';
import { loadClassifier, parseClassifierManifest } from '../../src/lib/models/classifier';
import { loadModel, parseManifest } from '../../src/lib/models/manifest';
import { baseModelFrom } from '../../src/lib/pipelines/base';
import { readCheckpoint } from '../../train/checkpoint';
import { heldOutBatch } from '../../train/dataset';
import { classifierTrainConfig, type ClassifierTrainConfig } from '../../train/eval/classifier-config';
import { exportClassifier } from '../../train/eval/classifier-export';
import { trainClassifier } from '../../train/eval/classifier-train';
import { frechetOfSamples } from '../../train/eval/frechet-study';
import { cascadeSamples, heldOutSeedsByKind } from '../../train/eval/full-size-sources';
import { ImageTally } from '../../train/eval/image-tally';
import { runLatentEvaluation } from '../../train/eval/latent';
import { lossGap, pixelGapSets } from '../../train/eval/loss-gap';
import { exportModel } from '../../train/export';
import { encoderShaOf } from '../../train/latent/latent-data';
import { buildLatentSet } from '../../train/latent/latent-set';
import { writePreview } from '../../train/latent/preview-fit';
import { train } from '../../train/loop';
import { tempDir, tinyConfig, wasmBackend } from './harness';
import { tinyVaeExport } from './vae-harness';

/** A tiny scene classifier at 16² (as tests/train/eval-run.test.ts makes it). */
async function tinyClassifier(pretrainedDir: string): Promise<string> {
  const c: ClassifierTrainConfig = {
    ...structuredClone(classifierTrainConfig),
    model: { ...classifierTrainConfig.model, resolution: 16, widths: [8, 8], convs: [1, 1], groups: 4 },
    batch: 8, steps: 2, warmup: 1, heldOutCount: 7,
  };
  return (await exportClassifier(trainClassifier(c), c, { pretrainedDir, machine: 'test' })).dir;
}

/** The tiny base model trained two steps and exported; resolves to its folder. */
async function tinyBase(pretrainedDir: string): Promise<string> {
  const run = await train({ model: 'base-64', config: tinyConfig({ steps: 2 }), dir: tempDir('el-base'), progress: null });
  return exportModel(readCheckpoint(run.checkpoint), { pretrainedDir, machine: 'test' });
}

describe('the overfitting gap', () => {
  it('is exactly 0 on one set used as both, its held-out chunk 0 is the export\'s heldOutLoss, and no tensor survives', async () => {
    await wasmBackend();
    const dir = await tinyBase(tempDir('el-gap'));
    const manifest = parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8'), 'm');
    const { unet, weights } = await loadModel(manifest, new Uint8Array(readFileSync(join(dir, 'weights.bin'))));
    const config = tinyConfig();
    const settings = { ...config, model: unet.config };
    const schedule = makeSchedule(config.schedule, { T: config.T, resolution: config.resolution });
    const tensors = tf.memory().numTensors;
    const held = heldOutBatch(config.seed, 32, config.resolution);
    const same = lossGap(unet, weights, settings, schedule, held, held);
    expect(same.gap).toBe(0); // the same (t, ε) for both sets: only the data can differ
    expect(same.trainLoss).toBe(same.heldOutLoss);
    expect(same.heldOutChunk0).toBe(manifest.evaluation.heldOutLoss);
    // Real sets: training scenes are the last ones trained on (2 steps × 8), held-out ones the first held-out.
    const sets = pixelGapSets(config.seed, config.resolution, 16, 32);
    expect(sets.train.seeds.every((s) => s < 2 ** 31) && sets.heldOut.seeds.every((s) => s >= 2 ** 31)).toBe(true);
    expect(Array.from(sets.heldOut.x0)).toEqual(Array.from(held.x0));
    const g = lossGap(unet, weights, settings, schedule, sets.train, sets.heldOut);
    expect(g.heldOutLoss).toBe(same.heldOutLoss);
    // Each set is scored under its own kinds and the same (t, ε): swapping the sets only flips the gap's sign.
    const swapped = lossGap(unet, weights, settings, schedule, sets.heldOut, sets.train);
    expect(swapped.trainLoss).toBe(g.heldOutLoss);
    expect(swapped.heldOutLoss).toBe(g.trainLoss);
    expect(g.trainLoss).not.toBe(g.heldOutLoss);
    expect(Number.isFinite(g.gapStdError) && g.gapStdError > 0).toBe(true);
    expect(() => lossGap(unet, weights, settings, schedule, sets.train, heldOutBatch(config.seed, 16, config.resolution))).toThrow(/same size/);
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose(Object.values(weights));
  }, 120_000);
});

describe('the cascade as a source of full-size images', () => {
  it('runs the cascade pipeline per kind and seed, handing each last-stage image over with its kind, no tensor surviving', async () => {
    await wasmBackend();
    const dir = await tinyBase(tempDir('el-cascade'));
    const manifest = parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8'), 'm');
    const { unet, weights } = await loadModel(manifest, new Uint8Array(readFileSync(join(dir, 'weights.bin'))));
    const tensors = tf.memory().numTensors;
    // A cascade of the base stage alone: the last stage is the base's 16² output.
    const got: { kind: number; sum: number }[] = [];
    const timing = await cascadeSamples({ base: baseModelFrom(manifest, unet, weights), sr: [] }, [2, 0, 1, 0, 0, 0, 0], { steps: 2, guidance: 1, seed: 3 }, 2, (img, kind) => {
      expect(img).toHaveLength(16 * 16 * 3);
      got.push({ kind, sum: img.reduce((a, b) => a + b, 0) });
    });
    expect(got.map((g) => g.kind)).toEqual([0, 0, 2]);
    expect(got[0].sum).not.toBe(got[1].sum); // two seeds of one kind
    expect(timing.images).toBe(3);
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose(Object.values(weights));
  }, 120_000);
});

describe('full-size images reduced for the Fréchet distance', () => {
  it('held-out scenes rendered 16× larger and box-reduced by the tally score the floor, and the tally keeps its tiles and crops', async () => {
    await wasmBackend();
    const classifierDir = await tinyClassifier(tempDir('el-fd'));
    const cm = parseClassifierManifest(readFileSync(join(classifierDir, 'manifest.json'), 'utf8'), 'c');
    const { classifier, weights } = await loadClassifier(cm, new Uint8Array(readFileSync(join(classifierDir, cm.weightsFile))));
    const root = 20250101;
    const counts = [3, 3, 3, 3, 3, 3, 3];
    // Held-out order: the first 3 of each kind are frechetOfSamples' set A, the next 3 its set B.
    const seeds = heldOutSeedsByKind(root, counts.map((n) => 2 * n));
    const seen = new Array<number>(SCENE_KINDS.length).fill(0);
    const setB = seeds.filter(({ kind }) => ++seen[kind] > counts[kind]);
    const tally = new ImageTally({ size: 256, reduced: 16, tile: 64, tilesPerKind: 2, crop: 32 });
    const renders = setB.map(({ seed, kind }) => renderScene(sampleScene(seed, SCENE_KINDS[kind]), 256));
    renders.forEach((img, i) => tally.add(img, setB[i].kind));
    const { x0, labels } = tally.reducedSet();
    const study = frechetOfSamples(x0, labels, { classifier, classifierWeights: weights, resolution: 16, dataSeed: root, seed: 1, conditional: true, sampler: 'renders', sampleSeconds: 0 });
    const r = study.report as Record<string, { distance: number }>;
    // The same scenes as B, reduced from 256² instead of rendered at 16²: the floor within 2% (render.ts area-averages;
    // measured 0.3%, the renderer's sub-pixel supersampling differs between sizes).
    expect(Math.abs(r.samplesVsHeldOut.distance - r.heldOutVsHeldOut.distance)).toBeLessThan(0.02 * r.heldOutVsHeldOut.distance);
    // …which a wrong reduction misses: one pixel of each 16×16 block instead of its mean (aliased, as a strided decode would be).
    const strided = x0.map((_, i) => {
      const [n, y, x, c] = [Math.floor(i / 768), Math.floor(i / 48) % 16, Math.floor(i / 3) % 16, i % 3];
      return renders[n][((y * 16 + 8) * 256 + x * 16 + 8) * 3 + c];
    });
    const wrong = frechetOfSamples(strided, labels, { classifier, classifierWeights: weights, resolution: 16, dataSeed: root, seed: 1, conditional: true, sampler: 'strided', sampleSeconds: 0 });
    expect(Math.abs((wrong.report.samplesVsHeldOut as { distance: number }).distance - r.heldOutVsHeldOut.distance)).toBeGreaterThan(0.02 * r.heldOutVsHeldOut.distance);
    expect(tally.tiles.get(0)).toHaveLength(2);
    expect(tally.crops.get(0)).toHaveLength(32 * 32 * 3);
    expect(tally.fine.every((e) => e > 0) && tally.mid.every((e) => e > 0)).toBe(true);
    tf.dispose(Object.values(weights));
  }, 120_000);
});

describe('npm run eval -- latent-64 on a tiny latent model', () => {
  it('writes the gaps, the Fréchet and high-frequency figures, the disturb table and both PNGs, leaving the weights and the tensor count as they were', async () => {
    await wasmBackend();
    const pretrainedDir = tempDir('el-run');
    const vaeDir = await tinyVaeExport('el');
    // 256² scenes → 16×16×4 latents, the tiny U-Net's resolution (as tests/train/latent-train.test.ts).
    const latentDir = tempDir('el-set');
    writePreview(latentDir, await buildLatentSet({ vaeDir, outDir: latentDir, root: 1, counts: { train: 16, heldout: 16 }, size: 256 }));
    const config = tinyConfig({ steps: 2, batch: 4, latent: { vaeDir, encoderSha256: encoderShaOf(vaeDir), setDir: latentDir, trainCount: 16, heldoutCount: 16 } });
    config.model = { ...config.model, imageChannels: 4, outChannels: 4 };
    const run = await train({ model: 'latent-64', config, dir: tempDir('el-ckpt'), progress: null });
    const modelDir = await exportModel(readCheckpoint(run.checkpoint), { pretrainedDir, machine: 'test' });
    const baseDir = await tinyBase(tempDir('el-base-out'));
    const classifierDir = await tinyClassifier(pretrainedDir);
    const weightsBefore = readFileSync(join(modelDir, 'weights.bin'));
    const tensors = tf.memory().numTensors;

    const evaluation = await runLatentEvaluation({ modelDir, classifierDir, vaeDir, latentDir, baseDir, srDirs: [], gapCount: 16, fdCount: 14, truthPerKind: 1, cascadePerKind: 0, gridPerKind: 2, disturbCount: 1, steps: 2 });

    expect(tf.memory().numTensors).toBe(tensors);
    const manifest = parseManifest(readFileSync(join(modelDir, 'manifest.json'), 'utf8'), 'manifest.json');
    expect(manifest.evaluation).toEqual(JSON.parse(JSON.stringify(evaluation)));
    const gap = manifest.evaluation.overfitting as { heldOutChunk0: number; exportHeldOutLoss: number; trainLoss: number; examples: number };
    expect(gap.heldOutChunk0).toBe(gap.exportHeldOutLoss); // the export's figure, recomputed from the set on disk
    expect(gap.examples).toBe(16);
    expect((manifest.evaluation.baseGap as { weightsSha256: string }).weightsSha256).toBe(parseManifest(readFileSync(join(baseDir, 'manifest.json'), 'utf8'), 'b').weightsSha256);
    const fd = manifest.evaluation.frechet as Record<string, { distance: number }> & { count: number };
    expect(fd.count).toBe(14);
    for (const k of ['samplesVsHeldOut', 'heldOutVsHeldOut', 'blurredVsHeldOut', 'shuffledVsHeldOut']) expect(fd[k].distance).toBeGreaterThanOrEqual(0);
    const hf = manifest.evaluation.highFrequency as { size: number; samplesVsHeldOut: { fine: { ratio: number; perKind: Record<string, number> } }; cascadeVsHeldOut: unknown };
    expect(hf.size).toBe(256);
    expect(hf.samplesVsHeldOut.fine.ratio).toBeGreaterThan(0);
    expect(Object.keys(hf.samplesVsHeldOut.fine.perKind)).toEqual([...SCENE_KINDS]);
    expect(hf.cascadeVsHeldOut).toBeNull();
    // The disturb table: one start, each preset mid-way and after the last step, decoded at the full size.
    const disturb = manifest.evaluation.disturb as { count: number; size: number; rows: { point: string; injected: number; energy: number }[]; mean: Record<string, Record<string, { n: number }>> };
    expect(disturb.count).toBe(1);
    expect(disturb.size).toBe(256);
    expect(disturb.rows.map((r) => r.point)).toEqual(['mid', 'late', 'mid', 'late', 'mid', 'late', 'mid', 'late']);
    for (const r of disturb.rows) expect(r.injected > 0 && Number.isFinite(r.energy) && r.energy >= 0).toBe(true);
    expect(Object.keys(disturb.mean)).toEqual(['blob', 'noise', 'shift', 'blur']);
    expect(readFileSync(join(modelDir, 'weights.bin')).equals(weightsBefore)).toBe(true);
    const grid = PNG.sync.read(readFileSync(join(modelDir, 'samples.png')));
    expect(grid.height).toBeGreaterThan(7 * 128); // 7 labelled rows of 128² tiles (256² reduced 2×)
    const crops = PNG.sync.read(readFileSync(join(modelDir, 'crops.png')));
    expect(crops.width).toBeGreaterThan(7 * 256); // one 1:1 256² window per kind (the tiny image is whole)
    expect(crops.height).toBeGreaterThan(2 * 256); // rows: latent, truth
    expect(existsSync(join(modelDir, `manifest.json.tmp-${process.pid}`))).toBe(false);
  }, 300_000);
});
