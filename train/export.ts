// Export: the EMA weights of a checkpoint → pretrained/<model>/manifest.json + weights.bin (float16; an SR
// stage with a predictor: both nets, int8, train/sr-predictor-pack.ts), via src/lib/models/weights.ts and manifest.ts. Written to a temp folder, loaded back and checked
// (manifest parse, SHA-256, a finite forward pass on held-out scenes), and only then swapped in.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { makeSchedule } from '../src/lib/diffusion/schedule';
import { flopsTable } from '../src/lib/models/count';
import { loadModel, MANIFEST_VERSION, parseManifest, type Manifest } from '../src/lib/models/manifest';
import { predictorFrom } from '../src/lib/pipelines/sr-predictor';
import { buildUNet, type UNet } from '../src/lib/models/unet';
import { encodeWeights, type EncodedWeights, type StoredWeightSpec } from '../src/lib/models/weights';
import type { CheckpointState, LossRecord } from './checkpoint';
import { describeData, heldOutBatch } from './dataset';
import { describeLatentData, heldOutLatents, latentRecord } from './latent/latent-data';
import { evalLoss, stepNoise } from './objective';
import { describeSrData } from './sr-data';
import { srHeldOutLoss } from './sr-objective';
import { srPreconditionOf } from './sr-residual';
import { emaOf, encodeStage, predictorRecord, type PredictorPack } from './sr-predictor-pack';
import type { TrainConfig } from './train-config';

/** The export could not be made or did not check out; the shipped model was left as it was. */
export class ExportError extends Error {}

/** At most `max` points: the mean loss of consecutive buckets, each labelled with its last step. */
export function downsampleLoss(log: readonly LossRecord[], max = 200): { step: number; loss: number }[] {
  const size = Math.max(1, Math.ceil(log.length / max));
  const out: { step: number; loss: number }[] = [];
  for (let i = 0; i < log.length; i += size) {
    const bucket = log.slice(i, i + size);
    out.push({ step: bucket[bucket.length - 1].step, loss: bucket.reduce((s, r) => s + r.loss, 0) / bucket.length });
  }
  return out;
}

/** HEAD's commit, with "-dirty" when training or model code has uncommitted changes. */
export function gitCommit(cwd = process.cwd()): string {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'train', 'src/lib'], { cwd, encoding: 'utf8' }).trim();
    return dirty ? `${head}-dirty` : head;
  } catch {
    return 'unknown (git unavailable)';
  }
}

/** The machine in words: CPU model, cores, Node version, tfjs backend and threads. */
export function describeMachine(threads: number): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} logical cores; Node ${process.version}; tfjs-core ${tf.version_core} backend ${tf.getBackend()} with ${threads} thread(s)`;
}

/**
 * Held-out L_simple of a set of weights: the first `count` held-out scenes with (t, ε, dropout) drawn
 * as for training step 0 (a fixed, reproducible draw). Lower is better; comparable across exports.
 */
export function heldOutLoss(unet: UNet, weights: tf.NamedTensorMap, config: TrainConfig, count = 16): number {
  const schedule = makeSchedule(config.schedule, { T: config.T, resolution: config.resolution });
  // A super-resolution model is scored on held-out crops with a clean low-res input (aug level 0).
  if (config.sr) return srHeldOutLoss(unet, weights, config, schedule, count);
  const batch = config.latent ? heldOutLatents(config.latent, count) : heldOutBatch(config.seed, count, config.resolution);
  const noise = stepNoise({ ...config, condDropout: 0 }, 0, batch);
  return evalLoss(unet, weights, batch, noise, config, schedule);
}

export interface ExportOptions {
  /** The folder that holds one folder per model (default `pretrained` under the working directory). */
  pretrainedDir?: string;
  /** Machine words recorded at training time (defaults to this process's). */
  machine?: string;
  /** An SR stage's predictor to pack beside the denoiser (sr-predictor-pack.ts findPredictor). */
  predictor?: PredictorPack;
}

/** Writes pretrained/<model>/ from a verified checkpoint. Returns the folder. */
export async function exportModel(state: CheckpointState, o: ExportOptions = {}): Promise<string> {
  const base = o.pretrainedDir ?? 'pretrained';
  const final = join(base, state.model);
  const tmp = join(base, `.${state.model}.tmp-${process.pid}`);
  const config = state.config;
  const unet = buildUNet(config.model);
  const ema = emaOf(state);
  const p = o.predictor;
  const encoded: EncodedWeights & { predictorWeights?: StoredWeightSpec[] } = await (p ? encodeStage(ema, emaOf(p.state), unet.specs) : encodeWeights(ema, unet.specs)).catch((e: Error) => {
    throw new ExportError(`checkpoint of ${state.model} at step ${state.step}${p ? ` with ${p.state.model} at ${p.state.step}` : ''}: ${e.message}`);
  });
  // sr.predictor / sr.refineFrom name the packed predictor; recorded only when one is packed.
  const { predictor: _name, refineFrom: _from, ...srConfig } = config.sr ?? {};
  const srDetails = config.sr && { ...srConfig, ...(srPreconditionOf(config) ?? {}), ...(p ? { predictor: predictorRecord(p, downsampleLoss(p.state.lossLog)), refineFrom: p.refineFrom } : {}) };
  const manifest: Manifest = {
    formatVersion: MANIFEST_VERSION,
    name: state.model,
    architecture: 'unet',
    config: unet.config,
    weightsFile: 'weights.bin',
    weights: encoded.specs,
    ...(encoded.predictorWeights ? { predictorWeights: encoded.predictorWeights } : {}),
    weightsSha256: encoded.sha256,
    paramCount: unet.specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0),
    // FLOPs where the net runs: the training size, and for a super-resolution model also its full
    // output size (the grid is smaller by the space-to-depth factor).
    flops: flopsTable(unet.config, config.sr ? [[config.resolution / config.sr.spaceToDepth, config.resolution / config.sr.spaceToDepth], [config.sr.fullSize / config.sr.spaceToDepth, config.sr.fullSize / config.sr.spaceToDepth]] : [[config.resolution, config.resolution]]),
    data: {
      description: config.sr ? describeSrData(config, state.step) : config.latent ? describeLatentData(config.latent, state.step, config.batch) : describeData(config.seed, state.step, config.batch, config.resolution),
      details: { seed: config.seed, batch: config.batch, resolution: config.resolution, condDropout: config.condDropout, schedule: config.schedule, T: config.T, prediction: config.prediction, ...(srDetails ? { sr: srDetails } : {}), ...(config.latent ? { latent: latentRecord(config.latent) } : {}) },
    },
    steps: state.step,
    wallTimeSeconds: state.wallSeconds,
    machine: o.machine ?? state.machine ?? describeMachine(config.threads),
    lossCurve: downsampleLoss(state.lossLog),
    evaluation: {},
    commit: gitCommit(),
    createdAt: new Date().toISOString(),
  };
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    // Check what a lesson will load: parse the written manifest, verify the bytes, run a forward.
    writeFileSync(join(tmp, 'weights.bin'), encoded.bin);
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
    const back = parseManifest(readFileSync(join(tmp, 'manifest.json'), 'utf8'), join(tmp, 'manifest.json'));
    const loaded = await loadModel(back, new Uint8Array(readFileSync(join(tmp, 'weights.bin'))), join(tmp, 'weights.bin'));
    let loss: number;
    let predictorLoss: number | undefined;
    try {
      loss = heldOutLoss(loaded.unet, loaded.weights, config);
      // The predictor as the pipeline finds it in the loaded stage (src/lib/pipelines/sr-predictor.ts).
      const packed = p && predictorFrom(back, loaded.weights, p.refineFrom, config.T, (what) => {
        throw new ExportError(`the exported stage's data.details.sr${what}`);
      });
      if (packed) predictorLoss = heldOutLoss(loaded.unet, packed.weights, p.state.config);
    } finally {
      tf.dispose(Object.values(loaded.weights));
    }
    if (!Number.isFinite(loss)) throw new ExportError(`the exported weights give a held-out loss of ${loss}`);
    if (predictorLoss !== undefined && !Number.isFinite(predictorLoss)) throw new ExportError(`the exported predictor gives a held-out loss of ${predictorLoss}`);
    const stored = p ? 'int8 (per-channel scales)' : 'float16';
    manifest.evaluation = {
      heldOutLoss: loss,
      heldOutLossNote: `L_simple (${config.prediction}) of the ${stored} EMA weights on 16 held-out ${config.sr ? 'crops with a clean low-res input' : config.latent ? 'latents (scenes encoded by the autoencoder)' : 'scenes'}, fixed t and ε`,
      ...(predictorLoss !== undefined ? { predictorHeldOutLoss: predictorLoss, predictorHeldOutLossNote: 'the predictor\'s loss on the same crops at t = T, ε = 0, unweighted components' } : {}),
    };
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
    parseManifest(readFileSync(join(tmp, 'manifest.json'), 'utf8'), join(tmp, 'manifest.json'));
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e instanceof ExportError ? e : new ExportError(`export of ${state.model} failed, ${final} left untouched: ${(e as Error).message}`);
  }
  return swapFolder(tmp, final);
}

/** Swap: old → aside, new → in place, then drop the old. A crash in between leaves one of them whole. Returns `final`. */
export function swapFolder(tmp: string, final: string): string {
  const aside = join(dirname(final), `.${basename(final)}.old-${process.pid}`);
  if (existsSync(final)) renameSync(final, aside);
  renameSync(tmp, final);
  rmSync(aside, { recursive: true, force: true });
  return final;
}
