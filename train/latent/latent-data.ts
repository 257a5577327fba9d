// latent-64's training data (issue 15 item 1): the latent set built by `npm run latents` (latent-set.ts),
// read once into memory and standardised per channel, z' = (z − mean_c) / std_c. LDM (Rombach et al.
// 2022, §4.3.2 and App. G) rescales by one factor 1/σ̂ over all channels; we standardise each channel
// instead because our 8 channels differ in spread by about 3× (the interim export's manifest: std 0.58 to
// 1.91, means up to 0.8), and lesson 2's cosine schedule assumes zero-mean, unit-variance data: a narrow
// channel would drown in the noise steps before a wide one does.
// Unlike base-64's unlimited stream of fresh renders, the set is finite: a run walks through it epoch by
// epoch, each epoch in its own shuffled order, so every batch is still a pure function of (seed, step).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveSeed, makeRng } from '../../src/lib/math/rng';
import { encoderShaOfManifest, parseVaeManifest } from '../../src/lib/models/vae-manifest';
import type { Batch, Split } from '../dataset';
import { readLatentMeta, readSplit, type LatentSetMeta } from './latent-set';
import { readPreview } from './preview-fit';

/** The `latent` block of a TrainConfig (train/configs/latent-64.ts). */
export interface LatentSettings {
  /** The exported autoencoder whose encoder made the set (its weights' SHA-256 names the set's folder). */
  vaeDir: string;
  /** The encoder's SHA-256, filled in when a run starts, so a resumed run refuses a set of another encoder. */
  encoderSha256?: string;
  /** The set's folder; default .latents/vae-<first 12 hex of encoderSha256>, where `npm run latents` writes it. */
  setDir?: string;
  /** Training latents used (the first n of the set's training split). */
  trainCount: number;
  /** Held-out latents used for the held-out loss and the evaluation. */
  heldoutCount: number;
}

/** deriveSeed stream of the per-epoch shuffles; distinct from the dataset's (101–103) and the steps' (201). */
export const EPOCH_STREAM = 401;

export interface LatentData {
  meta: LatentSetMeta;
  /** The set's folder. */
  dir: string;
  /** Standardised latents [n, side, side, c] and their labels and seeds, per split. */
  splits: Record<Split, { latents: Float32Array; labels: Int32Array; seeds: number[] }>;
}

/** Where the set of an encoder lives by default: where `npm run latents` writes it. */
export function defaultLatentDir(encoderSha256: string): string {
  return join('.latents', `vae-${encoderSha256.slice(0, 12)}`);
}

/** The folder of a config's set. */
export function latentSetDir(settings: LatentSettings): string {
  return settings.setDir ?? defaultLatentDir(settings.encoderSha256 ?? encoderShaOf(settings.vaeDir));
}

/** The SHA-256 of the encoder exported in `vaeDir` (vae-manifest.ts encoderShaOfManifest). */
export function encoderShaOf(vaeDir: string): string {
  const path = join(vaeDir, 'manifest.json');
  return encoderShaOfManifest(parseVaeManifest(readFileSync(path, 'utf8'), path));
}

/** z' = (z − mean_c) / std_c in place, channels last. */
export function standardise(latents: Float32Array, mean: readonly number[], std: readonly number[]): Float32Array {
  const c = mean.length;
  for (let i = 0; i < latents.length; i++) latents[i] = (latents[i] - mean[i % c]) / std[i % c];
  return latents;
}

/** Reads and standardises the set made by the encoder `settings.encoderSha256` (throws a fixable message if absent). */
export function loadLatentData(settings: LatentSettings, dir = latentSetDir(settings)): LatentData {
  const meta = readLatentMeta(dir, settings.encoderSha256);
  for (const split of ['train', 'heldout'] as const) {
    const want = split === 'train' ? settings.trainCount : settings.heldoutCount;
    if (want > meta.counts[split]) throw new Error(`${dir} holds ${meta.counts[split]} ${split} latents, the config asks for ${want} (npm run latents -- --${split}=${want})`);
  }
  const read = (split: Split, n: number) => {
    const s = readSplit(dir, split, n, meta.side, meta.channels);
    return { latents: standardise(s.latents, meta.mean, meta.std), labels: s.labels, seeds: s.seeds };
  };
  return { meta, dir, splits: { train: read('train', settings.trainCount), heldout: read('heldout', settings.heldoutCount) } };
}

/** Epoch `epoch`'s order of the n training examples: a Fisher–Yates shuffle seeded by (seed, epoch). */
export function epochOrder(seed: number, epoch: number, n: number): Uint32Array {
  const rng = makeRng(deriveSeed(deriveSeed(seed, EPOCH_STREAM), epoch));
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Copies examples `indices` of a split into a Batch (x0 [B, side, side, c]). */
export function gatherBatch(split: LatentData['splits'][Split], indices: ArrayLike<number>, per: number): Batch {
  const x0 = new Float32Array(indices.length * per);
  const labels = new Int32Array(indices.length);
  const seeds: number[] = [];
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    x0.set(split.latents.subarray(k * per, (k + 1) * per), i * per);
    labels[i] = split.labels[k];
    seeds.push(split.seeds[k]);
  }
  return { x0, labels, seeds };
}

/** Makes the batch function of a run: update `step` takes positions step·B … step·B + B − 1 of the epoch sequence. */
export function latentBatches(data: LatentData, seed: number, batch: number): (step: number) => Batch {
  const train = data.splits.train;
  const n = train.labels.length;
  const per = data.meta.side * data.meta.side * data.meta.channels;
  const orders = new Map<number, Uint32Array>();
  const orderOf = (epoch: number) => {
    let o = orders.get(epoch);
    if (!o) {
      o = epochOrder(seed, epoch, n);
      orders.clear(); // a batch spans at most two epochs; keep memory flat over a long run
      orders.set(epoch, o);
    }
    return o;
  };
  return (step) => {
    const indices: number[] = [];
    for (let p = step * batch; p < (step + 1) * batch; p++) indices.push(orderOf(Math.floor(p / n))[p % n]);
    return gatherBatch(train, indices, per);
  };
}

/** The first `count` held-out latents, standardised (held-out loss and evaluation; never trained on). */
export function heldOutLatents(settings: LatentSettings, count: number, dir = latentSetDir(settings)): Batch {
  const meta = readLatentMeta(dir, settings.encoderSha256);
  const s = readSplit(dir, 'heldout', count, meta.side, meta.channels);
  return { x0: standardise(s.latents, meta.mean, meta.std), labels: s.labels, seeds: s.seeds };
}

/** The manifest's words for what a latent model saw. */
export function describeLatentData(settings: LatentSettings, steps: number, batch: number): string {
  const seen = steps * batch;
  return (
    `${settings.trainCount} procedural scenes rendered at 1024² and encoded once by the autoencoder ${(settings.encoderSha256 ?? '').slice(0, 12)} ` +
    `(posterior means, 64×64×c, standardised per channel), ${seen} examples in all (each seen about ${(seen / settings.trainCount).toFixed(1)} times, ` +
    `one shuffled order per epoch, no flips); held-out: the first ${settings.heldoutCount} held-out scenes (top seed bit set)`
  );
}

/**
 * The manifest's record of a latent model's data: the encoder it belongs to and the per-channel statistics
 * the browser needs to undo the standardisation before decoding, z = z'·std_c + mean_c, and the colour
 * preview map (src/lib/pipelines/latent.ts reads all three).
 */
export function latentRecord(settings: LatentSettings, dir = latentSetDir(settings)) {
  const meta = readLatentMeta(dir, settings.encoderSha256);
  const { weights, bias, heldOutMse } = readPreview(dir);
  return {
    encoderSha256: meta.encoderSha256, trainCount: settings.trainCount, heldoutCount: settings.heldoutCount, encoding: meta.encoding,
    scaling: 'per channel' as const, mean: meta.mean, std: meta.std, preview: { weights, bias, heldOutMse },
  };
}
