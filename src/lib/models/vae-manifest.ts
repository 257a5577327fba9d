// pretrained/vae/manifest.json: the autoencoder's manifest (the U-Net's is manifest.ts). One weight file
// holds the encoder, the final decoder and, once phase 2 has run, the phase-1 decoder beside it, so a
// lesson can decode one latent with both (LDM's two-phase recipe, Rombach et al. 2022 §3.1).
import type * as tf from '@tensorflow/tfjs-core';
import type { JsonValue } from './manifest';
import { sha256Hex } from './sha256';
import { buildVae, type Vae } from './vae';
import { resolveVaeConfig, type VaeConfig } from './vae-config';
import { decodeWeights, storedBytes, weightsToTensors, type StoredWeightSpec } from './weights';

export const VAE_MANIFEST_VERSION = 1;

/** Prefix of the phase-1 decoder's weights in LoadedVae.weights. */
export const PHASE1_PREFIX = 'phase1/';

export interface VaeManifest {
  formatVersion: number;
  name: string;
  architecture: 'vae';
  config: VaeConfig;
  weightsFile: string;
  /** Encoder then final decoder, in vae.specs order. */
  weights: StoredWeightSpec[];
  /** The phase-1 decoder (reconstruction + KL only), in decoderSpecs order; absent before phase 2. */
  phase1Weights?: StoredWeightSpec[];
  weightsSha256: string;
  /**
   * SHA-256 of the encoder's bytes alone (the head of the weights file). Phase 2 freezes the encoder, so
   * every export from the end of phase 1 on has the same one even as the decoder changes: latent data sets
   * and latent models name the encoder they belong to by it. Absent in exports made before it existed.
   */
  encoderSha256?: string;
  /** Scalars of the encoder and of one decoder. */
  paramCount: { encoder: number; decoder: number };
  /** Forward FLOPs of one 1024² (or other) image through each half. */
  flops: { height: number; width: number; encoder: number; decoder: number }[];
  data: { description: string; details?: { [key: string]: JsonValue } };
  /** Steps of phase 1 and phase 2 taken (phase 2 includes the discriminator's warm-up). */
  phases: { phase1Steps: number; phase2Steps: number; discWarmup: number };
  steps: number;
  wallTimeSeconds: number;
  machine: string;
  /** Per loss term (l1, grad, kl, adv, disc, lambda), downsampled: [step, value] pairs. */
  lossCurves: { [term: string]: [number, number][] };
  evaluation: { [metric: string]: JsonValue };
  commit: string;
  createdAt: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates a VAE manifest (JSON text or object); errors name the file and the field. */
export function parseVaeManifest(json: unknown, fileName: string): VaeManifest {
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
  if (field('formatVersion') !== VAE_MANIFEST_VERSION) fail(`formatVersion ${JSON.stringify(m.formatVersion)} is not supported (expected ${VAE_MANIFEST_VERSION})`);
  if (field('architecture') !== 'vae') fail(`field "architecture" must be "vae", got ${JSON.stringify(m.architecture)}`);
  let config: VaeConfig;
  try {
    config = resolveVaeConfig(field('config') as VaeConfig);
  } catch (e) {
    return fail(`field "config": ${(e as Error).message}`);
  }
  const vae = buildVae(config);
  const specList = (name: string, expected: { name: string; shape: number[] }[]): StoredWeightSpec[] => {
    const list = field(name);
    if (!Array.isArray(list)) return fail(`field "${name}" must be an array`);
    if (list.length !== expected.length) fail(`field "${name}" lists ${list.length} tensors; the config builds ${expected.length}`);
    return list.map((w: unknown, i): StoredWeightSpec => {
      const ok = isObj(w) && w.name === expected[i].name && Array.isArray(w.shape) && w.shape.join() === expected[i].shape.join() && Number.isInteger(w.offset);
      if (!ok) fail(`field "${name}[${i}]" must be {name: ${expected[i].name}, shape: [${expected[i].shape}], offset}`);
      const s = w as Obj;
      if (s.encoding !== undefined && s.encoding !== 'int8') fail(`field "${name}[${i}].encoding" must be "int8" or absent`);
      return { name: s.name as string, shape: s.shape as number[], offset: s.offset as number, ...(s.encoding === 'int8' ? { encoding: 'int8' as const } : {}) };
    });
  };
  const weights = specList('weights', vae.specs);
  const phase1Weights = m.phase1Weights === undefined ? undefined : specList('phase1Weights', vae.decoderSpecs);
  const sha = field('weightsSha256');
  if (typeof sha !== 'string' || !/^[0-9a-f]{64}$/.test(sha)) fail('field "weightsSha256" must be 64 lowercase hex digits');
  const encSha = m.encoderSha256;
  if (encSha !== undefined && (typeof encSha !== 'string' || !/^[0-9a-f]{64}$/.test(encSha))) fail('field "encoderSha256" must be 64 lowercase hex digits');
  for (const key of ['paramCount', 'data', 'phases', 'lossCurves', 'evaluation']) if (!isObj(field(key))) fail(`field "${key}" must be an object`);
  if (!Array.isArray(field('flops'))) fail('field "flops" must be an array');
  for (const key of ['name', 'weightsFile', 'machine', 'commit', 'createdAt']) if (typeof field(key) !== 'string') fail(`field "${key}" must be a string`);
  for (const key of ['steps', 'wallTimeSeconds']) if (typeof field(key) !== 'number') fail(`field "${key}" must be a number`);
  return { ...(m as unknown as VaeManifest), config, weights, ...(phase1Weights ? { phase1Weights } : {}) };
}

/** Every stored tensor: encoder + final decoder, then the phase-1 decoder under PHASE1_PREFIX. */
export function vaeStoredSpecs(m: VaeManifest): StoredWeightSpec[] {
  return [...m.weights, ...(m.phase1Weights ?? []).map((s) => ({ ...s, name: PHASE1_PREFIX + s.name }))];
}

export function vaeFileBytes(m: VaeManifest): number {
  return vaeStoredSpecs(m).reduce((n, s) => Math.max(n, s.offset + storedBytes(s)), 0);
}

export interface LoadedVae {
  vae: Vae;
  /** Encoder and final decoder by name, and the phase-1 decoder as PHASE1_PREFIX + name. The caller disposes them. */
  weights: Record<string, tf.Tensor>;
}

/** The phase-1 decoder's weights (with the encoder's), or null when the model has none. Views of `weights`: do not dispose twice. */
export function phase1DecoderWeights(loaded: LoadedVae): Record<string, tf.Tensor> | null {
  const names = loaded.vae.decoderSpecs.map((s) => s.name);
  if (!loaded.weights[PHASE1_PREFIX + names[0]]) return null;
  return Object.fromEntries(names.map((n) => [n, loaded.weights[PHASE1_PREFIX + n]]));
}

/** Checks the weight file's size and SHA-256 against the manifest (before any tensor is made). */
export async function checkVaeFile(m: VaeManifest, bin: Uint8Array, fileName = `pretrained/${m.name}/${m.weightsFile}`): Promise<void> {
  const bytes = vaeFileBytes(m);
  if (bin.byteLength !== bytes) throw new Error(`${fileName}: ${bin.byteLength} bytes, the manifest describes ${bytes}`);
  const sha = await sha256Hex(bin);
  if (sha !== m.weightsSha256) throw new Error(`${fileName}: SHA-256 ${sha} does not match the manifest's ${m.weightsSha256} (corrupt or from another model)`);
}

/** The autoencoder and its tensors from a weight file already checked (checkVaeFile), on the current backend. */
export function vaeFromCheckedFile(m: VaeManifest, bin: Uint8Array, fileName = `pretrained/${m.name}/${m.weightsFile}`): LoadedVae {
  const all = vaeStoredSpecs(m);
  return { vae: buildVae(m.config), weights: weightsToTensors(decodeWeights(bin, all, fileName), all) };
}

/** Checks size and SHA-256, then makes the tensors. */
export async function loadVae(m: VaeManifest, bin: Uint8Array, fileName = `pretrained/${m.name}/${m.weightsFile}`): Promise<LoadedVae> {
  await checkVaeFile(m, bin, fileName);
  return vaeFromCheckedFile(m, bin, fileName);
}

/** The encoder's identity: its own SHA-256 where the export recorded it, else the whole file's (older exports). */
export function encoderShaOfManifest(m: VaeManifest): string {
  return m.encoderSha256 ?? m.weightsSha256;
}
