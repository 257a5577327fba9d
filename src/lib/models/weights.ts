// The weight file: every tensor as little-endian float16, concatenated in spec order, plus its SHA-256.
// One encoder/decoder for Node (train/ writes pretrained/<model>/weights.bin) and the browser (reads it).
// A tensor may instead be stored as int8 with one float16 scale per output channel (its last axis), the
// symmetric per-channel quantisation of Krishnamoorthi 2018 (§2.2, §3.1: per-channel scales keep conv nets
// within a fraction of a percent of float32), which halves the file again: an SR stage holds two nets.
import * as tf from '@tensorflow/tfjs-core';
import { readFloat16, writeFloat16 } from './float16';
import { sha256Hex } from './sha256';

/** A named weight and its shape (row-major, tfjs layout: conv [kh, kw, cin, cout], dense [in, out]). */
export interface WeightSpec {
  name: string;
  shape: number[];
}

/**
 * A spec placed in a weight file: `offset` is in bytes from the start of the file; values are float16, or
 * with encoding 'int8' the last axis's float16 scales followed by the int8 values (padded to an even length).
 */
export interface StoredWeightSpec extends WeightSpec {
  offset: number;
  encoding?: 'int8';
}

/** Bytes a stored tensor takes in the file. */
export function storedBytes(s: StoredWeightSpec): number {
  const n = sizeOf(s.shape);
  if (s.encoding !== 'int8') return 2 * n;
  return 2 * s.shape[s.shape.length - 1] + n + (n % 2);
}

/** Writes v as int8 with a float16 scale per last-axis channel (max |w| / 127, the symmetric grid). */
function writeInt8(v: Float32Array, channels: number, view: DataView, offset: number): void {
  const scales = new Float32Array(channels);
  for (let i = 0; i < v.length; i++) scales[i % channels] = Math.max(scales[i % channels], Math.abs(v[i]) / 127);
  writeFloat16(scales, view, offset);
  // Quantise with the scale as stored (float16), so the decoder's product is the nearest grid point.
  const stored = readFloat16(view, offset, channels);
  for (let i = 0; i < v.length; i++) {
    const s = stored[i % channels];
    view.setInt8(offset + 2 * channels + i, s > 0 ? Math.max(-127, Math.min(127, Math.round(v[i] / s))) : 0);
  }
}

function readInt8(view: DataView, offset: number, shape: readonly number[]): Float32Array {
  const channels = shape[shape.length - 1];
  const scales = readFloat16(view, offset, channels);
  const out = new Float32Array(sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = scales[i % channels] * view.getInt8(offset + 2 * channels + i);
  return out;
}

export interface EncodedWeights {
  /** The file's bytes: float16, little-endian, in spec order, no header. */
  bin: Uint8Array;
  specs: StoredWeightSpec[];
  /** SHA-256 of `bin`, lowercase hex. */
  sha256: string;
}

/** Element count of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

type WeightSource = Map<string, Float32Array | tf.Tensor> | Record<string, tf.Tensor>;

async function valuesOf(src: WeightSource, name: string): Promise<Float32Array | undefined> {
  const v = src instanceof Map ? src.get(name) : src[name];
  if (v === undefined) return undefined;
  if (v instanceof Float32Array) return v;
  return (await v.data()) as Float32Array; // reads, does not dispose: the caller owns its tensors
}

export interface EncodeOptions {
  /** Store tensors of at least this many values as int8 (the rest, biases and norms, stay float16). */
  int8From?: number;
}

/** Encodes weights (a Map of arrays or tensors, or a name → tensor record) in spec order. */
export async function encodeWeights(src: WeightSource, specs: readonly WeightSpec[], o: EncodeOptions = {}): Promise<EncodedWeights> {
  const known = new Set(specs.map((s) => s.name));
  for (const name of src instanceof Map ? src.keys() : Object.keys(src)) {
    if (!known.has(name)) throw new Error(`encodeWeights: weight "${name}" is not in the specs`);
  }
  const placed: StoredWeightSpec[] = specs.map((s) => ({ name: s.name, shape: [...s.shape], offset: 0, ...(o.int8From !== undefined && sizeOf(s.shape) >= o.int8From ? { encoding: 'int8' as const } : {}) }));
  const bin = new Uint8Array(placed.reduce((n, s) => n + storedBytes(s), 0));
  const view = new DataView(bin.buffer);
  const stored: StoredWeightSpec[] = [];
  let offset = 0;
  for (const s of placed) {
    const values = await valuesOf(src, s.name);
    if (!values) throw new Error(`encodeWeights: weight "${s.name}" is missing`);
    if (values.length !== sizeOf(s.shape)) {
      throw new Error(`encodeWeights: weight "${s.name}" has ${values.length} values, shape [${s.shape}] needs ${sizeOf(s.shape)}`);
    }
    if (s.encoding === 'int8') writeInt8(values, s.shape[s.shape.length - 1], view, offset);
    else writeFloat16(values, view, offset);
    stored.push({ ...s, offset });
    offset += storedBytes(s);
  }
  return { bin, specs: stored, sha256: await sha256Hex(bin) };
}

/** Decodes a weight file into float32 arrays; throws if a spec runs past the end of `bin`. */
export function decodeWeights(bin: Uint8Array, specs: readonly StoredWeightSpec[], fileName = 'weights.bin'): Map<string, Float32Array> {
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const out = new Map<string, Float32Array>();
  for (const s of specs) {
    const n = sizeOf(s.shape);
    if (!Number.isInteger(s.offset) || s.offset < 0 || s.offset % 2 !== 0 || s.offset + storedBytes(s) > bin.byteLength) {
      throw new Error(`${fileName}: weight "${s.name}" (offset ${s.offset}, ${n} ${s.encoding ?? 'float16'}) lies outside the ${bin.byteLength}-byte file`);
    }
    out.set(s.name, s.encoding === 'int8' ? readInt8(view, s.offset, s.shape) : readFloat16(view, s.offset, n));
  }
  return out;
}

/** Makes one tensor per spec from decoded (or freshly initialised) arrays. The caller disposes them. */
export function weightsToTensors(values: Map<string, Float32Array>, specs: readonly WeightSpec[]): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const s of specs) {
    const v = values.get(s.name);
    if (!v) {
      tf.dispose(Object.values(out));
      throw new Error(`weightsToTensors: weight "${s.name}" is missing`);
    }
    out[s.name] = tf.tensor(v, s.shape, 'float32');
  }
  return out;
}
