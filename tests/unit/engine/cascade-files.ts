// Model folders for the engine's cascade tests: tiny random nets exported by train/export.ts (as the shipped
// models are) and served from memory by a fake fetch, so the host loads them as a page would.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUNet } from '../../../src/lib/models/unet';
import type { CheckpointState } from '../../../train/checkpoint';
import { exportModel } from '../../../train/export';
import type { TrainConfig } from '../../../train/train-config';
import { randomWeights } from '../pipelines/cascade-models';

export const MODELS_URL = 'https://course.test/models/';

/** manifest.json and weights.bin of a random-weight model, as export writes them. */
export async function modelFiles(name: string, config: TrainConfig, seed: number): Promise<Record<string, string | Uint8Array>> {
  const unet = buildUNet(config.model);
  const values = randomWeights(config, seed);
  const tensors = new Map(unet.specs.map((s) => [`ema/${s.name}`, { shape: s.shape, data: values.get(s.name)! }]));
  const state: CheckpointState = { model: name, step: 1, config, lossLog: [{ step: 1, loss: 1, lr: 0, gradNorm: 0, secPerStep: 0 }], wallSeconds: 1, machine: 'test', tensors };
  const dir = mkdtempSync(join(tmpdir(), 'noisebook-engine-'));
  try {
    const out = await exportModel(state, { pretrainedDir: dir, machine: 'test' });
    return { 'manifest.json': readFileSync(join(out, 'manifest.json'), 'utf8'), 'weights.bin': new Uint8Array(readFileSync(join(out, 'weights.bin'))) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A fetch that serves `folders[name][file]` at MODELS_URL + name/file, and 404 for the rest. */
export function serve(folders: Record<string, Record<string, string | Uint8Array>>): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    const [name, file] = url.startsWith(MODELS_URL) ? url.slice(MODELS_URL.length).split('/') : [];
    const body = name !== undefined ? folders[name]?.[file] : undefined;
    return body === undefined ? new Response('', { status: 404 }) : new Response(body as BodyInit);
  }) as typeof fetch;
}
