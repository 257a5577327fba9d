// The engine's jobs: a sample job runs the reverse process (DDPM Alg. 2 / DDIM Eq. 12, with classifier-free
// guidance, Ho & Salimans 2022 Eq. 6) on a loaded U-Net; a "latest wins" scheduler runs one job at a time.
import * as tf from '@tensorflow/tfjs-core';
import { baseModelFrom, guidedDenoiser as baseDenoiser, PipelineError, sampleBase, type BaseModel } from '../pipelines/base';
import { latentModelFrom, type LatentModel } from '../pipelines/latent';
import { augAlphaBar, sampleSuperResolution, srDenoiser, srModelFrom, type SrModel } from '../pipelines/super-resolution';
import type { Manifest } from '../models/manifest';
import type { UNet, UNetWeights } from '../models/unet';
import { EngineError, toEngineError, type ModelRole, type SampleJob, type StepFrame } from './protocol';

/**
 * A loaded model, ready to run: a base model (src/lib/pipelines/base.ts) or, when it carries `sr`, a
 * super-resolution one (pipelines/super-resolution.ts; an SrModel is a BaseModel plus its SR settings),
 * or, when it carries the latent statistics, a latent one (pipelines/latent.ts, also a BaseModel).
 */
export type RunnableModel = BaseModel | SrModel | LatentModel;

export const isSr = (model: RunnableModel): model is SrModel => 'sr' in model;
export const isLatent = (model: RunnableModel): model is LatentModel => 'preview' in model && 'encoderSha256' in model;
export const roleOf = (model: RunnableModel): ModelRole => (isSr(model) ? 'sr' : isLatent(model) ? 'latent' : 'base');

/**
 * The pipeline's reading of a manifest, with its complaint reported as a corrupt model. The manifest
 * says which kind it is: export writes data.details.sr for super-resolution models only, and
 * data.details.latent for models trained on the autoencoder's latents only.
 */
export function runnableFrom(manifest: Manifest, unet: UNet, weights: UNetWeights): RunnableModel {
  const d = manifest.data.details;
  try {
    return d?.sr !== undefined ? srModelFrom(manifest, unet, weights) : d?.latent !== undefined ? latentModelFrom(manifest, unet, weights) : baseModelFrom(manifest, unet, weights);
  } catch (error) {
    throw error instanceof PipelineError ? new EngineError('model-corrupt', error.message) : error;
  }
}

/**
 * One denoising step of the model on noise at t = T/2, the unit of the backend measurement: a base
 * model's unguided step at its resolution, an SR model's step on a training-crop-sized cell grid with
 * its conditioning channels and aug level. Call inside tf.tidy; returns the network output.
 */
export function oneStep(model: RunnableModel): tf.Tensor {
  const t = Math.floor(model.schedule.T / 2);
  const c = model.unet.config.imageChannels;
  if (!isSr(model)) return guidedDenoiser(model, null, 1)(tf.randomNormal([1, model.resolution, model.resolution, c], 0, 1, 'float32', 1), t);
  const grid = model.resolution / model.sr.spaceToDepth;
  const x = tf.randomNormal([1, grid, grid, c], 0, 1, 'float32', 1) as tf.Tensor4D;
  return srDenoiser(model, tf.zerosLike(x), tf.tensor1d([0]), augAlphaBar(model.schedule, 0))(x, t); // as the sampler calls it, preconditioning included
}

/** The pipeline's guided denoiser, with a request that does not fit the model reported as an engine error. */
export function guidedDenoiser(model: RunnableModel, classIndex: number | null, guidance: number): ReturnType<typeof baseDenoiser> {
  try {
    return baseDenoiser(model, classIndex, guidance);
  } catch (error) {
    throw error instanceof PipelineError ? new EngineError('backend-failed', error.message) : error;
  }
}

/** Whether any value is NaN or ±Infinity (a diverged model or a backend computing in bad float16). */
export function hasNonFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return true;
  return false;
}

let channel: MessageChannel | null = null;
const resumes: (() => void)[] = [];

/**
 * Lets queued messages (a newer request, a cancel) run before the next step. On wasm and cpu,
 * `await t.data()` settles in microtasks, so without this a whole job runs before the worker reads its
 * next message and latest-wins never fires. Browsers: a MessageChannel task (setTimeout is clamped to
 * 4 ms when nested, a tenth of a step). Node: setImmediate (its ports drain back-to-back posts in one
 * go, which would starve timers and I/O).
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => resumes.shift()?.();
  }
  const port = channel.port2;
  return new Promise((resolve) => {
    resumes.push(resolve);
    port.postMessage(null);
  });
}

async function read(t: tf.Tensor): Promise<Float32Array> {
  return (await t.data()) as Float32Array;
}

/**
 * The model with every network output summed into a kept scalar (inside the sampler's tf.tidy, so only
 * the scalar outlives the step). The sum is NaN or ±Infinity exactly when an output value is: the only
 * reliable place to look, because x̂₀ is clipped and ε̂ re-derived from it (prediction.ts epsAndX0), and
 * wasm's clamp turns NaN into −1, so a diverged network would otherwise draw a black image unnoticed.
 */
export function watched<M extends RunnableModel>(model: M, sums: tf.Tensor[]): M {
  const { unet } = model;
  const apply: typeof unet.apply = (weights, x, t, opts) => {
    const out = unet.apply(weights, x, t, opts);
    sums.push(tf.keep(tf.sum(out)));
    return out;
  };
  return { ...model, unet: { ...unet, apply } };
}

/** Reads and frees the watched sums; throws nan-output when one is not finite. */
export async function checkOutputs(sums: tf.Tensor[], where: string): Promise<void> {
  const taken = sums.splice(0);
  try {
    for (const s of taken) if (!Number.isFinite((await s.data())[0])) throw new EngineError('nan-output', `${where}: the network output NaN or Infinity`);
  } finally {
    tf.dispose(taken);
  }
}

/**
 * Runs one sample job and resolves to x_0 as pixels [batch, res, res, C]; every tensor is disposed (also on
 * abort or error: sample() cleans up its own, this disposes its output after reading it). The network's
 * output is checked for NaN at every step, so a diverging run stops there, frames or not.
 */
export async function runSampleJob(model: RunnableModel, job: SampleJob, signal: AbortSignal, onFrame: (frame: StepFrame) => void): Promise<{ x: Float32Array; shape: number[] }> {
  if (isSr(model)) throw new EngineError('backend-failed', `bad job: "${job.model}" is a super-resolution model; a sample job needs a base model (run a cascade job)`);
  const shape = [job.batch, model.resolution, model.resolution, model.unet.config.imageChannels];
  const sums: tf.Tensor[] = [];
  let out: tf.Tensor;
  try {
    out = await sampleBase(watched(model, sums), {
      classIndex: job.classIndex,
      guidance: job.guidance,
      batch: job.batch,
      sampler: job.sampler,
      steps: job.steps,
      eta: job.eta,
      seed: job.seed,
      signal,
      onStep: async (tap) => {
        await checkOutputs(sums, `step ${tap.i + 1}/${tap.steps} (t = ${tap.t})`);
        await yieldToEventLoop();
        signal.throwIfAborted(); // a cancel that arrived during the yield stops the job here
        const last = tap.i === tap.steps - 1;
        if (job.tapEvery === 0 || (tap.i % job.tapEvery !== 0 && !last)) return;
        const [xt, eps, x0] = await Promise.all([read(tap.xt), read(tap.eps), read(tap.x0)]);
        if (hasNonFinite(eps) || hasNonFinite(x0)) throw new EngineError('nan-output', `step ${tap.i + 1}/${tap.steps} (t = ${tap.t}) produced NaN or Infinity`);
        signal.throwIfAborted(); // a frame of a superseded job is never sent
        onFrame({ i: tap.i, steps: tap.steps, t: tap.t, tPrev: tap.tPrev, shape, xt, eps, x0 });
      },
    });
  } finally {
    tf.dispose(sums.splice(0)); // a step that threw before its check
  }
  try {
    const x = await read(out);
    if (hasNonFinite(x)) throw new EngineError('nan-output', 'the final image contains NaN or Infinity');
    return { x, shape };
  } finally {
    out.dispose();
  }
}

/**
 * Runs the shapes a lesson's jobs use once, untimed, so WebGL compiles their shaders now (while the
 * model loads) and not during the reader's first step: tfjs keys its shader programs by tensor shape,
 * and a guided step runs the network on a batch of 2 (cond + null class, Ho & Salimans 2022 Eq. 6)
 * where the backend measurement ran a batch of 1. Two steps of each sampler (the DDPM update and the
 * DDIM one with η > 0) with every frame read back, as the lesson does. Returns the time taken, ms.
 */
export async function warmUp(model: RunnableModel, now: () => number): Promise<number> {
  const start = now();
  if (isSr(model)) {
    // The cascade's shape for this stage: the full output size from a low-res input, previews read back.
    const low = model.sr.fullSize / model.sr.factor;
    await sampleSuperResolution(model, new Float32Array(low * low * 3), low, { aug: 0, steps: 2, seed: 0, preview: true, onStep: () => undefined });
    return now() - start;
  }
  const classIndex = model.unet.config.classes > 0 ? 0 : null;
  const signal = new AbortController().signal;
  for (const sampler of ['ddpm', 'ddim'] as const) {
    const job: SampleJob = { kind: 'sample', model: '', sampler, steps: 2, eta: 1, seed: 0, classIndex, guidance: classIndex === null ? 1 : 2, batch: 1, tapEvery: 1 };
    await runSampleJob(model, job, signal, () => undefined);
  }
  return now() - start;
}

/** Who asked: the request id and the widget channel it came from. */
export interface Ticket {
  id: number;
  channel: string;
}

export interface SchedulerHandlers<J, P, R> {
  /** Runs a job; must stop (reject) soon after `signal` aborts, having disposed its tensors. */
  run(job: J, signal: AbortSignal, progress: (p: P) => void, ticket: Ticket): Promise<R>;
  progress(ticket: Ticket, p: P): void;
  deliver(ticket: Ticket, result: R): void;
  /** Failures, and 'cancelled' for every job superseded or cancelled before it delivered. */
  fail(ticket: Ticket, error: EngineError): void;
  /** Frees a result that arrived after its job was superseded (a run that finished just as it was aborted). */
  discard?(result: R): void;
}

/**
 * Latest wins, per channel: a newer job on a channel aborts the one in flight and replaces the one
 * waiting, so a slider dragged across ten values runs at most two jobs. Jobs run one at a time across
 * channels (one tfjs backend; interleaving would only slow both down).
 */
export class LatestWins<J, P, R> {
  private waiting: { ticket: Ticket; job: J }[] = [];
  private running: { ticket: Ticket; controller: AbortController } | null = null;
  private drained: Promise<void> = Promise.resolve();

  constructor(private readonly handlers: SchedulerHandlers<J, P, R>) {}

  submit(ticket: Ticket, job: J): void {
    this.cancel(ticket.channel, `superseded by request ${ticket.id}`);
    this.waiting.push({ ticket, job });
    if (!this.running) this.drained = this.pump();
  }

  /** Aborts the running job and drops the waiting one on `channel`; each is failed with 'cancelled'. */
  cancel(channel: string, why = 'cancelled by the page'): void {
    if (this.running?.ticket.channel === channel) this.running.controller.abort(new EngineError('cancelled', why));
    for (const w of this.waiting.filter((w) => w.ticket.channel === channel)) this.handlers.fail(w.ticket, new EngineError('cancelled', why));
    this.waiting = this.waiting.filter((w) => w.ticket.channel !== channel);
  }

  /** Whether a job waits for the one running (work that can wait goes after it). */
  hasWaiting(): boolean {
    return this.waiting.length > 0;
  }

  /** Resolves once no job is running or waiting. */
  idle(): Promise<void> {
    return this.drained;
  }

  private async pump(): Promise<void> {
    for (let next = this.waiting.shift(); next; next = this.waiting.shift()) {
      const { ticket, job } = next;
      const controller = new AbortController();
      this.running = { ticket, controller };
      const { signal } = controller;
      try {
        const result = await this.handlers.run(
          job,
          signal,
          (p) => {
            if (!signal.aborted) this.handlers.progress(ticket, p);
          },
          ticket,
        );
        if (signal.aborted) {
          this.handlers.discard?.(result);
          this.handlers.fail(ticket, toEngineError(signal.reason, 'cancelled'));
        } else {
          this.handlers.deliver(ticket, result);
        }
      } catch (error) {
        this.handlers.fail(ticket, signal.aborted ? toEngineError(signal.reason, 'cancelled') : toEngineError(error, 'backend-failed'));
      } finally {
        this.running = null;
      }
    }
  }
}
