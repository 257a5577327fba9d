// The predictor of the 256 → 1024 stage: the same U-Net as sr-1024, trained for the pixel MSE of x₀ given the
// low-res input alone (train/sr-data.ts SrSettings.regression; see sr-256-predictor.ts for why).
import type { TrainConfig } from '../train-config';
import sr1024 from './sr-1024';

// No t is drawn (every example is at t = T), so the denoiser's low-noise draws are left out, and so is the
// denoiser's own predictor.
const { lowNoiseShare: _share, lowNoiseFrom: _from, predictor: _predictor, refineFrom: _refineFrom, ...denoiserSr } = sr1024.sr!;

const config: TrainConfig = {
  ...sr1024,
  steps: 8000, // ≈ 1.9 h at 0.85 s/step on one wasm thread, beside the sr-256 predictor: the two runs fill the session's two cores
  warmup: 150, // about 2% of the run: the net starts from scratch, but a regression's loss is smooth from the first step
  threads: 1, // one wasm thread beside the sr-256 predictor's run
  sr: {
    ...denoiserSr,
    augZeroShare: 0.5, // half the examples at aug level 0 from the start, as the denoiser's late training
    augZeroFrom: 0, // from the first step
    varianceWeightFrom: 0, // the pixel MSE throughout (regression implies it; kept for the record)
    regression: true, // t = T, ε = 0: the conditional mean of x₀ given the low-res input (sr-objective.ts)
  },
};

export default config;
