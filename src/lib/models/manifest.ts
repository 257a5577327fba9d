// pretrained/<model>/manifest.json: what a trained model is, how it was made and how good it is, plus
// parsing/checking shared by Node and the browser (the caller fetches the files; this checks them).
import type * as tf from '@tensorflow/tfjs-core';
import { resolveConfig, type UNetConfig } from './config';
import { countParams } from './count';
import { buildUNet, type UNet } from './unet';
import { sha256Hex } from './sha256';
import { decodeWeights, storedBytes, weightsToTensors, type StoredWeightSpec } from './weights';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const MANIFEST_VERSION = 1;

export interface Manifest {
  /** Format version of this file (MANIFEST_VERSION). */
  formatVersion: number;
  /** Model name, also its folder: `pretrained/<name>/` (e.g. "base-64"). */
  name: string;
  /** Which builder reads `config`. */
  architecture: 'unet';
  /** The resolved config (resolveConfig output), so the model rebuilds exactly. */
  config: UNetConfig;
  /** Weight file name inside the model folder (usually "weights.bin"). */
  weightsFile: string;
  /** Every tensor: name, shape and byte offset of its values in the weight file (float16, or int8 with scales). */
  weights: StoredWeightSpec[];
  /**
   * A second net of the same config in the same file, or absent: a super-resolution stage's predictor (Whang
   * et al. 2022; pipelines/super-resolution.ts), loaded as weights named `predictor/<name>`.
   */
  predictorWeights?: StoredWeightSpec[];
  /** SHA-256 of the weight file, lowercase hex. */
  weightsSha256: string;
  /** Trainable scalars (= countParams(config)). */
  paramCount: number;
  /** Forward FLOPs per image (one call at batch 1) at the resolutions the lessons run. */
  flops: { height: number; width: number; flopsPerImage: number }[];
  /** What it was trained on: a sentence, plus free-form details (sizes, seeds, scene kinds). */
  data: { description: string; details?: { [key: string]: JsonValue } };
  /** Optimiser steps taken. */
  steps: number;
  /** Training wall time, seconds (summed over resumed runs). */
  wallTimeSeconds: number;
  /** The machine and runtime, in words (CPU, threads, backend, Node and tfjs versions). */
  machine: string;
  /** Training loss, downsampled to a few hundred points. */
  lossCurve: { step: number; loss: number }[];
  /** Evaluation results by metric name (free-form: numbers, strings, nested records). */
  evaluation: { [metric: string]: JsonValue };
  /** Git commit of the code that trained it. */
  commit: string;
  /** ISO 8601 time the file was written. */
  createdAt: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates a manifest (JSON text or a parsed object). Errors name the file and the field. */
export function parseManifest(json: unknown, fileName: string): Manifest {
  const fail = (msg: string): never => {
    throw new Error(`${fileName}: ${msg}`);
  };
  let raw: unknown = json;
  if (typeof json === 'string') {
    try {
      raw = JSON.parse(json);
    } catch (e) {
      fail(`not valid JSON (${(e as Error).message})`);
    }
  }
  if (!isObj(raw)) return fail('must hold a JSON object');
  const m = raw;
  const field = (name: string): unknown => (name in m ? m[name] : fail(`field "${name}" is missing`));
  const str = (name: string): string => {
    const v = field(name);
    return typeof v === 'string' && v.length > 0 ? v : fail(`field "${name}" must be a non-empty string`);
  };
  const num = (name: string, v: unknown = field(name)): number =>
    typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fail(`field "${name}" must be a finite number ≥ 0`);
  const arr = (name: string): unknown[] => {
    const v = field(name);
    return Array.isArray(v) ? v : fail(`field "${name}" must be an array`);
  };

  const formatVersion = num('formatVersion');
  if (formatVersion !== MANIFEST_VERSION) fail(`formatVersion ${formatVersion} is not supported (expected ${MANIFEST_VERSION})`);
  if (field('architecture') !== 'unet') fail(`field "architecture" must be "unet", got ${JSON.stringify(m.architecture)}`);
  const rawConfig = field('config');
  if (!isObj(rawConfig)) fail('field "config" must be an object');
  let config: UNetConfig;
  try {
    config = resolveConfig(rawConfig as UNetConfig);
  } catch (e) {
    return fail(`field "config": ${(e as Error).message}`);
  }
  // The specs must be the ones this code builds from the config, or the weights would be misread.
  const expected = buildUNet(config).specs;
  const specList = (name: string, list: unknown[]): StoredWeightSpec[] => {
    const specs = list.map((w, i): StoredWeightSpec => {
      const ok = isObj(w) && typeof w.name === 'string' && Array.isArray(w.shape) && w.shape.every((d) => Number.isInteger(d) && d > 0) && Number.isInteger(w.offset);
      if (!ok) return fail(`field "${name}[${i}]" must be {name, shape, offset}`);
      if (w.encoding !== undefined && w.encoding !== 'int8') fail(`field "${name}[${i}].encoding" must be "int8" or absent (float16)`);
      return { name: w.name as string, shape: w.shape as number[], offset: w.offset as number, ...(w.encoding === 'int8' ? { encoding: 'int8' as const } : {}) };
    });
    if (expected.length !== specs.length) fail(`field "${name}" lists ${specs.length} tensors; the config builds ${expected.length}`);
    expected.forEach((s, i) => {
      if (s.name !== specs[i].name || s.shape.join() !== specs[i].shape.join()) {
        fail(`field "${name}[${i}]" is ${specs[i].name} [${specs[i].shape}], the config builds ${s.name} [${s.shape}]`);
      }
    });
    return specs;
  };
  const weights = specList('weights', arr('weights'));
  const rawPredictor = m.predictorWeights;
  if (rawPredictor !== undefined && !Array.isArray(rawPredictor)) fail('field "predictorWeights" must be an array');
  const predictorWeights = rawPredictor === undefined ? undefined : specList('predictorWeights', rawPredictor as unknown[]);
  const paramCount = num('paramCount');
  if (paramCount !== countParams(config)) fail(`field "paramCount" is ${paramCount}, the config has ${countParams(config)}`);
  const sha = str('weightsSha256');
  if (!/^[0-9a-f]{64}$/.test(sha)) fail('field "weightsSha256" must be 64 lowercase hex digits');
  const flops = arr('flops').map((f, i) => {
    if (!isObj(f)) return fail(`field "flops[${i}]" must be {height, width, flopsPerImage}`);
    return { height: num(`flops[${i}].height`, f.height), width: num(`flops[${i}].width`, f.width), flopsPerImage: num(`flops[${i}].flopsPerImage`, f.flopsPerImage) };
  });
  const data = field('data');
  if (!isObj(data) || typeof data.description !== 'string') fail('field "data" must be {description, details?}');
  const lossCurve = arr('lossCurve').map((p, i) => {
    if (!isObj(p)) return fail(`field "lossCurve[${i}]" must be {step, loss}`);
    return { step: num(`lossCurve[${i}].step`, p.step), loss: num(`lossCurve[${i}].loss`, p.loss) };
  });
  const evaluation = field('evaluation');
  if (!isObj(evaluation)) fail('field "evaluation" must be an object');
  const createdAt = str('createdAt');
  if (Number.isNaN(Date.parse(createdAt))) fail(`field "createdAt" is not an ISO 8601 time: ${createdAt}`);
  return {
    formatVersion,
    name: str('name'),
    architecture: 'unet',
    config,
    weightsFile: str('weightsFile'),
    weights,
    ...(predictorWeights ? { predictorWeights } : {}),
    weightsSha256: sha,
    paramCount,
    flops,
    data: data as Manifest['data'],
    steps: num('steps'),
    wallTimeSeconds: num('wallTimeSeconds'),
    machine: str('machine'),
    lossCurve,
    evaluation: evaluation as Manifest['evaluation'],
    commit: str('commit'),
    createdAt,
  };
}

/** Prefix of the predictor's weights in LoadedModel.weights (manifest predictorWeights). */
export const PREDICTOR_PREFIX = 'predictor/';

/** Every tensor the weight file holds: the net's, then the predictor's named PREDICTOR_PREFIX + name. */
export function storedSpecs(manifest: Manifest): StoredWeightSpec[] {
  return [...manifest.weights, ...(manifest.predictorWeights ?? []).map((s) => ({ ...s, name: PREDICTOR_PREFIX + s.name }))];
}

/** The weight file's size in bytes, as the manifest describes it. */
export function weightFileBytes(manifest: Manifest): number {
  return storedSpecs(manifest).reduce((n, s) => Math.max(n, s.offset + storedBytes(s)), 0);
}

export interface LoadedModel {
  unet: UNet;
  /**
   * One tensor per weight, the predictor's (if any) named PREDICTOR_PREFIX + name. The caller disposes them
   * (tf.dispose(Object.values(weights))).
   */
  weights: Record<string, tf.Tensor>;
}

/**
 * Checks the weight file against the manifest (size, then SHA-256); throws a message naming `fileName`.
 * Separate from making the tensors, so a download can be checked while the backend is busy with a job.
 */
export async function checkWeightFile(manifest: Manifest, bin: Uint8Array, fileName = `pretrained/${manifest.name}/${manifest.weightsFile}`): Promise<void> {
  const bytes = weightFileBytes(manifest);
  if (bin.byteLength !== bytes) throw new Error(`${fileName}: ${bin.byteLength} bytes, the manifest describes ${bytes}`);
  const sha = await sha256Hex(bin);
  if (sha !== manifest.weightsSha256) {
    throw new Error(`${fileName}: SHA-256 ${sha} does not match the manifest's ${manifest.weightsSha256} (corrupt or from another model)`);
  }
}

/** The U-Net and its tensors from a weight file already checked (checkWeightFile), on the current backend. */
export function modelFromCheckedFile(manifest: Manifest, bin: Uint8Array, fileName = `pretrained/${manifest.name}/${manifest.weightsFile}`): LoadedModel {
  const all = storedSpecs(manifest);
  return { unet: buildUNet(manifest.config), weights: weightsToTensors(decodeWeights(bin, all, fileName), all) };
}

/**
 * Checks the weight file against the manifest (size, then SHA-256) and makes the tensors.
 * `fileName` names the file in errors; it defaults to pretrained/<name>/<weightsFile>.
 */
export async function loadModel(manifest: Manifest, bin: Uint8Array, fileName = `pretrained/${manifest.name}/${manifest.weightsFile}`): Promise<LoadedModel> {
  await checkWeightFile(manifest, bin, fileName);
  return modelFromCheckedFile(manifest, bin, fileName);
}
