// Test models for the cascade: random-initialised nets exported through train/export.ts (so the pipeline
// reads exactly the manifest that export writes), shrunk from train/configs so a cascade 16 → 64 → 128
// takes half a second on the cpu backend. Only tests may build models from train/ (tests/unit/layers.test.ts).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRng } from '../../../src/lib/math/rng';
import { loadModel, parseManifest, type LoadedModel, type Manifest } from '../../../src/lib/models/manifest';
import { buildUNet } from '../../../src/lib/models/unet';
import type { CheckpointState } from '../../../train/checkpoint';
import sr256 from '../../../train/configs/sr-256';
import tiny from '../../../train/configs/tiny';
import { exportModel } from '../../../train/export';
import { checkConfig, type TrainConfig } from '../../../train/train-config';

/**
 * sr-256's config, thinned (8 channels, 2 levels, 32-px crops) and retargeted to make `fullSize` pixels
 * from fullSize / factor (factor 2 with 4×4 cells covers an upsampling factor unlike the block).
 */
export function tinySrConfig(fullSize: number, factor = 4): TrainConfig {
  const c = structuredClone(sr256);
  const config: TrainConfig = {
    ...c,
    model: { ...c.model, baseChannels: 8, channelMults: [1, 2], resBlocks: [1, 1], groups: 4, timeFeatures: 16, embedDim: 32 },
    resolution: 32,
    sr: { ...c.sr!, fullSize, factor },
  };
  checkConfig(config);
  return config;
}

/** Random weights with a random output conv (init zeroes it, which would make every output 0). */
export function randomWeights(config: TrainConfig, seed: number): Map<string, Float32Array> {
  const values = buildUNet(config.model).init(makeRng(seed));
  const out = values.get('out.conv.w')!;
  const rng = makeRng(seed + 1);
  for (let i = 0; i < out.length; i++) out[i] = 0.1 * rng.normal();
  return values;
}

/** A checkpoint state of random weights, as train/loop.ts would leave one after a step. */
export function randomState(name: string, config: TrainConfig, seed: number): CheckpointState {
  const unet = buildUNet(config.model);
  const values = randomWeights(config, seed);
  const tensors = new Map(unet.specs.map((s) => [`ema/${s.name}`, { shape: s.shape, data: values.get(s.name)! }]));
  return { model: name, step: 1, config, lossLog: [{ step: 1, loss: 1, lr: 0, gradNorm: 0, secPerStep: 0 }], wallSeconds: 1, machine: 'test', tensors };
}

/**
 * Exports random weights as `name` with train/export.ts and loads the result back as a lesson would; with
 * `predictor`, random predictor weights (a regression run of the same net) are packed beside them.
 */
export async function exportedModel(
  name: string,
  config: TrainConfig,
  seed: number,
  predictor?: { seed: number; refineFrom: number },
): Promise<{ manifest: Manifest } & LoadedModel> {
  const state = randomState(name, config, seed);
  const pack = predictor && { state: randomState(`${name}-predictor`, { ...config, sr: { ...config.sr!, regression: true } }, predictor.seed), refineFrom: predictor.refineFrom };
  const dir = mkdtempSync(join(tmpdir(), 'noisebook-cascade-'));
  try {
    const out = await exportModel(state, { pretrainedDir: dir, machine: 'test', predictor: pack });
    const manifest = parseManifest(readFileSync(join(out, 'manifest.json'), 'utf8'), 'manifest.json');
    return { manifest, ...(await loadModel(manifest, new Uint8Array(readFileSync(join(out, 'weights.bin'))))) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The tiny 16×16 base model's config (train/configs/tiny.ts). */
export const tinyBaseConfig: TrainConfig = structuredClone(tiny);
