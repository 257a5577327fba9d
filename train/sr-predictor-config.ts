// The config of an SR stage's predictor run (train/configs/sr-*-predictor.ts), derived from its denoiser's: the
// same net, crops, seed and preconditioning statistics, trained for the conditional mean (sr.regression).
import type { TrainConfig } from './train-config';

/** The run-specific keys a predictor config sets itself. */
export type PredictorRun = Pick<TrainConfig, 'steps' | 'warmup' | 'threads'>;

export function predictorConfig(denoiser: TrainConfig, run: PredictorRun): TrainConfig {
  // No t is drawn (every example is at t = T), so the denoiser's low-noise draws are left out, and so is its
  // own predictor.
  const { lowNoiseShare: _share, lowNoiseFrom: _from, predictor: _predictor, refineFrom: _refineFrom, ...sr } = denoiser.sr!;
  return {
    ...denoiser,
    ...run,
    sr: {
      ...sr,
      augZeroShare: 0.5, // half the examples at aug level 0 from the start, as in the denoiser's late training
      augZeroFrom: 0, // from the first step
      varianceWeightFrom: 0, // the pixel MSE throughout (regression implies it; kept for the record)
      regression: true, // t = T, ε = 0: the conditional mean of x₀ given the low-res input (sr-objective.ts)
    },
  };
}
