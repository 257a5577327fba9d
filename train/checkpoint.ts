// Training checkpoints: weights, EMA, AdamW moments, step, config and loss log in one self-checking
// file (`step-00001200.ckpt`). Written to a temp file, read back and verified, then renamed, so a crash
// or a bad state never replaces a good checkpoint. Randomness is a function of (seed, step), so the step
// is the whole RNG state and dataset position.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainConfig } from './train-config';

/** A checkpoint that is missing, unreadable, corrupt or would be bad to write. Names the file. */
export class CheckpointError extends Error {}

/** One line of the loss log (also one line of loss.jsonl). */
export interface LossRecord {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
  /** Wall seconds of this step. */
  secPerStep: number;
  /** The loss's parts by name, for models whose loss has several terms (the autoencoder: l1, grad, kl, adv, disc). */
  terms?: Record<string, number>;
}

export interface NamedArray {
  shape: number[];
  data: Float32Array;
}

/** A run's whole state; C is its config type (TrainConfig for the diffusion models, VaeTrainConfig for the autoencoder). */
export interface CheckpointState<C = TrainConfig> {
  model: string;
  /** Optimizer steps completed. */
  step: number;
  config: C;
  lossLog: LossRecord[];
  /** Training wall time summed over every session that led here. */
  wallSeconds: number;
  /** The machine of the latest training session, in words (for the manifest). */
  machine?: string;
  /** `param/<n>`, `ema/<n>`, `adam.m/<n>`, `adam.v/<n>`. */
  tensors: Map<string, NamedArray>;
}

interface Header {
  format: 'noisebook-checkpoint';
  version: 1;
  model: string;
  step: number;
  config: unknown;
  lossLog: LossRecord[];
  wallSeconds: number;
  machine?: string;
  tensors: { name: string; shape: number[]; offset: number; length: number }[];
  payloadBytes: number;
  sha256: string;
}

const MAGIC = Buffer.from('NBCKPT01', 'ascii');

export function checkpointName(step: number): string {
  return `step-${String(step).padStart(8, '0')}.ckpt`;
}

/** Checkpoints in `dir`, oldest first (temp files and other names are ignored). */
export function listCheckpoints(dir: string): { step: number; path: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^step-(\d{8})\.ckpt$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ step: Number(m[1]), path: join(dir, m[0]) }))
    .sort((a, b) => a.step - b.step);
}

/** The newest checkpoint's path, or null. */
export function latestCheckpoint(dir: string): string | null {
  return listCheckpoints(dir).at(-1)?.path ?? null;
}

function encode(state: CheckpointState<unknown>): Buffer {
  const entries: Header['tensors'] = [];
  let offset = 0;
  for (const [name, { shape, data }] of state.tensors) {
    const n = shape.reduce((a, b) => a * b, 1);
    if (n !== data.length) throw new CheckpointError(`tensor ${name}: shape [${shape}] does not hold ${data.length} values`);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw new CheckpointError(`refusing to checkpoint step ${state.step}: ${name} holds a non-finite value`);
    }
    entries.push({ name, shape, offset, length: n });
    offset += 4 * n;
  }
  const payload = Buffer.alloc(offset);
  for (const [i, { data }] of [...state.tensors.values()].entries()) {
    Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(payload, entries[i].offset);
  }
  const header: Header = {
    format: 'noisebook-checkpoint',
    version: 1,
    model: state.model,
    step: state.step,
    config: state.config,
    lossLog: state.lossLog,
    wallSeconds: state.wallSeconds,
    machine: state.machine,
    tensors: entries,
    payloadBytes: payload.length,
    sha256: createHash('sha256').update(payload).digest('hex'),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  return Buffer.concat([MAGIC, len, json, payload]);
}

/** Parses and verifies a checkpoint file's bytes. `path` is only for messages. */
export function decodeCheckpoint<C = TrainConfig>(bytes: Buffer, path: string): CheckpointState<C> {
  const bad = (what: string) => new CheckpointError(`checkpoint ${path} is corrupt: ${what}`);
  if (bytes.length < 12 || !bytes.subarray(0, 8).equals(MAGIC)) throw bad('not a noisebook checkpoint (bad magic bytes)');
  const hlen = bytes.readUInt32LE(8);
  if (12 + hlen > bytes.length) throw bad('header runs past the end of the file (truncated?)');
  let header: Header;
  try {
    header = JSON.parse(bytes.subarray(12, 12 + hlen).toString('utf8')) as Header;
  } catch {
    throw bad('header is not valid JSON');
  }
  if (header.format !== 'noisebook-checkpoint' || header.version !== 1) throw bad(`unknown format ${header.format} v${header.version}`);
  const payload = bytes.subarray(12 + hlen);
  if (payload.length !== header.payloadBytes) throw bad(`payload is ${payload.length} bytes, header says ${header.payloadBytes} (truncated?)`);
  const sha = createHash('sha256').update(payload).digest('hex');
  if (sha !== header.sha256) throw bad(`sha256 mismatch (file ${sha.slice(0, 12)}…, header ${header.sha256.slice(0, 12)}…)`);
  const tensors = new Map<string, NamedArray>();
  for (const e of header.tensors) {
    // Copy out so the arrays are aligned and independent of the file buffer.
    const data = new Float32Array(e.length);
    Buffer.from(data.buffer).set(payload.subarray(e.offset, e.offset + 4 * e.length));
    tensors.set(e.name, { shape: e.shape, data });
  }
  return { model: header.model, step: header.step, config: header.config as C, lossLog: header.lossLog, wallSeconds: header.wallSeconds, machine: header.machine, tensors };
}

/** Reads and verifies a checkpoint; CheckpointError (naming the file) if missing or corrupt. */
export function readCheckpoint<C = TrainConfig>(path: string): CheckpointState<C> {
  if (!existsSync(path)) throw new CheckpointError(`checkpoint ${path} does not exist`);
  return decodeCheckpoint<C>(readFileSync(path), path);
}

function writeDurably(path: string, bytes: Buffer): void {
  const fd = openSync(path, 'w');
  try {
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `state` to `dir/step-XXXXXXXX.ckpt` atomically: refuse non-finite values, write a temp file,
 * fsync, read it back and verify, rename. Then deletes all but the newest `keep` checkpoints. Returns
 * the path. Nothing existing is touched if any step fails.
 */
export function saveCheckpoint<C>(dir: string, state: CheckpointState<C>, keep: number): string {
  mkdirSync(dir, { recursive: true });
  const bytes = encode(state);
  const final = join(dir, checkpointName(state.step));
  const tmp = `${final}.tmp-${process.pid}`;
  try {
    writeDurably(tmp, bytes);
    decodeCheckpoint(readFileSync(tmp), tmp);
    renameSync(tmp, final);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e instanceof CheckpointError ? e : new CheckpointError(`could not write checkpoint ${final}: ${(e as Error).message}`);
  }
  for (const old of listCheckpoints(dir).slice(0, -Math.max(1, keep))) rmSync(old.path, { force: true });
  return final;
}
