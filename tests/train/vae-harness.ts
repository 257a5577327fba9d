// Shared set-up for the tests that need an exported autoencoder: a narrow net on small crops, trained one
// step of phase 1 and exported, so that latent sets and latent models can be built from a real export.
import { readCheckpoint } from '../../train/checkpoint';
import base from '../../train/configs/vae';
import { exportVae } from '../../train/vae/vae-export';
import { trainVae } from '../../train/vae/vae-loop';
import type { VaeTrainConfig } from '../../train/vae/vae-train-config';
import { tempDir } from './harness';

/** The shipped recipe on a narrow f = 16 net (4 latent channels) and 64² crops; `changes` override it. */
export function tinyVaeConfig(changes: Partial<VaeTrainConfig> = {}): VaeTrainConfig {
  return {
    ...structuredClone(base),
    model: { imageChannels: 3, latentChannels: 4, channels: [4, 4, 4, 8, 8], encoderBlocks: [0, 1, 1, 1, 1], decoderBlocks: [1, 1, 1, 1, 1] },
    crop: 64,
    batch: 1,
    phase1Steps: 1,
    phase2Steps: 0,
    discWarmup: 0,
    warmup: 0,
    ...changes,
  };
}

/** Trains the tiny autoencoder one step and exports it; resolves to its folder (…/vae). Needs the wasm backend. */
export async function tinyVaeExport(prefix: string): Promise<string> {
  const run = await trainVae({ config: tinyVaeConfig(), dir: tempDir(`${prefix}-vae`), progress: null });
  return exportVae(readCheckpoint<VaeTrainConfig>(run.checkpoint), { pretrainedDir: tempDir(`${prefix}-out`), machine: 'test' });
}
