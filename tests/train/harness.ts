// Shared set-up for the training tests: the wasm training backend (1 thread) and the tiny config.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initTrainingBackend } from '../../train/backend';
import tiny from '../../train/configs/tiny';
import type { TrainConfig } from '../../train/train-config';

export async function wasmBackend(): Promise<void> {
  await initTrainingBackend({ threads: 1, verbose: false });
}

/** The tiny config with changes (a fresh copy each call). */
export function tinyConfig(changes: Partial<TrainConfig> = {}): TrainConfig {
  return { ...structuredClone(tiny), ...changes };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `noisebook-${prefix}-`));
}
