// Training data of the super-resolution stages (CDM §2, Imagen §2.4; science.md §2.1): a crop of a
// procedural scene rendered directly at the target resolution, and the same window rendered at 1/factor
// the pixels, which — because the world renders area averages — is the high-res crop area-downsampled.
// Scene seeds come from dataset.ts's disjoint train/held-out sets; everything is a function of (seed, index).
import { augmentedUpsample } from '../src/lib/pipelines/super-resolution';
import { deriveSeed, makeRng } from '../src/lib/math/rng';
import { renderScene, sampleScene, SCENE_KINDS, type Window } from '../src/lib/data';
import { kindOf, sceneSeed, type Split } from './dataset';
import type { TrainConfig } from './train-config';

/** deriveSeed stream of the crop position, distinct from dataset.ts's 101–103. */
export const CROP_STREAM = 104;

/** The super-resolution part of a TrainConfig (present only for the SR models). */
export interface SrSettings {
  /** Side of the full high-res image the crop is cut from (256 for sr-256, 1024 for sr-1024). */
  fullSize: number;
  /** Upsampling factor: the low-res input has fullSize / factor pixels a side (4 for both stages). */
  factor: number;
  /** Space-to-depth block k: the U-Net sees [H/k, W/k, 3k²] (a pure re-layout of pixels, see spaceToDepth). */
  spaceToDepth: number;
  /** Aug levels are drawn uniformly from [0, augMax] in training (Imagen §2.4 noise conditioning augmentation). */
  augMax: number;
  /**
   * Share of training examples whose aug level is exactly 0 (the clean low-res input), drawn from step
   * `augZeroFrom` on (default 0); the rest stay U[0, augMax]. Absent: none.
   */
  augZeroShare?: number;
  /** First step at which augZeroShare applies; a run may adopt it on resume if it is not yet reached (cli.ts). */
  augZeroFrom?: number;
  /** First step from which the loss weighs each residual component by its σ_d² (sr-objective.ts componentWeights). */
  varianceWeightFrom?: number;
  /** Share of examples whose t is drawn from EDM's log-normal σ around residualStd (sr-low-noise.ts). Absent: none. */
  lowNoiseShare?: number;
  /** First step at which lowNoiseShare applies; adopted on resume like augZeroFrom. */
  lowNoiseFrom?: number;
  /** σ_d of the EDM preconditioning around the upsample (src/lib/diffusion/precondition.ts); absent: plain x₀ output. */
  residualStd?: number;
  /** σ_d(a)² = residualStd² + augResidualGain·(1 − ᾱ_a): the aug noise's share of the residual (srSigmaData). */
  augResidualGain?: number;
  /** With residualStd: σ_d per principal component of the residual, measured on this many training crops (sr-residual.ts). */
  residualPcaCrops?: number;
  /**
   * Train the stage's predictor instead of its denoiser (Whang et al. 2022, "Deblurring via Stochastic
   * Refinement", arXiv 2112.02475): every example at t = T with ε = 0, so the net sees no noisy image and learns the mean
   * of x₀ given the low-res input alone, with the pixel MSE (σ_d²-weighted components) as its loss.
   */
  regression?: boolean;
  /**
   * The predictor model (a config name, e.g. "sr-256-predictor") whose latest checkpoint the export packs beside
   * this denoiser (src/lib/pipelines/sr-predictor.ts), and the t at which the denoiser takes over from its mean.
   * Export-time settings: they change no training step, so the export reads them from the config file.
   */
  predictor?: string;
  refineFrom?: number;
}

export interface SrBatch {
  /** High-res crops in [-1, 1], [B, crop, crop, 3] (NHWC, crop = config.resolution). */
  x0: Float32Array;
  /** The same windows at 1/factor the pixels, [B, crop/factor, crop/factor, 3]: the clean low-res input. */
  lo: Float32Array;
  /** Scene-kind index per example, [B] (the SR models are unconditional; kept for the record). */
  labels: Int32Array;
  seeds: number[];
  /** Each crop's window in unit scene coordinates. */
  windows: Window[];
}

/**
 * The crop window of a scene: `crop` pixels of a `fullSize` render, its edges on the low-res render's
 * pixel grid (multiples of factor high-res pixels), so the low-res crop is exactly a crop of the full
 * low-res image the cascade's previous stage makes, and the high-res crop a crop of the full target.
 */
export function cropWindow(seed: number, sr: SrSettings, crop: number): Window {
  const lowFull = sr.fullSize / sr.factor; // e.g. 64 for sr-256
  const lowCrop = crop / sr.factor; // e.g. 32 for a 128-px crop
  const rng = makeRng(deriveSeed(seed, CROP_STREAM));
  const i = rng.int(lowFull - lowCrop + 1);
  const j = rng.int(lowFull - lowCrop + 1);
  return { x: i / lowFull, y: j / lowFull, w: lowCrop / lowFull, h: lowCrop / lowFull };
}

/** Renders SR examples `first .. first + count − 1` of a split (config.resolution = crop side). */
export function renderSrExamples(config: TrainConfig, split: Split, first: number, count: number): SrBatch {
  const sr = requireSr(config);
  const crop = config.resolution;
  const low = crop / sr.factor;
  const x0 = new Float32Array(count * crop * crop * 3);
  const lo = new Float32Array(count * low * low * 3);
  const labels = new Int32Array(count);
  const seeds: number[] = [];
  const windows: Window[] = [];
  for (let i = 0; i < count; i++) {
    const seed = sceneSeed(config.seed, split, first + i);
    const kind = kindOf(seed);
    const scene = sampleScene(seed, SCENE_KINDS[kind]);
    const win = cropWindow(seed, sr, crop);
    x0.set(renderScene(scene, crop, win), i * crop * crop * 3);
    lo.set(renderScene(scene, low, win), i * low * low * 3);
    labels[i] = kind;
    seeds.push(seed);
    windows.push(win);
  }
  return { x0, lo, labels, seeds, windows };
}

/** The batch of update `step`: training examples step·B .. step·B + B − 1, never repeated. */
export function srTrainingBatch(config: TrainConfig, step: number): SrBatch {
  return renderSrExamples(config, 'train', step * config.batch, config.batch);
}

/** The first `count` held-out examples (never trained on: their seeds have the top bit set). */
export function srHeldOutBatch(config: TrainConfig, count: number): SrBatch {
  return renderSrExamples(config, 'heldout', 0, count);
}

export function requireSr(config: TrainConfig): SrSettings {
  if (!config.sr) throw new Error('not a super-resolution config (no "sr" settings)');
  return config.sr;
}

/**
 * The U-Net's conditioning channels for a batch: each low-res image through the pipeline's
 * augmentedUpsample at its own aug level's ᾱ (noise on the low-res grid, then bicubic; see there why).
 * lo and augEps [B, low, low, 3], alphaBars [B] → [B, low·factor, low·factor, 3].
 *
 * Bicubic, not nearest: the models add their output to these channels (extraResidual), so they are the
 * first guess of x₀, and bicubic is a better one than blocks (27.5 against 23.5 dB at 256² here). A crop's
 * upsample differs from the crop of the whole image's only within two low-res pixels of its border,
 * where the taps repeat the edge.
 */
export function conditioning(lo: Float32Array, augEps: Float32Array, alphaBars: readonly number[], low: number, factor: number): Float32Array {
  const per = low * low * 3;
  const big = low * factor;
  const out = new Float32Array(alphaBars.length * big * big * 3);
  alphaBars.forEach((ab, b) => {
    const part = (x: Float32Array) => x.subarray(b * per, (b + 1) * per);
    out.set(augmentedUpsample(part(lo), part(augEps), ab, low, factor), b * big * big * 3);
  });
  return out;
}

/**
 * Visits the space-to-depth permutation once: for every value, its pixel index in [B, size, size, C]
 * and its cell index in [B, size/k, size/k, k·k·C] (channel (dy·k + dx)·C + c). Both directions
 * below are this one walk, so they cannot drift apart.
 */
function forEachCellValue(batch: number, size: number, channels: number, k: number, visit: (pixel: number, cell: number) => void): void {
  const g = size / k;
  let cell = 0;
  for (let b = 0; b < batch; b++)
    for (let gy = 0; gy < g; gy++)
      for (let gx = 0; gx < g; gx++)
        for (let dy = 0; dy < k; dy++)
          for (let dx = 0; dx < k; dx++) {
            const pixel = ((b * size + gy * k + dy) * size + gx * k + dx) * channels;
            for (let c = 0; c < channels; c++) visit(pixel + c, cell++);
          }
}

/**
 * Space-to-depth: [B, H, W, C] → [B, H/k, W/k, k·k·C], channel index (dy·k + dx)·C + c. A fixed
 * permutation of values, applied to the data (x₀, ε, the conditioning) rather than inside the net, so
 * no gradient of it is ever needed, and the L2 loss is the same sum of squares in either layout.
 */
export function spaceToDepth(img: Float32Array, batch: number, size: number, channels: number, k: number): Float32Array {
  if (k === 1) return img;
  const out = new Float32Array(img.length);
  forEachCellValue(batch, size, channels, k, (pixel, cell) => (out[cell] = img[pixel]));
  return out;
}

/** The inverse of spaceToDepth: [B, size/k, size/k, k·k·C] → [B, size, size, C]. */
export function depthToSpace(cells: Float32Array, batch: number, size: number, channels: number, k: number): Float32Array {
  if (k === 1) return cells;
  const out = new Float32Array(cells.length);
  forEachCellValue(batch, size, channels, k, (pixel, cell) => (out[pixel] = cells[cell]));
  return out;
}

/** Words for the manifest: what the SR model saw. */
export function describeSrData(config: TrainConfig, steps: number): string {
  const sr = requireSr(config);
  const crop = config.resolution;
  return (
    `${steps * config.batch} crops of ${crop}×${crop} px from procedural scenes (src/lib/data, kinds: ${SCENE_KINDS.join(', ')}, uniform) ` +
    `rendered at ${sr.fullSize}×${sr.fullSize}, each with the same window rendered at ${crop / sr.factor}×${crop / sr.factor} px ` +
    `(1/${sr.factor} the pixels), window edges on the ${sr.fullSize / sr.factor}-px grid; one crop per scene, each seen once; ` +
    `noise-conditioning augmentation levels U[0, ${sr.augMax}]${augZeroWords(sr, steps)}; training scene seeds have the top bit clear, held-out seeds set`
  );
}

function augZeroWords(sr: SrSettings, steps: number): string {
  const from = sr.augZeroFrom ?? 0;
  if (!sr.augZeroShare || from >= steps) return '';
  const share = `${Math.round(sr.augZeroShare * 100)}% of them set to 0 (the clean input)`;
  return from === 0 ? `, ${share}` : `, from step ${from} on ${share}`;
}
