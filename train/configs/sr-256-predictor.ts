// The predictor of the 64 → 256 stage (Whang et al. 2022, "Deblurring via Stochastic Refinement", arXiv 2112.02475): the
// same U-Net as sr-256, trained on the same crops for the pixel MSE of x₀ given the low-res input alone
// (train/sr-data.ts SrSettings.regression). Its output, the conditional mean, is sharper than bicubic where
// the low-res pixels pin an edge down (an area-downsampled edge's position is in its mixed pixel's colour,
// which no linear map can read); the sr-256 denoiser then refines from it (CCDF, Chung et al. 2022: start the
// reverse process at t₀ < T from the noised estimate instead of from pure noise).
import type { TrainConfig } from '../train-config';
import sr256 from './sr-256';

// No t is drawn (every example is at t = T), so the denoiser's low-noise draws are left out, and so is the
// denoiser's own predictor.
const { lowNoiseShare: _share, lowNoiseFrom: _from, predictor: _predictor, refineFrom: _refineFrom, ...denoiserSr } = sr256.sr!;

const config: TrainConfig = {
  ...sr256,
  // Steps 0–1901 ran as an experiment with an env-gated patch to sr-256 that did what sr.regression does now
  // (t = T, ε = 0, σ_d²-weighted components from step 0), planned to 2400 steps with warmup 100; the
  // checkpoint was then given this config and resumed, so the cosine decay is re-stretched from step 1901.
  steps: 7500, // 1901 + ≈ 1.9 h at 1.2 s/step on one wasm thread, beside the sr-1024 predictor
  warmup: 100, // as the experiment had it (the checkpoint's schedule)
  threads: 1, // one wasm thread beside the sr-1024 predictor's run
  sr: {
    ...denoiserSr,
    augZeroShare: 0.5, // half the examples at aug level 0 from the start, as the denoiser's late training
    augZeroFrom: 0, // from the first step
    varianceWeightFrom: 0, // the pixel MSE throughout (regression implies it; kept for the record)
    regression: true, // t = T, ε = 0: the conditional mean of x₀ given the low-res input (sr-objective.ts)
  },
};

export default config;
