// The predictor of the 256 → 1024 stage: the same U-Net as sr-1024, trained for the pixel MSE of x₀ given the
// low-res input alone (train/sr-predictor-config.ts; see sr-256-predictor.ts for why).
import { predictorConfig } from '../sr-predictor-config';
import sr1024 from './sr-1024';

export default predictorConfig(sr1024, {
  steps: 8000, // ≈ 1.9 h at 0.85 s/step on one wasm thread, beside the sr-256 predictor: the two runs fill the session's two cores
  warmup: 150, // about 2% of the run: the net starts from scratch, but a regression's loss is smooth from the first step
  threads: 1, // one wasm thread beside the sr-256 predictor's run
});
