// A tiny scene-kind classifier (conv → GroupNorm → SiLU per level, 2× average-pool down, global mean,
// one dense layer), built from the U-Net's layer list, ops and weight files. Its penultimate layer is the
// feature space of the Fréchet distance the evaluation reports (the FID recipe of Heusel et al. 2017 with
// a small in-domain network in place of Inception, as e.g. "FID on MNIST" uses a LeNet).
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../math/rng';
import { layerFlops, layerParams } from './count';
import type { Layer } from './layout';
import type { JsonValue } from './manifest';
import { down2, groupNorm, GROUP_NORM_EPS, silu } from './ops';
import { sha256Hex } from './sha256';
import { initLayers, layerSpecs } from './unet';
import { decodeWeights, sizeOf, weightsToTensors, type StoredWeightSpec, type WeightSpec } from './weights';

export interface ClassifierConfig {
  /** Input channels (3 for RGB in [-1, 1]). */
  imageChannels: number;
  /** Input side in pixels; must be divisible by 2^(levels−1). */
  resolution: number;
  /** Channels per level; level l runs at resolution / 2^l. The last width is the feature dimension. */
  widths: number[];
  /** 3×3 convs per level, one entry per level (each conv → GroupNorm → SiLU). */
  convs: number[];
  /** GroupNorm groups; must divide every width. */
  groups: number;
  normEps: number;
  /** Output classes (the scene kinds). */
  classes: number;
}

export const DEFAULT_CLASSIFIER: Readonly<ClassifierConfig> = Object.freeze({
  imageChannels: 3,
  resolution: 64,
  widths: [16, 32, 64, 64],
  convs: [1, 1, 2, 2],
  groups: 8,
  normEps: GROUP_NORM_EPS,
  classes: 7,
});

/** Validates a config; throws naming the field. */
export function checkClassifierConfig(c: ClassifierConfig): ClassifierConfig {
  const int = (name: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`ClassifierConfig.${name} must be an integer ≥ 1, got ${JSON.stringify(v)}`);
  };
  int('imageChannels', c.imageChannels);
  int('resolution', c.resolution);
  int('groups', c.groups);
  int('classes', c.classes);
  if (!Array.isArray(c.widths) || c.widths.length === 0) throw new Error('ClassifierConfig.widths must be a non-empty array');
  c.widths.forEach((w, i) => {
    int(`widths[${i}]`, w);
    if (w % c.groups !== 0) throw new Error(`ClassifierConfig.groups (${c.groups}) must divide widths[${i}] = ${w}`);
  });
  if (!Array.isArray(c.convs) || c.convs.length !== c.widths.length) throw new Error(`ClassifierConfig.convs needs one entry per level (${c.widths.length})`);
  c.convs.forEach((n, i) => int(`convs[${i}]`, n));
  if (c.resolution % 2 ** (c.widths.length - 1) !== 0) throw new Error(`ClassifierConfig.resolution must be divisible by ${2 ** (c.widths.length - 1)}`);
  if (!(typeof c.normEps === 'number' && c.normEps > 0)) throw new Error('ClassifierConfig.normEps must be > 0');
  return { ...c, widths: [...c.widths], convs: [...c.convs] };
}

/** Every weighted layer, in weight-file order. */
export function classifierLayers(c: ClassifierConfig): Layer[] {
  const layers: Layer[] = [];
  let cin = c.imageChannels;
  c.widths.forEach((w, l) => {
    for (let i = 0; i < c.convs[l]; i++) {
      const name = `level.${l}.${i}`;
      layers.push({ kind: 'conv', name: `${name}.conv`, k: 3, cin, cout: w, level: l, init: 'he' }, { kind: 'norm', name: `${name}.norm`, c: w });
      cin = w;
    }
  });
  layers.push({ kind: 'dense', name: 'head', cin, cout: c.classes, init: 'glorot' });
  return layers;
}

export interface ClassifierOutput {
  /** Unnormalised class scores, [B, classes]. */
  logits: tf.Tensor2D;
  /** The penultimate layer: the global mean of the last level's activations, [B, widths.at(-1)]. */
  features: tf.Tensor2D;
}

export interface Classifier {
  config: ClassifierConfig;
  specs: WeightSpec[];
  featureDim: number;
  paramCount: number;
  /** Forward FLOPs per image (2 × multiply-adds of convs and the dense head). */
  flopsPerImage: number;
  init(rng: Rng): Map<string, Float32Array>;
  /** x [B, R, R, imageChannels] → logits and features; the caller disposes both. Safe under tf.grad. */
  apply(weights: Record<string, tf.Tensor>, x: tf.Tensor4D): ClassifierOutput;
  /**
   * The activations after level `level`'s last conv → GroupNorm → SiLU, [B, R/2^level, R/2^level, widths[level]]:
   * the early layers keep the detail the pooled penultimate features average away (train/eval/detail-features.ts).
   * The caller disposes the result.
   */
  activations(weights: Record<string, tf.Tensor>, x: tf.Tensor4D, level: number): tf.Tensor4D;
}

export function buildClassifier(input: ClassifierConfig = DEFAULT_CLASSIFIER): Classifier {
  const config = checkClassifierConfig(input);
  const layers = classifierLayers(config);
  const specs = layerSpecs(layers);
  const r = config.resolution;
  /** Levels 0..last of the trunk, inside the caller's tidy. */
  function trunk(w: Record<string, tf.Tensor>, x: tf.Tensor4D, last: number): tf.Tensor4D {
    if (x.rank !== 4 || x.shape[1] !== r || x.shape[2] !== r || x.shape[3] !== config.imageChannels) {
      throw new Error(`Classifier: x must be [B, ${r}, ${r}, ${config.imageChannels}], got [${x.shape}]`);
    }
    for (const s of specs) if (!w[s.name]) throw new Error(`Classifier: weight "${s.name}" is missing`);
    let h: tf.Tensor4D = x;
    for (let l = 0; l <= last; l++) {
      if (l > 0) h = down2(h); // [B, R/2^l, R/2^l, C]
      for (let i = 0; i < config.convs[l]; i++) {
        const name = `level.${l}.${i}`;
        const y = tf.fused.conv2d({ x: h, filter: w[`${name}.conv.w`] as tf.Tensor4D, strides: 1, pad: 'same', bias: w[`${name}.conv.b`] });
        h = silu(groupNorm(y, w[`${name}.norm.gamma`] as tf.Tensor1D, w[`${name}.norm.beta`] as tf.Tensor1D, config.groups, config.normEps));
      }
    }
    return h;
  }
  function activations(w: Record<string, tf.Tensor>, x: tf.Tensor4D, level: number): tf.Tensor4D {
    if (!Number.isInteger(level) || level < 0 || level >= config.widths.length) throw new Error(`Classifier: level ${level} is not one of 0..${config.widths.length - 1}`);
    return tf.tidy(() => trunk(w, x, level));
  }
  function apply(w: Record<string, tf.Tensor>, x: tf.Tensor4D): ClassifierOutput {
    return tf.tidy(() => {
      const h = trunk(w, x, config.widths.length - 1);
      const features = tf.mean(h, [1, 2]) as tf.Tensor2D; // [B, F]
      const logits = tf.fused.matMul({ a: features, b: w['head.w'] as tf.Tensor2D, bias: w['head.b'] }) as tf.Tensor2D; // [B, K]
      return { logits, features };
    });
  }
  return {
    config,
    specs,
    featureDim: config.widths[config.widths.length - 1],
    paramCount: layers.reduce((n, l) => n + layerParams(l), 0),
    flopsPerImage: layers.reduce((n, l) => n + layerFlops(l, r, r), 0),
    init: (rng) => initLayers(layers, rng),
    apply,
    activations,
  };
}

export const CLASSIFIER_MANIFEST_VERSION = 1;

/** pretrained/scene-classifier/manifest.json: the U-Net manifest's fields, with the classifier's config. */
export interface ClassifierManifest {
  formatVersion: number;
  name: string;
  architecture: 'scene-classifier';
  config: ClassifierConfig;
  /** Class names in logit order. */
  classNames: string[];
  weightsFile: string;
  weights: StoredWeightSpec[];
  weightsSha256: string;
  paramCount: number;
  flopsPerImage: number;
  data: { description: string; details?: { [key: string]: JsonValue } };
  steps: number;
  wallTimeSeconds: number;
  machine: string;
  lossCurve: { step: number; loss: number }[];
  evaluation: { [metric: string]: JsonValue };
  commit: string;
  createdAt: string;
}

/** Validates a classifier manifest (JSON text or object). Errors name the file and the field. */
export function parseClassifierManifest(json: unknown, fileName: string): ClassifierManifest {
  const fail = (msg: string): never => {
    throw new Error(`${fileName}: ${msg}`);
  };
  let m: Record<string, unknown> = {};
  try {
    m = (typeof json === 'string' ? JSON.parse(json) : json) as Record<string, unknown>;
  } catch (e) {
    fail(`not valid JSON (${(e as Error).message})`);
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return fail('must hold a JSON object');
  const has = (k: string) => (k in m ? m[k] : fail(`field "${k}" is missing`));
  const str = (k: string) => (typeof has(k) === 'string' && (m[k] as string).length > 0 ? (m[k] as string) : fail(`field "${k}" must be a non-empty string`));
  const num = (k: string) => (typeof has(k) === 'number' && Number.isFinite(m[k]) && (m[k] as number) >= 0 ? (m[k] as number) : fail(`field "${k}" must be a finite number ≥ 0`));
  const obj = (k: string) => (typeof has(k) === 'object' && m[k] !== null && !Array.isArray(m[k]) ? (m[k] as Record<string, unknown>) : fail(`field "${k}" must be an object`));
  if (num('formatVersion') !== CLASSIFIER_MANIFEST_VERSION) fail(`formatVersion ${String(m.formatVersion)} is not supported`);
  if (has('architecture') !== 'scene-classifier') fail(`field "architecture" must be "scene-classifier"`);
  let model: Classifier;
  try {
    model = buildClassifier(obj('config') as unknown as ClassifierConfig);
  } catch (e) {
    return fail(`field "config": ${(e as Error).message}`);
  }
  const classNames = has('classNames');
  if (!Array.isArray(classNames) || classNames.length !== model.config.classes || !classNames.every((c) => typeof c === 'string')) {
    fail(`field "classNames" must list ${model.config.classes} names`);
  }
  const weights = has('weights');
  if (!Array.isArray(weights) || weights.length !== model.specs.length) fail(`field "weights" must list the ${model.specs.length} tensors the config builds`);
  (weights as StoredWeightSpec[]).forEach((w, i) => {
    const s = model.specs[i];
    if (!w || w.name !== s.name || !Array.isArray(w.shape) || w.shape.join() !== s.shape.join() || !Number.isInteger(w.offset)) {
      fail(`field "weights[${i}]" must be ${s.name} [${s.shape}] with an integer offset`);
    }
  });
  if (!/^[0-9a-f]{64}$/.test(str('weightsSha256'))) fail('field "weightsSha256" must be 64 lowercase hex digits');
  if (num('paramCount') !== model.paramCount) fail(`field "paramCount" is ${String(m.paramCount)}, the config has ${model.paramCount}`);
  if (typeof obj('data').description !== 'string') fail('field "data" must be {description, details?}');
  if (!Array.isArray(has('lossCurve'))) fail('field "lossCurve" must be an array');
  obj('evaluation');
  if (Number.isNaN(Date.parse(str('createdAt')))) fail('field "createdAt" is not an ISO 8601 time');
  for (const k of ['name', 'weightsFile', 'machine', 'commit']) str(k);
  for (const k of ['flopsPerImage', 'steps', 'wallTimeSeconds']) num(k);
  return { ...(m as unknown as ClassifierManifest), config: model.config };
}

/** Checks the weight file (size, SHA-256) and makes the tensors; the caller disposes `weights`. */
export async function loadClassifier(
  manifest: ClassifierManifest,
  bin: Uint8Array,
  fileName = `pretrained/${manifest.name}/${manifest.weightsFile}`,
): Promise<{ classifier: Classifier; weights: Record<string, tf.Tensor> }> {
  const bytes = manifest.weights.reduce((n, s) => Math.max(n, s.offset + 2 * sizeOf(s.shape)), 0);
  if (bin.byteLength !== bytes) throw new Error(`${fileName}: ${bin.byteLength} bytes, the manifest describes ${bytes}`);
  const sha = await sha256Hex(bin);
  if (sha !== manifest.weightsSha256) throw new Error(`${fileName}: SHA-256 ${sha} does not match the manifest's ${manifest.weightsSha256}`);
  const classifier = buildClassifier(manifest.config);
  return { classifier, weights: weightsToTensors(decodeWeights(bin, manifest.weights, fileName), classifier.specs) };
}
