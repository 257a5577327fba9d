// A tiny U-Net at 16×16 for smoke tests and the resume test: a few dozen steps take seconds.
// Same code path as base-64 (class conditioning, AdamW, EMA, clipping), only smaller; ε-prediction
// so the smoke test sees a clear fall (the resume test switches to v to cover base-64's target).
import { SCENE_KINDS } from '../../src/lib/data';
import type { TrainConfig } from '../train-config';

const config: TrainConfig = {
  model: {
    imageChannels: 3, // RGB, like the real model
    extraChannels: 0, // no conditioning image
    baseChannels: 8, // the smallest width GroupNorm(4) still splits into 2-channel groups
    channelMults: [1, 2], // two levels (16 and 8 px) exercise down2, up2 and the skip concat
    resBlocks: [1, 1], // one block per level: enough to cover every layer type
    groups: 4, // divides 8 and 16
    normEps: 1e-5, // same as base-64
    timeFeatures: 16, // fewer sinusoids: t only needs to be distinguishable, not finely resolved
    embedDim: 32, // 4 × baseChannels, as in base-64
    timeScale: 1, // integer t, as in base-64
    classes: SCENE_KINDS.length, // conditioned like base-64 so the dropout path is tested
    extraScalar: false, // as in base-64
    scalarScale: 1000, // unused; complete config
    upConv: true, // as in base-64
    outChannels: 3, // one prediction per channel
    extraResidual: false, // nothing to add: no conditioning image
  },
  resolution: 16, // 16×16 renders cost microseconds
  schedule: 'cosine', // as in base-64
  T: 1000, // as in base-64
  // ε, unlike base-64: an ε-loss starts at E[ε²] = 1 and halves within ~30 steps as the net learns
  // ε ≈ x_t at high t, a clear smoke signal; a v-loss starts lower and is dominated by the draw of t.
  prediction: 'eps',
  condDropout: 0.1, // as in base-64
  batch: 8, // small, but large enough that the per-step loss is not all noise from the draw of t
  steps: 40, // the smoke test's length: long enough for the loss to fall visibly
  lr: 1e-2, // high so a few dozen steps move a fresh net (measured: 1e-2 learns fastest of 3e-3…2e-2 here)
  minLr: 1e-3, // lr/10, as in base-64
  warmup: 4, // a short warm-up, so the warm-up branch is exercised
  beta1: 0.9, // Adam default
  beta2: 0.999, // Adam default
  adamEps: 1e-8, // Adam default
  weightDecay: 0.01, // as in base-64, so the decay path is exercised
  gradClip: 1, // as in base-64
  emaDecay: 0.99, // short horizon for a short run
  seed: 1, // fixed for reproducible tests
  ckptMinutes: 5, // tests checkpoint at the end or at --until
  keepCheckpoints: 2, // keeps the folder small in tests, still > 1 to test pruning
  threads: 1, // tests run beside others; one thread is the safe fallback
  backend: 'wasm', // the backend the real run uses
};

export default config;
