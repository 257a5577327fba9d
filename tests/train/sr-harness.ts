// Shared set-up for the super-resolution training tests: a tiny SR config on the real SR code path.
import sr256 from '../../train/configs/sr-256';
import type { TrainConfig } from '../../train/train-config';
import { tinyConfig } from './harness';

/**
 * A tiny super-resolution config on the real SR code path: 16-px crops of 64-px renders with their
 * 4-px low-res windows, 2×2 space-to-depth, noise-augmentation levels as the extra scalar.
 */
export function tinySrConfig(changes: Partial<TrainConfig> = {}): TrainConfig {
  const tiny = tinyConfig();
  return {
    ...tiny,
    model: { ...tiny.model, imageChannels: 12, extraChannels: 12, outChannels: 12, classes: 0, extraScalar: true, ...(changes.model ?? {}) },
    condDropout: 0,
    // x₀-prediction: given the conditioning, x₀ ≈ the upsampled low-res crop, a linear path a fresh net
    // finds in a few dozen steps (measured: 0.23 → 0.10 over 30 steps); ε- and v-losses at this size
    // fall only ~15% in 30 steps, too little to tell learning from the spread of t.
    prediction: 'x0',
    resolution: 16,
    steps: 30,
    sr: { ...structuredClone(sr256.sr!), fullSize: 64, spaceToDepth: 2 },
    ...changes,
  };
}
