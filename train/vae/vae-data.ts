// The autoencoder's training data: crops of procedural scenes rendered at the pipeline's full size
// (1024²), one crop per scene, each scene seen once. Crop edges lie on the f-pixel grid, so a crop's
// latent cells are cells of the whole image's latent. Everything is a function of (seed, index).
import { deriveSeed, makeRng } from '../../src/lib/math/rng';
import { renderScene, sampleScene, SCENE_KINDS, type Window } from '../../src/lib/data';
import { kindOf, sceneSeed, type Split } from '../dataset';
import type { VaeTrainConfig } from './vae-train-config';

/** deriveSeed stream of the autoencoder's crop position (sr-data.ts uses 104). */
export const VAE_CROP_STREAM = 105;

export interface CropBatch {
  /** Crops in [-1, 1], [B, crop, crop, 3] (NHWC). */
  x: Float32Array;
  labels: Int32Array;
  seeds: number[];
  windows: Window[];
}

/** A crop of `crop` pixels of a `fullSize` render, its edges on the grid of `cell` pixels. */
export function vaeCropWindow(seed: number, fullSize: number, crop: number, cell: number): Window {
  const cells = fullSize / cell;
  const span = crop / cell;
  const rng = makeRng(deriveSeed(seed, VAE_CROP_STREAM));
  const i = rng.int(cells - span + 1);
  const j = rng.int(cells - span + 1);
  return { x: i / cells, y: j / cells, w: span / cells, h: span / cells };
}

/** Crops of examples `first .. first + count − 1` of a split. */
export function renderCrops(c: VaeTrainConfig, split: Split, first: number, count: number): CropBatch {
  const cell = 2 ** (c.model.channels.length - 1);
  const per = c.crop * c.crop * 3;
  const x = new Float32Array(count * per);
  const labels = new Int32Array(count);
  const seeds: number[] = [];
  const windows: Window[] = [];
  for (let i = 0; i < count; i++) {
    const seed = sceneSeed(c.seed, split, first + i);
    const kind = kindOf(seed);
    const win = vaeCropWindow(seed, c.fullSize, c.crop, cell);
    x.set(renderScene(sampleScene(seed, SCENE_KINDS[kind]), c.crop, win), i * per);
    labels[i] = kind;
    seeds.push(seed);
    windows.push(win);
  }
  return { x, labels, seeds, windows };
}

/** The batch of update `step`: training examples step·B .. step·B + B − 1. */
export function vaeTrainingBatch(c: VaeTrainConfig, step: number): CropBatch {
  return renderCrops(c, 'train', step * c.batch, c.batch);
}

export function describeVaeData(c: VaeTrainConfig, steps: number): string {
  return (
    `${steps * c.batch} crops of ${c.crop}×${c.crop} px from procedural scenes (src/lib/data, kinds: ${SCENE_KINDS.join(', ')}, uniform) ` +
    `rendered at ${c.fullSize}×${c.fullSize}, crop edges on the latent grid; one crop per scene, each seen once; ` +
    `training scene seeds have the top bit clear, held-out seeds set`
  );
}
