// The predictor of the 64 → 256 stage (Whang et al. 2022, "Deblurring via Stochastic Refinement", arXiv 2112.02475): the
// same U-Net as sr-256, trained on the same crops for the pixel MSE of x₀ given the low-res input alone
// (train/sr-data.ts SrSettings.regression). Its output, the conditional mean, is sharper than bicubic where
// the low-res pixels pin an edge down (an area-downsampled edge's position is in its mixed pixel's colour,
// which no linear map can read); the sr-256 denoiser then refines from it (CCDF, Chung et al. 2022: start the
// reverse process at t₀ < T from the noised estimate instead of from pure noise).
import { predictorConfig } from '../sr-predictor-config';
import sr256 from './sr-256';

// Steps 0–1901 ran as an experiment with an env-gated patch to sr-256 that did what sr.regression does now
// (t = T, ε = 0, σ_d²-weighted components from step 0), planned to 2400 steps with warmup 100; the
// checkpoint was then given this config and resumed, so the cosine decay is re-stretched from step 1901.
export default predictorConfig(sr256, {
  steps: 7500, // 1901 + ≈ 1.9 h at 1.2 s/step on one wasm thread, beside the sr-1024 predictor; stopped at 7031 (SIGTERM, the lr near its floor) to leave the session time to evaluate: the shipped predictor is that checkpoint
  warmup: 100, // as the experiment had it (the checkpoint's schedule)
  threads: 1, // one wasm thread beside the sr-1024 predictor's run
});
