// The latent data set of latent-64 (issue 15 item 1; LDM, Rombach et al. 2022 §3–4: the autoencoder is
// trained first and frozen, and the diffusion model learns its latents). Scenes rendered at 1024² and
// encoded once by the shipped encoder to the posterior mean μ (LDM's first-stage encodings at inference
// are the mode; a sample would add the encoder's σ, which the tiny KL weight leaves near 0 anyway),
// written in chunks so a build cut short resumes, with per-channel statistics for the scaling (§4 of
// ../shared/latent-notes.md: standardise per channel so lesson 2's schedule fits unchanged).
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { downsampleArea, renderScene, sampleScene, SCENE_KINDS } from '../../src/lib/data';
import { encoderShaOfManifest, loadVae, parseVaeManifest } from '../../src/lib/models/vae-manifest';
import { kindOf, sceneSeed, type Split } from '../dataset';

/** Scenes per chunk file: a build loses at most one chunk's work when it is stopped. */
export const CHUNK = 64;

export interface LatentSetMeta {
  format: 'noisebook-latents';
  version: 1;
  /** The encoder that made the latents (its stored bytes' SHA-256): a set is only valid for those weights. */
  encoderSha256: string;
  vaeSteps: number;
  channels: number;
  /** Latent side (64 for 1024² scenes at f = 16). */
  side: number;
  size: number;
  root: number;
  counts: Record<Split, number>;
  encoding: 'posterior mean';
  /** Per-channel mean and standard deviation over the training latents: z_scaled = (z − mean) / std. */
  mean: number[];
  std: number[];
  seconds: number;
  createdAt: string;
}

export interface LatentSplit {
  /** [n, side, side, c] HWC, unscaled. */
  latents: Float32Array;
  /** The scenes' renders area-downsampled to side² ([n, side, side, 3]): what the linear preview map is fitted to. */
  lows: Float32Array;
  labels: Int32Array;
  seeds: number[];
}

const chunkName = (split: Split, k: number) => `${split}-${String(k).padStart(5, '0')}.bin`;

type Row = { seed: number; label: number; z: Float32Array; low: Float32Array };

/** One chunk: n × (seed u32, label i32, side²·c floats of z, side²·3 floats of the downsampled render). */
function encodeChunk(rows: Row[]): Buffer {
  const bytes = 8 + 4 * (rows[0].z.length + rows[0].low.length);
  const buf = Buffer.alloc(rows.length * bytes);
  rows.forEach((r, i) => {
    const o = i * bytes;
    buf.writeUInt32LE(r.seed >>> 0, o);
    buf.writeInt32LE(r.label, o + 4);
    Buffer.from(r.z.buffer, r.z.byteOffset, r.z.byteLength).copy(buf, o + 8);
    Buffer.from(r.low.buffer, r.low.byteOffset, r.low.byteLength).copy(buf, o + 8 + r.z.byteLength);
  });
  return buf;
}

export interface BuildOptions {
  vaeDir: string;
  outDir: string;
  root: number;
  counts: Record<Split, number>;
  size?: number;
  log?: (line: string) => void;
}

/** Encodes the scenes not yet in `outDir` (chunk by chunk), then writes meta.json with the statistics. */
export async function buildLatentSet(o: BuildOptions): Promise<LatentSetMeta> {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const size = o.size ?? 1024;
  const manifestPath = join(o.vaeDir, 'manifest.json');
  const manifest = parseVaeManifest(readFileSync(manifestPath, 'utf8'), manifestPath);
  const loaded = await loadVae(manifest, new Uint8Array(readFileSync(join(o.vaeDir, manifest.weightsFile))));
  const { vae, weights } = loaded;
  const c = vae.config.latentChannels;
  const side = size / vae.factor;
  mkdirSync(o.outDir, { recursive: true });
  const stamp = join(o.outDir, 'encoder.txt');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() !== encoderShaOfManifest(manifest)) {
    throw new Error(`${o.outDir} holds latents of another encoder (${readFileSync(stamp, 'utf8').trim().slice(0, 12)}…); use another --out`);
  }
  writeFileSync(stamp, encoderShaOfManifest(manifest) + '\n');
  try {
    for (const split of ['train', 'heldout'] as const) {
      for (let k = 0; k * CHUNK < o.counts[split]; k++) {
        const path = join(o.outDir, chunkName(split, k));
        if (existsSync(path)) continue;
        const rows: Row[] = [];
        for (let i = k * CHUNK; i < Math.min(o.counts[split], (k + 1) * CHUNK); i++) {
          const seed = sceneSeed(o.root, split, i);
          const label = kindOf(seed);
          const img = renderScene(sampleScene(seed, SCENE_KINDS[label]), size);
          const z = tf.tidy(() => {
            const x = tf.tensor4d(img, [1, size, size, 3]);
            const post = vae.encode(weights, x);
            post.logvar.dispose();
            return post.mean;
          });
          rows.push({ seed, label, z: (await z.data()) as Float32Array, low: downsampleArea(img, size, size / side) });
          z.dispose();
        }
        writeFileSync(`${path}.tmp`, encodeChunk(rows));
        renameSync(`${path}.tmp`, path); // a chunk exists whole or not at all
        log(`  ${split} ${Math.min(o.counts[split], (k + 1) * CHUNK)}/${o.counts[split]} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      }
    }
  } finally {
    tf.dispose(Object.values(weights));
  }
  const train = readSplit(o.outDir, 'train', o.counts.train, side, c);
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let i = 0; i < train.latents.length; i++) {
    sum[i % c] += train.latents[i];
    sq[i % c] += train.latents[i] ** 2;
  }
  const n = train.latents.length / c;
  const mean = [...sum].map((s) => s / n);
  const meta: LatentSetMeta = {
    format: 'noisebook-latents', version: 1, encoderSha256: encoderShaOfManifest(manifest), vaeSteps: manifest.steps, channels: c, side, size, root: o.root,
    counts: o.counts, encoding: 'posterior mean', mean, std: [...sq].map((s, j) => Math.sqrt(Math.max(1e-12, s / n - mean[j] ** 2))),
    seconds: (performance.now() - t0) / 1000, createdAt: new Date().toISOString(),
  };
  writeFileSync(join(o.outDir, 'meta.json'), JSON.stringify(meta, null, 1) + '\n');
  return meta;
}

/** The first `count` latents of a split from its chunk files. */
export function readSplit(dir: string, split: Split, count: number, side: number, c: number): LatentSplit {
  const per = side * side * c;
  const perLow = side * side * 3;
  const bytes = 8 + 4 * (per + perLow);
  const latents = new Float32Array(count * per);
  const lows = new Float32Array(count * perLow);
  const labels = new Int32Array(count);
  const seeds: number[] = [];
  const files = readdirSync(dir).filter((f) => f.startsWith(`${split}-`) && f.endsWith('.bin')).sort();
  let i = 0;
  const floats = (buf: Buffer, at: number, n: number) => new Float32Array(buf.buffer.slice(buf.byteOffset + at, buf.byteOffset + at + 4 * n));
  for (const f of files) {
    const buf = readFileSync(join(dir, f));
    if (buf.length % bytes !== 0) throw new Error(`${join(dir, f)}: ${buf.length} bytes is not a whole number of ${bytes}-byte rows`);
    for (let o = 0; o < buf.length && i < count; o += bytes, i++) {
      seeds.push(buf.readUInt32LE(o));
      labels[i] = buf.readInt32LE(o + 4);
      latents.set(floats(buf, o + 8, per), i * per);
      lows.set(floats(buf, o + 8 + 4 * per, perLow), i * perLow);
    }
  }
  if (i < count) throw new Error(`${dir}: ${split} holds ${i} latents, ${count} asked for (run npm run latents to finish the build)`);
  return { latents, lows, labels, seeds };
}

/** Reads a built set's meta.json, refusing one made by another encoder than `encoderSha256` (when given). */
export function readLatentMeta(dir: string, encoderSha256?: string): LatentSetMeta {
  const path = join(dir, 'meta.json');
  if (!existsSync(path)) throw new Error(`${path} does not exist: build the set first (npm run latents)`);
  const meta = JSON.parse(readFileSync(path, 'utf8')) as LatentSetMeta;
  if (meta.format !== 'noisebook-latents' || meta.version !== 1) throw new Error(`${path}: not a latent set`);
  if (encoderSha256 && meta.encoderSha256 !== encoderSha256) throw new Error(`${path}: made by encoder ${meta.encoderSha256.slice(0, 12)}…, the shipped one is ${encoderSha256.slice(0, 12)}… (rebuild)`);
  return meta;
}
