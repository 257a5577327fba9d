// The scene-kind classifier's training config (nanoGPT style: every value says why). The classifier is
// the feature extractor of the Fréchet distance (frechet.ts), so it only has to separate the 7 kinds
// and give features that respond to layout and texture; it trains in minutes on the wasm backend.
import { SCENE_KINDS } from '../../src/lib/data';
import type { ClassifierConfig } from '../../src/lib/models/classifier';

export interface ClassifierTrainConfig {
  model: ClassifierConfig;
  /** Root seed of the training scenes (training split: seeds with the top bit clear, dataset.ts). */
  seed: number;
  batch: number;
  steps: number;
  lr: number;
  minLr: number;
  warmup: number;
  beta1: number;
  beta2: number;
  adamEps: number;
  weightDecay: number;
  gradClip: number;
  /** Held-out scenes (top bit set) the accuracy is measured on. */
  heldOutCount: number;
  /** Wasm threads; 1 leaves the second core to the diffusion training that runs beside it. */
  threads: 1 | 2;
}

export const CLASSIFIER_NAME = 'scene-classifier';

export const classifierTrainConfig: ClassifierTrainConfig = {
  model: {
    imageChannels: 3, // RGB in [-1, 1], as the diffusion models see scenes
    resolution: 64, // the base model's resolution: the Fréchet distance compares 64² samples with 64² scenes
    widths: [16, 32, 64, 64], // 64, 32, 16, 8 px; the last width is the 64-d feature space of the distance
    convs: [1, 1, 2, 2], // thin at full resolution (cost), deeper at 16 and 8 px where layout is seen whole
    groups: 8, // GroupNorm(8), as the U-Net
    normEps: 1e-5, // as the U-Net
    classes: SCENE_KINDS.length, // one logit per scene kind
  },
  seed: 20250202, // not base-64's root (20250101); training seeds never overlap any held-out seed anyway (top bit)
  batch: 32, // 32 scenes ≈ 5 of each kind per step; ≈ 1.6 GFLOP forward, cheap next to the U-Net's 15
  steps: 200, // 6,400 scenes, each seen once; measured: the loss falls from 1.95 to 0.005 within 100 steps
  lr: 2e-3, // a small net with GroupNorm tolerates a high rate; clipping and warm-up guard the start
  minLr: 2e-4, // cosine decay to lr/10, as the diffusion configs
  warmup: 50, // a few percent of the run
  beta1: 0.9, // Adam defaults
  beta2: 0.999,
  adamEps: 1e-8,
  weightDecay: 1e-4, // light: the data is unlimited, overfitting is not the risk
  gradClip: 1, // global-norm clip, as the diffusion runs
  heldOutCount: 1400, // ≈ 200 per kind: a 1-point accuracy difference is ≈ 2.8 scenes
  threads: 1,
};
