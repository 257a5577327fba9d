// An SR stage's predictor packed beside its denoiser (src/lib/pipelines/sr-predictor.ts): the latest checkpoint
// of the predictor run named by the config file's sr.predictor, both nets' EMA weights in one weight file. Two
// nets of ~0.9 M weights are 3.6 MB in float16, over the 2 MB a stage may take, so their large tensors go int8
// with per-channel scales (src/lib/models/weights.ts); biases and norms stay float16.
import { join } from 'node:path';
import { PREDICTOR_PREFIX } from '../src/lib/models/manifest';
import type { UNetConfig } from '../src/lib/models/config';
import { encodeWeights, type StoredWeightSpec, type WeightSpec } from '../src/lib/models/weights';
import { CheckpointError, latestCheckpoint, readCheckpoint, type CheckpointState } from './checkpoint';
import type { JsonValue } from '../src/lib/models/manifest';
import type { TrainConfig } from './train-config';

/** Tensors of at least this many values are stored int8: every conv and dense kernel of the SR nets. */
export const STAGE_INT8_FROM = 1024;

export interface PredictorPack {
  state: CheckpointState;
  /** The t at which the denoiser takes over (sr.refineFrom of the config file). */
  refineFrom: number;
}

/** A checkpoint's EMA weights by name. */
export function emaOf(state: CheckpointState): Map<string, Float32Array> {
  return new Map([...state.tensors].filter(([k]) => k.startsWith('ema/')).map(([k, a]) => [k.slice(4), a.data]));
}

/**
 * The predictor the config file names, from the latest checkpoint in `dir` (default .checkpoints/<predictor>),
 * or undefined when the file names none. Throws CheckpointError when it names one that is not there or not a
 * predictor of the same net.
 */
export function findPredictor(file: TrainConfig, denoiser: UNetConfig | TrainConfig['model'], dir?: string): PredictorPack | undefined {
  const name = file.sr?.predictor;
  if (name === undefined || file.sr?.refineFrom === undefined) return undefined;
  const where = dir ?? join('.checkpoints', name);
  const latest = latestCheckpoint(where);
  if (!latest) throw new CheckpointError(`sr.predictor ${name}: no checkpoint in ${where} (train it first: npm run train -- ${name}, or pass --predictor-ckpt-dir)`);
  const state = readCheckpoint(latest);
  if (!state.config.sr?.regression) throw new CheckpointError(`${latest}: not a predictor run (its config has no sr.regression)`);
  if (JSON.stringify(state.config.model) !== JSON.stringify(denoiser)) throw new CheckpointError(`${latest}: the predictor's net differs from the denoiser's`);
  return { state, refineFrom: file.sr.refineFrom };
}

/**
 * Both nets in one file, as encodeWeights returns one: `specs` the denoiser's, `predictorWeights` the predictor's
 * (stored without the prefix; loadModel adds it back, manifest.ts storedSpecs).
 */
export async function encodeStage(denoiser: Map<string, Float32Array>, predictor: Map<string, Float32Array>, specs: readonly WeightSpec[]) {
  const all = new Map([...denoiser, ...[...predictor].map(([k, v]) => [PREDICTOR_PREFIX + k, v] as const)]);
  const encoded = await encodeWeights(all, [...specs, ...specs.map((s) => ({ ...s, name: PREDICTOR_PREFIX + s.name }))], { int8From: STAGE_INT8_FROM });
  const predictorWeights: StoredWeightSpec[] = encoded.specs.slice(specs.length).map((s) => ({ ...s, name: s.name.slice(PREDICTOR_PREFIX.length) }));
  return { ...encoded, specs: encoded.specs.slice(0, specs.length), predictorWeights };
}

/** What the manifest records of the predictor run (details.sr.predictor). */
export function predictorRecord(p: PredictorPack, lossCurve: { step: number; loss: number }[]): { [key: string]: JsonValue } {
  return { model: p.state.model, steps: p.state.step, wallTimeSeconds: p.state.wallSeconds, machine: p.state.machine ?? 'unknown', lossCurve };
}
