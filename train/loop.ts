// The training loop: data → L_simple → global-norm clip → AdamW → EMA, with periodic atomic
// checkpoints and a JSONL loss log in the run folder. Every random draw is a function of (seed, step),
// so a run resumed from a checkpoint at step k takes exactly the steps an uninterrupted run takes.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed, makeRng } from '../src/lib/math/rng';
import { makeSchedule, type Schedule } from '../src/lib/diffusion/schedule';
import { buildUNet, type UNet } from '../src/lib/models/unet';
import { AdamW } from './adamw';
import { saveCheckpoint, type CheckpointState, type LossRecord, type NamedArray } from './checkpoint';
import { clipByGlobalNorm } from './clip';
import { trainingBatch } from './dataset';
import { Ema } from './ema';
import { lrAt } from './lr-schedule';
import { latentBatches, loadLatentData } from './latent/latent-data';
import { lossAndGrads, stepNoise } from './objective';
import { Progress } from './progress';
import { srTrainingBatch } from './sr-data';
import { srLossAndGrads, srStepNoise } from './sr-objective';
import type { TrainConfig } from './train-config';

/** deriveSeed stream of the weight initialisation. */
export const INIT_STREAM = 301;

/** The loss became NaN or infinite: the run stops without writing the bad state. */
export class DivergedError extends Error {}

export interface RunOptions {
  model: string;
  config: TrainConfig;
  /** The run folder: checkpoints and loss.jsonl. */
  dir: string;
  /** Continue from this checkpoint (its config is used as is). */
  resume?: CheckpointState;
  /** Stop (and checkpoint) after this many completed steps, before config.steps. */
  until?: number;
  /** Polled after every step; true → checkpoint and return (SIGINT/SIGTERM). */
  shouldStop?: () => boolean;
  /** Where the progress bar goes; null for none (tests). */
  progress?: Progress | null;
  /** The machine in words, stored in checkpoints for the manifest. */
  machine?: string;
  /** Called after each step with the number of live tensors (leak checks). */
  onStep?: (record: LossRecord, numTensors: number) => void;
}

export interface RunResult {
  step: number;
  lossLog: LossRecord[];
  wallSeconds: number;
  /** The last checkpoint written. */
  checkpoint: string;
  /** Whether config.steps was reached. */
  finished: boolean;
}

/** New tensors (the caller owns them) for the arrays whose name starts with `prefix`. */
const toTensors = (prefix: string, arrays: Map<string, NamedArray>, strip = true): tf.NamedTensorMap =>
  Object.fromEntries(
    [...arrays]
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, a]) => [strip ? k.slice(prefix.length) : k, tf.tensor(a.data, a.shape)]),
  );

function freshParams(unet: UNet, seed: number): tf.NamedTensorMap {
  const init = unet.init(makeRng(deriveSeed(seed, INIT_STREAM)));
  return Object.fromEntries(unet.specs.map((s) => [s.name, tf.tensor(init.get(s.name) as Float32Array, s.shape)]));
}

function snapshot(prefix: string, tensors: tf.NamedTensorMap, out: Map<string, NamedArray>): void {
  for (const [k, t] of Object.entries(tensors)) out.set(prefix + k, { shape: [...t.shape], data: t.dataSync() as Float32Array });
}

type StepFn = (unet: UNet, params: tf.NamedTensorMap, config: TrainConfig, step: number, schedule: Schedule) => ReturnType<typeof lossAndGrads>;

/** A base model's step (unchanged since base-64 began): its batch, its noise, L_simple and gradients. */
const baseStep: StepFn = (unet, params, config, step, schedule) => {
  const batch = trainingBatch(config.seed, step, config.batch, config.resolution);
  return lossAndGrads(unet, params, batch, stepNoise(config, step, batch), config, schedule);
};

/** A latent model's step: the same objective as a base model's, on standardised latents (latent/latent-data.ts). */
function latentStep(config: TrainConfig): StepFn {
  if (!config.latent) throw new Error('latentStep: the config has no latent block');
  const batchOf = latentBatches(loadLatentData(config.latent), config.seed, config.batch);
  return (unet, params, c, step, schedule) => {
    const batch = batchOf(step);
    return lossAndGrads(unet, params, batch, stepNoise(c, step, batch), c, schedule);
  };
}

/** A super-resolution model's step: high-res crop, low-res crop and aug draws (train/sr-data.ts, sr-objective.ts). */
const srStep: StepFn = (unet, params, config, step, schedule) => {
  const batch = srTrainingBatch(config, step);
  return srLossAndGrads(unet, params, batch, srStepNoise(config, step, batch, schedule), config, schedule);
};

export async function train(o: RunOptions): Promise<RunResult> {
  const config = o.resume?.config ?? o.config;
  const unet = buildUNet(config.model);
  const schedule = makeSchedule(config.schedule, { T: config.T, resolution: config.resolution });
  const adam = new AdamW({ beta1: config.beta1, beta2: config.beta2, eps: config.adamEps, weightDecay: config.weightDecay });
  const ema = new Ema(config.emaDecay);
  const stepFn = config.sr ? srStep : config.latent ? latentStep(config) : baseStep;
  let params: tf.NamedTensorMap;
  let step = 0;
  let lossLog: LossRecord[] = [];
  let wallBefore = 0;
  if (o.resume) {
    params = toTensors('param/', o.resume.tensors);
    ema.load(toTensors('ema/', o.resume.tensors));
    adam.load(toTensors('adam.', o.resume.tensors, false), o.resume.step);
    step = o.resume.step;
    lossLog = [...o.resume.lossLog];
    wallBefore = o.resume.wallSeconds;
  } else {
    params = freshParams(unet, config.seed);
    ema.init(params);
  }
  const missing = unet.specs.filter((s) => !params[s.name]).map((s) => s.name);
  if (missing.length > 0) throw new Error(`checkpoint lacks parameters: ${missing.slice(0, 5).join(', ')}`);

  mkdirSync(o.dir, { recursive: true });
  const logPath = join(o.dir, 'loss.jsonl');
  // The log restarts from the checkpoint's copy, dropping lines of steps after it that will be redone.
  writeFileSync(logPath, lossLog.map((r) => JSON.stringify(r) + '\n').join(''));

  const end = Math.min(config.steps, o.until ?? config.steps);
  const t0 = performance.now();
  let lastCkpt = t0;
  let checkpoint = '';
  const save = (): string => {
    const tensors = new Map<string, NamedArray>();
    snapshot('param/', params, tensors);
    snapshot('ema/', ema.weights(), tensors);
    snapshot('', adam.state(), tensors);
    const wallSeconds = wallBefore + (performance.now() - t0) / 1000;
    checkpoint = saveCheckpoint(o.dir, { model: o.model, step, config, lossLog, wallSeconds, machine: o.machine, tensors }, config.keepCheckpoints);
    lastCkpt = performance.now();
    o.progress?.note(`checkpoint ${checkpoint} (step ${step})`);
    return checkpoint;
  };

  try {
    while (step < end) {
      const ts = performance.now();
      const lr = lrAt(config, step);
      const { loss, grads } = stepFn(unet, params, config, step, schedule);
      if (!Number.isFinite(loss)) {
        tf.dispose(grads);
        throw new DivergedError(`loss is ${loss} at step ${step}; stopped without saving (last good checkpoint: ${checkpoint || 'none this session'})`);
      }
      const clipped = clipByGlobalNorm(grads, config.gradClip);
      tf.dispose(grads);
      const next = adam.apply(params, clipped.grads, lr);
      tf.dispose(clipped.grads);
      tf.dispose(params);
      params = next;
      ema.update(params, step);
      step += 1;
      const record: LossRecord = { step, loss, lr, gradNorm: clipped.norm, secPerStep: (performance.now() - ts) / 1000 };
      lossLog.push(record);
      appendFileSync(logPath, JSON.stringify(record) + '\n');
      o.progress?.update(step, loss);
      o.onStep?.(record, tf.memory().numTensors);
      // Yield to the event loop so SIGINT/SIGTERM handlers (and timers) run between steps.
      await new Promise((resolve) => setImmediate(resolve));
      const stop = o.shouldStop?.() ?? false;
      if (stop || performance.now() - lastCkpt >= config.ckptMinutes * 60_000) save();
      if (stop) break;
    }
    if (!checkpoint.endsWith(`step-${String(step).padStart(8, '0')}.ckpt`)) save();
    o.progress?.finish();
    return { step, lossLog, wallSeconds: wallBefore + (performance.now() - t0) / 1000, checkpoint, finished: step >= config.steps };
  } finally {
    tf.dispose(params);
    ema.dispose();
    adam.dispose();
  }
}
