// The autoencoder's training loop, both phases in one resumable run: phase 1 trains encoder + decoder on
// reconstruction + KL; at phase1Steps the EMA encoder is frozen, the EMA decoder is kept as "decoder 1",
// and phase 2 fine-tunes a copy of it against a patch discriminator (warmed up alone first). Checkpoints
// hold everything (train/checkpoint.ts), so a run resumed at step k takes the steps an unbroken run takes.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed, makeRng } from '../../src/lib/math/rng';
import { buildVae } from '../../src/lib/models/vae';
import { AdamW } from '../adamw';
import { saveCheckpoint, type CheckpointState, type LossRecord, type NamedArray } from '../checkpoint';
import { clipByGlobalNorm } from '../clip';
import { Ema } from '../ema';
import { DivergedError, INIT_STREAM, type RunResult } from '../loop';
import { lrAt } from '../lr-schedule';
import type { Progress } from '../progress';
import { buildDiscriminator } from './discriminator';
import { vaeTrainingBatch } from './vae-data';
import { phase1Step, phase2Step, posteriorNoise } from './vae-objective';
import { totalSteps, type VaeTrainConfig } from './vae-train-config';

/** deriveSeed stream of the discriminator's initialisation. */
export const DISC_INIT_STREAM = 302;

export interface VaeRunOptions {
  config: VaeTrainConfig;
  dir: string;
  resume?: CheckpointState<VaeTrainConfig>;
  until?: number;
  shouldStop?: () => boolean;
  progress?: Progress | null;
  machine?: string;
  onStep?: (record: LossRecord, numTensors: number) => void;
}

const pick = (prefix: string, arrays: Map<string, NamedArray>, keepPrefix = ''): tf.NamedTensorMap =>
  Object.fromEntries([...arrays].filter(([k]) => k.startsWith(prefix)).map(([k, a]) => [keepPrefix + k.slice(prefix.length), tf.tensor(a.data, a.shape)]));

const fresh = (specs: { name: string; shape: number[] }[], init: Map<string, Float32Array>): tf.NamedTensorMap =>
  Object.fromEntries(specs.map((s) => [s.name, tf.tensor(init.get(s.name) as Float32Array, s.shape)]));


export async function trainVae(o: VaeRunOptions): Promise<RunResult> {
  const c = o.resume?.config ?? o.config;
  const vae = buildVae(c.model);
  const disc = buildDiscriminator(c.disc);
  const P1 = c.phase1Steps;
  const encNames = vae.encoderSpecs.map((s) => s.name);
  const decNames = vae.decoderSpecs.map((s) => s.name);
  const adam1 = () => new AdamW({ beta1: c.beta1, beta2: c.beta2, eps: c.adamEps, weightDecay: c.weightDecay });
  const adam2 = () => new AdamW({ beta1: c.phase2Beta1, beta2: c.phase2Beta2, eps: c.adamEps, weightDecay: 0 });

  let step = o.resume?.step ?? 0;
  let params: tf.NamedTensorMap; // phase 1: encoder + decoder; phase 2: the decoder
  let frozen: tf.NamedTensorMap = {}; // phase 2: the frozen encoder
  let phase1Decoder: tf.NamedTensorMap = {}; // phase 2: decoder 1, kept for export
  let discParams: tf.NamedTensorMap = {};
  let adam = step < P1 ? adam1() : adam2();
  const discAdam = adam2();
  const ema = new Ema(c.emaDecay);
  const lossLog = [...(o.resume?.lossLog ?? [])];
  const wallBefore = o.resume?.wallSeconds ?? 0;
  const decoderUpdates = (s: number) => Math.max(0, s - P1 - c.discWarmup);
  if (o.resume) {
    const t = o.resume.tensors;
    params = pick('param/', t);
    ema.load(pick('ema/', t));
    adam.load(pick('adam.', t, 'adam.'), step < P1 ? step : decoderUpdates(step));
    if (step >= P1) {
      frozen = pick('frozen/', t);
      phase1Decoder = pick('phase1/', t);
      discParams = pick('disc/', t);
      discAdam.load(pick('d.adam.', t, 'adam.'), step - P1);
    }
  } else {
    params = fresh(vae.specs, vae.init(makeRng(deriveSeed(c.seed, INIT_STREAM))));
    ema.init(params);
  }

  /** Phase 1 → 2: freeze the EMA encoder, keep the EMA decoder as decoder 1, fine-tune a copy of it. */
  const enterPhase2 = () => {
    const avg = ema.weights();
    frozen = Object.fromEntries(encNames.map((n) => [n, tf.clone(avg[n])]));
    phase1Decoder = Object.fromEntries(decNames.map((n) => [n, tf.clone(avg[n])]));
    tf.dispose(params);
    params = Object.fromEntries(decNames.map((n) => [n, tf.clone(avg[n])]));
    ema.init(params);
    adam.dispose();
    adam = adam2();
    discParams = fresh(disc.specs, disc.init(makeRng(deriveSeed(c.seed, DISC_INIT_STREAM))));
  };

  mkdirSync(o.dir, { recursive: true });
  const logPath = join(o.dir, 'loss.jsonl');
  writeFileSync(logPath, lossLog.map((r) => JSON.stringify(r) + '\n').join(''));
  const end = Math.min(totalSteps(c), o.until ?? totalSteps(c));
  const t0 = performance.now();
  let lastCkpt = t0;
  let checkpoint = '';
  const save = () => {
    const tensors = new Map<string, NamedArray>();
    const put = (prefix: string, m: tf.NamedTensorMap) => {
      for (const [k, t] of Object.entries(m)) tensors.set(prefix + k, { shape: [...t.shape], data: t.dataSync() as Float32Array });
    };
    put('param/', params);
    put('ema/', ema.weights());
    put('', adam.state());
    if (step >= P1) {
      put('frozen/', frozen);
      put('phase1/', phase1Decoder);
      put('disc/', discParams);
      put('d.', discAdam.state());
    }
    const wallSeconds = wallBefore + (performance.now() - t0) / 1000;
    checkpoint = saveCheckpoint(o.dir, { model: 'vae', step, config: c, lossLog, wallSeconds, machine: o.machine, tensors }, c.keepCheckpoints);
    lastCkpt = performance.now();
    o.progress?.note(`checkpoint ${checkpoint} (step ${step})`);
  };

  try {
    while (step < end) {
      const ts = performance.now();
      if (step === P1 && Object.keys(frozen).length === 0) enterPhase2();
      const batch = vaeTrainingBatch(c, step);
      const side = c.crop / vae.factor;
      const x = tf.tensor4d(batch.x, [c.batch, c.crop, c.crop, 3]);
      const eps = tf.tensor4d(posteriorNoise(c, step), [c.batch, side, side, c.model.latentChannels]);
      let loss: number;
      let terms: Record<string, number>;
      let gradNorm = 0;
      const lr = step < P1 ? lrAt({ lr: c.lr, minLr: c.minLr, warmup: c.warmup, steps: P1 }, step) : c.phase2Lr;
      const update = (grads: tf.NamedTensorMap, opt: AdamW, p: tf.NamedTensorMap): tf.NamedTensorMap => {
        const clipped = clipByGlobalNorm(grads, c.gradClip);
        tf.dispose(grads);
        const next = opt.apply(p, clipped.grads, lr);
        tf.dispose(clipped.grads);
        tf.dispose(p);
        gradNorm = Math.max(gradNorm, clipped.norm);
        return next;
      };
      try {
        if (step < P1) {
          const r = phase1Step(vae, params, x, eps, c);
          ({ loss, terms } = r);
          if (!Number.isFinite(loss)) throw new DivergedError(`loss is ${loss} at step ${step}; stopped without saving (last good checkpoint: ${checkpoint || 'none this session'})`);
          params = update(r.grads, adam, params);
        } else {
          const learns = step >= P1 + c.discWarmup;
          const r = phase2Step({ vae, encoder: frozen, decoder: params, disc, discParams, x, eps, decoderLearns: learns }, c);
          ({ loss, terms } = r);
          if (!Number.isFinite(loss) || !Number.isFinite(r.terms.disc)) {
            tf.dispose([r.discGrads, r.decoderGrads ?? {}].flatMap((m) => Object.values(m)));
            throw new DivergedError(`phase 2 loss is ${loss} (D ${r.terms.disc}) at step ${step}; stopped without saving`);
          }
          if (r.decoderGrads) params = update(r.decoderGrads, adam, params);
          discParams = update(r.discGrads, discAdam, discParams);
        }
      } finally {
        x.dispose();
        eps.dispose();
      }
      if (step < P1 || step >= P1 + c.discWarmup) ema.update(params, step < P1 ? step : decoderUpdates(step));
      step += 1;
      const record: LossRecord = { step, loss, lr, gradNorm, secPerStep: (performance.now() - ts) / 1000, terms: { ...terms, phase: step <= P1 ? 1 : 2 } };
      lossLog.push(record);
      appendFileSync(logPath, JSON.stringify(record) + '\n');
      o.progress?.update(step, loss);
      o.onStep?.(record, tf.memory().numTensors);
      await new Promise((resolve) => setImmediate(resolve));
      const stop = o.shouldStop?.() ?? false;
      if (stop || performance.now() - lastCkpt >= c.ckptMinutes * 60_000) save();
      if (stop) break;
    }
    if (!checkpoint.endsWith(`step-${String(step).padStart(8, '0')}.ckpt`)) save();
    o.progress?.finish();
    return { step, lossLog, wallSeconds: wallBefore + (performance.now() - t0) / 1000, checkpoint, finished: step >= totalSteps(c) };
  } finally {
    tf.dispose([params, frozen, phase1Decoder, discParams].flatMap((m) => Object.values(m)));
    ema.dispose();
    adam.dispose();
    discAdam.dispose();
  }
}

/** The EMA weights of a checkpoint split into encoder, decoder 1 (phase 1) and decoder 2 (phase 2, when reached). */
export function exportedWeights(state: CheckpointState<VaeTrainConfig>): { encoder: Map<string, NamedArray>; decoder1: Map<string, NamedArray>; decoder2?: Map<string, NamedArray> } {
  const vae = buildVae(state.config.model);
  const get = (prefix: string, names: string[]) => new Map(names.map((n) => {
    const a = state.tensors.get(prefix + n);
    if (!a) throw new Error(`checkpoint at step ${state.step} lacks ${prefix}${n}`);
    return [n, a] as const;
  }));
  const enc = vae.encoderSpecs.map((s) => s.name);
  const dec = vae.decoderSpecs.map((s) => s.name);
  if (state.step <= state.config.phase1Steps) return { encoder: get('ema/', enc), decoder1: get('ema/', dec) };
  return { encoder: get('frozen/', enc), decoder1: get('phase1/', dec), decoder2: get('ema/', dec) };
}
