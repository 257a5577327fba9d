// The overfitting gap (issue 15 item 3): L_simple of a model's float16 weights on training examples
// beside the same loss on held-out examples, with the same (t, ε) for both, so the difference is the
// data alone. A model that memorised its training set scores lower on it than on unseen examples; the
// lecture claims latent models overfit less (LDM, Rombach et al. 2022 §1: the autoencoder removes the
// imperceptible detail, so the denoiser learns the semantic content), while latent-64 sees 3072 fixed
// latents ~23 times and base-64 saw every scene once.
// Examples go in chunks of 16 (the export's heldOutLoss batch, train/export.ts): chunk k of either set
// takes the (t, ε) of training step k (objective.ts stepNoise, no label dropout), so held-out chunk 0 is
// exactly the manifest's heldOutLoss and every chunk of the two sets is paired.
import type * as tf from '@tensorflow/tfjs-core';
import type { JsonValue } from '../../src/lib/models/manifest';
import type { Schedule } from '../../src/lib/diffusion/schedule';
import type { UNet } from '../../src/lib/models/unet';
import { renderExamples, type Batch } from '../dataset';
import { evalLoss, stepNoise } from '../objective';
import type { TrainConfig } from '../train-config';

/** Examples per chunk: the export's heldOutLoss count, so chunk 0 reproduces it. */
export const GAP_CHUNK = 16;

/** What the loss needs of a training config; a manifest's data.details and its U-Net's config give all of it. */
export type LossSettings = Pick<TrainConfig, 'seed' | 'T' | 'resolution' | 'prediction' | 'model'>;

export interface LossGap {
  trainLoss: number;
  heldOutLoss: number;
  /** heldOutLoss − trainLoss: > 0 when the model does better on what it trained on. */
  gap: number;
  /** gap / heldOutLoss: comparable across models whose losses have different units (pixels vs latents). */
  relativeGap: number;
  /** Standard error of `gap` from the spread of the per-chunk differences. */
  gapStdError: number;
  /** Held-out loss of chunk 0 alone: the export's heldOutLoss figure when the weights and data are the same. */
  heldOutChunk0: number;
  examples: number;
}

/** Example range [from, to) of a batch, as a Batch. */
function slice(b: Batch, per: number, from: number, to: number): Batch {
  return { x0: b.x0.subarray(from * per, to * per), labels: b.labels.subarray(from, to), seeds: b.seeds.slice(from, to) };
}

/**
 * Training and held-out loss of `weights` on two equal-sized sets of examples ([N, R, R, C] each);
 * no tensors survive. N must be a multiple of GAP_CHUNK.
 */
export function lossGap(unet: UNet, weights: tf.NamedTensorMap, settings: LossSettings, schedule: Schedule, train: Batch, heldOut: Batch): LossGap {
  const n = heldOut.labels.length;
  if (train.labels.length !== n || n === 0 || n % GAP_CHUNK !== 0) throw new Error(`lossGap: need two sets of the same size, a multiple of ${GAP_CHUNK}; got ${train.labels.length} and ${n}`);
  const per = heldOut.x0.length / n;
  const config = { ...settings, condDropout: 0 }; // every example keeps its own kind, as in heldOutLoss
  const diffs: number[] = [];
  let trainSum = 0;
  let heldSum = 0;
  let first = NaN;
  for (let k = 0; k * GAP_CHUNK < n; k++) {
    const [a, b] = [k * GAP_CHUNK, (k + 1) * GAP_CHUNK];
    const h = slice(heldOut, per, a, b);
    const tr = slice(train, per, a, b);
    // t and ε depend on the step and the batch's size only, so both sets get the same; the labels are each set's own
    // (a draw carries its batch's classes: one draw for both would score the training set under the held-out kinds).
    const lh = evalLoss(unet, weights, h, stepNoise(config, k, h), config, schedule);
    const lt = evalLoss(unet, weights, tr, stepNoise(config, k, tr), config, schedule);
    if (!Number.isFinite(lh) || !Number.isFinite(lt)) throw new Error(`lossGap: a loss of chunk ${k} is not finite`);
    if (k === 0) first = lh;
    heldSum += lh;
    trainSum += lt;
    diffs.push(lh - lt);
  }
  const chunks = diffs.length;
  const heldOutLoss = heldSum / chunks;
  const trainLoss = trainSum / chunks;
  const gap = heldOutLoss - trainLoss;
  const variance = chunks > 1 ? diffs.reduce((s, d) => s + (d - gap) ** 2, 0) / (chunks - 1) : NaN;
  return { trainLoss, heldOutLoss, gap, relativeGap: gap / heldOutLoss, gapStdError: Math.sqrt(variance / chunks), heldOutChunk0: first, examples: n };
}

/** The manifest record of a gap, with the words of how it was measured. */
export function gapRecord(g: LossGap, prediction: string, trainWords: string, heldOutWords: string): { [key: string]: JsonValue } {
  return {
    note:
      `L_simple (${prediction}) of the float16 EMA weights as shipped, on ${g.examples} training examples (${trainWords}) and ${g.examples} held-out ones (${heldOutWords}); ` +
      `chunks of ${GAP_CHUNK} with the (t, ε) of training step k for chunk k, the same for both sets, each example with its own kind (no dropout), as the export's heldOutLoss ` +
      `(whose figure is held-out chunk 0); gap = heldOut − train (> 0: better on the training data, i.e. overfitting), relativeGap = gap / heldOut, ` +
      `gapStdError from the spread of the ${g.examples / GAP_CHUNK} per-chunk differences`,
    ...g,
  };
}

/**
 * A pixel model's two sets (base-64: every scene seen once): the last `count` training scenes of a run that
 * saw `trained` = steps × batch of them (the most recently trained on, the likeliest to be remembered),
 * and the first `count` held-out scenes (those of heldOutLoss).
 */
export function pixelGapSets(root: number, resolution: number, trained: number, count: number): { train: Batch; heldOut: Batch; words: [string, string] } {
  const first = Math.max(0, trained - count);
  return {
    train: renderExamples(root, 'train', first, count, resolution),
    heldOut: renderExamples(root, 'heldout', 0, count, resolution),
    words: [`training scenes ${first}…${first + count - 1}, the last of the ${trained} the run trained on, each once`, 'the first held-out scenes, never trained on'],
  };
}
