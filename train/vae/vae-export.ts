// Export of the autoencoder: a checkpoint's EMA encoder and decoders → pretrained/vae/manifest.json +
// weights.bin (int8 kernels with per-channel scales, float16 biases; src/lib/models/weights.ts), written
// to a temp folder, loaded back, checked on held-out crops, and only then swapped in.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { buildVae } from '../../src/lib/models/vae';
import { loadVae, parseVaeManifest, PHASE1_PREFIX, VAE_MANIFEST_VERSION, type VaeManifest } from '../../src/lib/models/vae-manifest';
import { vaeCounts } from '../../src/lib/models/vae-config';
import { encodeWeights } from '../../src/lib/models/weights';
import { sha256Hex } from '../../src/lib/models/sha256';
import type { CheckpointState, LossRecord } from '../checkpoint';
import { describeMachine, ExportError, gitCommit, swapFolder } from '../export';
import { renderCrops, describeVaeData } from './vae-data';
import { exportedWeights } from './vae-loop';
import type { VaeTrainConfig } from './vae-train-config';

/** Conv kernels of at least this many values go int8; biases stay float16. */
export const VAE_INT8_FROM = 256;
/** The budget for all parts together. */
export const VAE_MAX_BYTES = 3 * 1024 * 1024;

/** Each loss term's curve, the mean of consecutive buckets, at most `max` points. */
export function termCurves(log: readonly LossRecord[], max = 200): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  const keys = new Set(log.flatMap((r) => Object.keys(r.terms ?? {})).filter((k) => k !== 'phase'));
  for (const k of keys) {
    const rows = log.filter((r) => r.terms?.[k] !== undefined);
    const size = Math.max(1, Math.ceil(rows.length / max));
    const pts: [number, number][] = [];
    for (let i = 0; i < rows.length; i += size) {
      const b = rows.slice(i, i + size);
      pts.push([b[b.length - 1].step, b.reduce((s, r) => s + (r.terms?.[k] ?? 0), 0) / b.length]);
    }
    out[k] = pts;
  }
  return out;
}

/** Mean |x − x̂| of decoded held-out crops through the posterior mean: a finite-ness and sanity check. */
function heldOutL1(loaded: Awaited<ReturnType<typeof loadVae>>, c: VaeTrainConfig, decoder: Record<string, tf.Tensor>): number {
  const batch = renderCrops(c, 'heldout', 0, 4);
  return tf.tidy(() => {
    const x = tf.tensor4d(batch.x, [4, c.crop, c.crop, 3]);
    const post = loaded.vae.encode(loaded.weights, x);
    const xh = loaded.vae.decode({ ...loaded.weights, ...decoder }, post.mean);
    return tf.mean(tf.abs(tf.sub(x, xh))).dataSync()[0];
  });
}

/**
 * Writes pretrained/vae/ from a checkpoint. `phase1Only` ships the encoder with the phase-1 decoder alone, also
 * from a checkpoint in phase 2 (whose encoder is the frozen phase-1 one, bit for bit): for when phase 2's decoder
 * is not good enough to ship. The manifest then records phase 2 as not shipped, with the steps it ran.
 */
export async function exportVae(state: CheckpointState<VaeTrainConfig>, o: { pretrainedDir?: string; machine?: string; phase1Only?: boolean } = {}): Promise<string> {
  const c = state.config;
  const base = o.pretrainedDir ?? 'pretrained';
  const final = join(base, 'vae');
  const tmp = join(base, `.vae.tmp-${process.pid}`);
  const all = exportedWeights(state);
  const parts: ReturnType<typeof exportedWeights> = o.phase1Only ? { encoder: all.encoder, decoder1: all.decoder1 } : all;
  const vae = buildVae(c.model);
  const finalDecoder = parts.decoder2 ?? parts.decoder1;
  const arrays = new Map<string, Float32Array>();
  for (const [k, a] of parts.encoder) arrays.set(k, a.data);
  for (const [k, a] of finalDecoder) arrays.set(k, a.data);
  const phase1Specs = parts.decoder2 ? vae.decoderSpecs.map((s) => ({ ...s, name: PHASE1_PREFIX + s.name })) : [];
  if (parts.decoder2) for (const [k, a] of parts.decoder1) arrays.set(PHASE1_PREFIX + k, a.data);
  const encoded = await encodeWeights(arrays, [...vae.specs, ...phase1Specs], { int8From: VAE_INT8_FROM });
  if (encoded.bin.byteLength > VAE_MAX_BYTES) throw new ExportError(`the weights take ${encoded.bin.byteLength} bytes, over the ${VAE_MAX_BYTES}-byte budget`);
  const n = vae.specs.length;
  const counts = (s: number) => ({ height: s, width: s, ...(({ encoderFlops: encoder, decoderFlops: decoder }) => ({ encoder, decoder }))(vaeCounts(c.model, s, s)) });
  const k = vaeCounts(c.model, c.fullSize, c.fullSize);
  const phase2Done = Math.max(0, state.step - c.phase1Steps);
  const manifest: VaeManifest = {
    formatVersion: VAE_MANIFEST_VERSION,
    name: 'vae',
    architecture: 'vae',
    config: vae.config,
    weightsFile: 'weights.bin',
    weights: encoded.specs.slice(0, n),
    ...(parts.decoder2 ? { phase1Weights: encoded.specs.slice(n).map((s) => ({ ...s, name: s.name.slice(PHASE1_PREFIX.length) })) } : {}),
    weightsSha256: encoded.sha256,
    // The encoder's specs come first (vae.specs), so its bytes are the file's head up to the first decoder tensor.
    encoderSha256: await sha256Hex(encoded.bin.subarray(0, encoded.specs[vae.encoderSpecs.length].offset)),
    paramCount: { encoder: k.encoderParams, decoder: k.decoderParams },
    flops: [counts(c.fullSize), counts(c.crop)],
    data: {
      description: describeVaeData(c, state.step),
      details: {
        seed: c.seed, batch: c.batch, crop: c.crop, fullSize: c.fullSize, loss: { ...c.loss }, disc: { ...c.disc }, discWeight: c.discWeight, lr: c.lr, phase2Lr: c.phase2Lr,
        ...(o.phase1Only && phase2Done > 0 ? { phase2NotShipped: { stepsRun: phase2Done, discWarmup: Math.min(phase2Done, c.discWarmup), note: 'the run went on into phase 2; its decoder is not in this export (phase 1\'s is)' } } : {}),
      },
    },
    phases: o.phase1Only
      ? { phase1Steps: Math.min(state.step, c.phase1Steps), phase2Steps: 0, discWarmup: 0 }
      : { phase1Steps: Math.min(state.step, c.phase1Steps), phase2Steps: phase2Done, discWarmup: Math.min(phase2Done, c.discWarmup) },
    steps: state.step,
    wallTimeSeconds: state.wallSeconds,
    machine: o.machine ?? state.machine ?? describeMachine(c.threads),
    lossCurves: termCurves(state.lossLog),
    evaluation: {},
    commit: gitCommit(),
    createdAt: new Date().toISOString(),
  };
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    writeFileSync(join(tmp, 'weights.bin'), encoded.bin);
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
    const back = parseVaeManifest(readFileSync(join(tmp, 'manifest.json'), 'utf8'), join(tmp, 'manifest.json'));
    const loaded = await loadVae(back, new Uint8Array(readFileSync(join(tmp, 'weights.bin'))), join(tmp, 'weights.bin'));
    try {
      const l1 = heldOutL1(loaded, c, {});
      if (!Number.isFinite(l1)) throw new ExportError(`the exported weights give a held-out L1 of ${l1}`);
      manifest.evaluation = { heldOutL1: l1, heldOutL1Note: `mean |x − x̂| of 4 held-out ${c.crop}² crops through the posterior mean, int8 weights, final decoder` };
    } finally {
      tf.dispose(Object.values(loaded.weights));
    }
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e instanceof ExportError ? e : new ExportError(`export of vae failed, ${final} left untouched: ${(e as Error).message}`);
  }
  return swapFolder(tmp, final);
}
