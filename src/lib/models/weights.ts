// The weight file: every tensor as little-endian float16, concatenated in spec order, plus its SHA-256.
// One encoder/decoder for Node (train/ writes pretrained/<model>/weights.bin) and the browser (reads it).
import * as tf from '@tensorflow/tfjs-core';
import { readFloat16, writeFloat16 } from './float16';
import { sha256Hex } from './sha256';

/** A named weight and its shape (row-major, tfjs layout: conv [kh, kw, cin, cout], dense [in, out]). */
export interface WeightSpec {
  name: string;
  shape: number[];
}

/** A spec placed in a weight file: `offset` is in bytes from the start of the file; values are float16. */
export interface StoredWeightSpec extends WeightSpec {
  offset: number;
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

/** Encodes weights (a Map of arrays or tensors, or a name → tensor record) in spec order. */
export async function encodeWeights(src: WeightSource, specs: readonly WeightSpec[]): Promise<EncodedWeights> {
  const known = new Set(specs.map((s) => s.name));
  for (const name of src instanceof Map ? src.keys() : Object.keys(src)) {
    if (!known.has(name)) throw new Error(`encodeWeights: weight "${name}" is not in the specs`);
  }
  const total = specs.reduce((n, s) => n + sizeOf(s.shape), 0);
  const bin = new Uint8Array(total * 2);
  const view = new DataView(bin.buffer);
  const stored: StoredWeightSpec[] = [];
  let offset = 0;
  for (const s of specs) {
    const values = await valuesOf(src, s.name);
    if (!values) throw new Error(`encodeWeights: weight "${s.name}" is missing`);
    if (values.length !== sizeOf(s.shape)) {
      throw new Error(`encodeWeights: weight "${s.name}" has ${values.length} values, shape [${s.shape}] needs ${sizeOf(s.shape)}`);
    }
    writeFloat16(values, view, offset);
    stored.push({ name: s.name, shape: [...s.shape], offset });
    offset += values.length * 2;
  }
  return { bin, specs: stored, sha256: await sha256Hex(bin) };
}

/** Decodes a weight file into float32 arrays; throws if a spec runs past the end of `bin`. */
export function decodeWeights(bin: Uint8Array, specs: readonly StoredWeightSpec[], fileName = 'weights.bin'): Map<string, Float32Array> {
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const out = new Map<string, Float32Array>();
  for (const s of specs) {
    const n = sizeOf(s.shape);
    if (!Number.isInteger(s.offset) || s.offset < 0 || s.offset % 2 !== 0 || s.offset + 2 * n > bin.byteLength) {
      throw new Error(`${fileName}: weight "${s.name}" (offset ${s.offset}, ${n} float16) lies outside the ${bin.byteLength}-byte file`);
    }
    out.set(s.name, readFloat16(view, s.offset, n));
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
