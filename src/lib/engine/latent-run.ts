// Runs the latent job (latent-job.ts) in the engine: pipelines/latent.ts sampleLatent on the latent U-Net
// with the network's output checked for NaN at every step, a yield per step so a newer request can
// cancel, frames of the latent, its colour preview and (when asked) its decoded x̂₀, then the one decode
// of the final latent (LDM, Rombach et al. 2022 §3: the decoder runs once, after the last step).
import * as tf from '@tensorflow/tfjs-core';
import { encoderShaOfManifest } from '../models/vae-manifest';
import { PipelineError } from '../pipelines/base';
import { previewLatent, sampleLatent, unscaleLatent, type LatentModel } from '../pipelines/latent';
import { checkOutputs, hasNonFinite, watched, yieldToEventLoop } from './jobs';
import { peakMeter } from './memory-peak';
import { resolveLatentEdit, type LatentFrame, type LatentJob, type LatentOutcome } from './latent-job';
import { EngineError } from './protocol';
import type { Autoencoder } from './vae-run';

export interface LatentModels {
  latent: LatentModel;
  ae: Autoencoder;
}

/**
 * Refuses a latent model and an autoencoder that do not belong together. The latent model names the
 * encoder whose latents it learned (train/latent: the autoencoder's weightsSha256 when the set was built);
 * any other decoder reads those numbers in another code and draws noise, with no error to show for it.
 * The encoder-only hash (vae-manifest.ts encoderShaOfManifest) is accepted too: phase 2 retrains only the
 * decoder, so a later export of the same encoder still decodes these latents. Then channels and the grid.
 */
export function checkPair(names: { model: string; vae: string }, m: LatentModel, ae: Autoencoder): void {
  const own = [ae.manifest.weightsSha256, encoderShaOfManifest(ae.manifest)];
  if (!own.includes(m.encoderSha256)) {
    throw new EngineError(
      'model-corrupt',
      `"${names.model}" was trained on the latents of encoder ${m.encoderSha256.slice(0, 12)}…, but "${names.vae}" is ${ae.manifest.weightsSha256.slice(0, 12)}… (encoder ${encoderShaOfManifest(ae.manifest).slice(0, 12)}…): its decoder cannot read them. Reload to fetch a matching pair.`,
    );
  }
  if (m.channels !== ae.vae.config.latentChannels) throw new EngineError('model-corrupt', `"${names.model}" makes ${m.channels} latent channels, "${names.vae}" decodes ${ae.vae.config.latentChannels}`);
}

/**
 * Decodes a standardised latent z' [1, side, side, c]: unscaled to the decoder's units first (z = z'·std + mean),
 * then the final decoder, read back and clipped to [−1, 1] (checked before the clip, which could turn NaN
 * into a bound on some backends). `zs` stays the caller's.
 */
export async function decodeStandardised(models: LatentModels, zs: tf.Tensor, what: string): Promise<Float32Array> {
  const { latent: m, ae } = models;
  const out = tf.tidy(() => ae.vae.decode(ae.weights, unscaleLatent(zs as tf.Tensor4D, m)));
  let values: Float32Array;
  try {
    values = (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
  if (hasNonFinite(values)) throw new EngineError('nan-output', `${what} decoded to NaN or Infinity`);
  for (let i = 0; i < values.length; i++) values[i] = values[i] < -1 ? -1 : values[i] > 1 ? 1 : values[i];
  return values;
}

/** A pipeline's complaint about the request (a class the model lacks, a channel it lacks) as a refused job. */
function refused(error: unknown): unknown {
  if (error instanceof PipelineError || error instanceof RangeError) return new EngineError('backend-failed', `bad job: ${error.message}`);
  return error;
}

/**
 * Runs a latent job; every tensor is disposed, on abort and error too (sampleLatent frees its own, this
 * the NaN sums, the decodes and the final latent). Frames go to `emit` as the steps finish.
 */
export async function runLatentJob(models: LatentModels, job: LatentJob, signal: AbortSignal, emit: (frame: LatentFrame) => void, now: () => number): Promise<LatentOutcome> {
  const { latent: m, ae } = models;
  checkPair(job, m, ae);
  const side = m.resolution;
  const c = m.channels;
  const size = side * ae.vae.factor;
  const decodeAt = new Set(job.decodeAt);
  const sent = (i: number, steps: number): boolean => decodeAt.has(i) || (job.previewEvery > 0 && (i % job.previewEvery === 0 || i === steps - 1));
  const sums: tf.Tensor[] = [];
  let stepsMs = 0;
  let mark = now();
  let z: tf.Tensor;
  // Peak tensor memory of the steps, then of the decode, each above what was held when it began (memory-peak.ts).
  const meter = peakMeter(tf);
  try {
    z = await sampleLatent(watched(m, sums), {
      classIndex: job.classIndex,
      guidance: job.guidance,
      batch: 1,
      sampler: job.sampler,
      steps: job.steps,
      eta: job.eta,
      seed: job.seed,
      edits: job.edits.map(resolveLatentEdit),
      start: job.start,
      signal,
      onStep: async (tap) => {
        // Reading the output's sum waits for the backend, so the time so far is the step's own (an edit
        // made after the previous step included: it is part of this run's sampling).
        await checkOutputs(sums, `step ${tap.i + 1}/${tap.steps} (t = ${tap.t})`);
        const ms = now() - mark;
        stepsMs += ms;
        await yieldToEventLoop();
        signal.throwIfAborted(); // a cancel that arrived during the yield stops the job here
        if (sent(tap.i, tap.steps)) {
          const [xt, x0] = (await Promise.all([tap.xt.data(), tap.x0.data()])) as Float32Array[];
          if (hasNonFinite(x0)) throw new EngineError('nan-output', `x̂₀ of step ${tap.i + 1}/${tap.steps} contains NaN or Infinity`);
          const d0 = now();
          const decoded = decodeAt.has(tap.i) ? await decodeStandardised(models, tap.x0, `x̂₀ of step ${tap.i + 1}`) : undefined;
          const decodeMs = decoded ? now() - d0 : undefined;
          signal.throwIfAborted(); // a frame of a superseded job is never sent
          const frame: LatentFrame = { i: tap.i, steps: tap.steps, t: tap.t, tPrev: tap.tPrev, side, channels: c, size, xt, x0, xtPreview: previewLatent(xt, m), x0Preview: previewLatent(x0, m), ms };
          emit(decoded ? { ...frame, decoded, decodeMs } : frame);
        }
        mark = now();
      },
    });
  } catch (error) {
    meter.stop();
    throw refused(error);
  } finally {
    tf.dispose(sums.splice(0)); // a step that threw before its check
  }
  try {
    const stepsPeak = meter.peak();
    const latent = (await z.data()) as Float32Array;
    stepsMs += now() - mark; // the last update and the last step's edits, waited for by the read
    if (hasNonFinite(latent)) throw new EngineError('nan-output', 'the final latent contains NaN or Infinity');
    signal.throwIfAborted();
    const d0 = now();
    meter.mark();
    const image = await decodeStandardised(models, z, 'the final latent');
    const decodeMs = now() - d0;
    const decodePeak = meter.peak();
    signal.throwIfAborted();
    return { latent, preview: previewLatent(latent, m), image, side, channels: c, size, ms: { steps: stepsMs, decode: decodeMs }, peakBytes: { steps: stepsPeak, decode: decodePeak } };
  } finally {
    meter.stop();
    z.dispose();
  }
}
