// Runs the autoencoder's job (vae-job.ts) in the engine: render or take the image, encode it to the
// posterior mean (LDM decodes μ at inference: DiagonalGaussianDistribution.mode()), decode with the
// decoders asked for, and hand back float32 arrays. Every tensor is freed before the job returns.
import * as tf from '@tensorflow/tfjs-core';
import { renderScene, sampleScene, SCENE_KINDS } from '../data';
import type { Vae } from '../models/vae';
import { phase1DecoderWeights, type LoadedVae, type VaeManifest } from '../models/vae-manifest';
import { hasNonFinite, yieldToEventLoop } from './jobs';
import { EngineError } from './protocol';
import type { VaeDecoder, VaeJob, VaeOutcome } from './vae-job';

export interface Autoencoder {
  manifest: VaeManifest;
  vae: Vae;
  /** Encoder + final decoder (and the phase-1 decoder under its prefix). The engine disposes them. */
  weights: Record<string, tf.Tensor>;
  /** The phase-1 decoder by plain names (views of `weights`), or null when the model has none. */
  phase1: Record<string, tf.Tensor> | null;
}

export function autoencoderFrom(manifest: VaeManifest, loaded: LoadedVae): Autoencoder {
  return { manifest, vae: loaded.vae, weights: loaded.weights, phase1: phase1DecoderWeights(loaded) };
}

/** The backend measurement's unit for an autoencoder: one decode of a 16×16 latent (a 256² image). Call inside tf.tidy. */
export function oneDecode(m: Autoencoder): tf.Tensor {
  return m.vae.decode(m.weights, tf.randomNormal([1, 16, 16, m.vae.config.latentChannels], 0, 1, 'float32', 1) as tf.Tensor4D);
}

/** Reads a tensor's values, frees it, and refuses NaN or ±Infinity (a diverged model or bad float16). */
async function readChecked(t: tf.Tensor, what: string): Promise<Float32Array> {
  const values = (await t.data()) as Float32Array;
  t.dispose();
  if (hasNonFinite(values)) throw new EngineError('nan-output', `${what} produced NaN or Infinity`);
  return values;
}

export async function runVaeJob(m: Autoencoder, job: VaeJob, signal: AbortSignal, now: () => number, poison = false): Promise<VaeOutcome> {
  const { vae } = m;
  const f = vae.factor;
  const c = vae.config.latentChannels;
  const checkpoint = async () => {
    await yieldToEventLoop();
    signal.throwIfAborted(); // a cancel that arrived meanwhile stops the job here
  };
  const decoders = job.decoders.map((d): [VaeDecoder, Record<string, tf.Tensor>] => {
    if (d === 'final') return [d, m.weights];
    if (!m.phase1) throw new EngineError('model-missing', `model "${job.model}" has no phase-1 decoder yet (trained only through phase 1)`);
    return [d, { ...m.weights, ...m.phase1 }];
  });
  const src = job.source;
  const ms: VaeOutcome['ms'] = { decode: {} };
  let size: number;
  let z: tf.Tensor4D;
  let image: Float32Array | undefined;
  let latent: Float32Array | undefined;
  let logvar: Float32Array | undefined;
  if (src.type === 'latent') {
    if (src.latent.length !== src.side * src.side * c) throw new EngineError('backend-failed', `bad job: the latent has ${src.latent.length} values, ${src.side}²·${c} expected`);
    size = src.side * f;
    z = tf.tensor4d(src.latent, [1, src.side, src.side, c]);
  } else {
    size = src.size;
    if (size % f !== 0) throw new EngineError('backend-failed', `bad job: size ${size} is not a multiple of f = ${f}`);
    let pixels: Float32Array;
    if (src.type === 'scene') {
      if (src.sceneKind >= SCENE_KINDS.length) throw new EngineError('backend-failed', `bad job: scene kind ${src.sceneKind} of ${SCENE_KINDS.length}`);
      const t0 = now();
      pixels = renderScene(sampleScene(src.seed, SCENE_KINDS[src.sceneKind]), size);
      ms.render = now() - t0;
      if (job.sendImage) image = pixels;
      await checkpoint();
    } else pixels = src.pixels;
    const t0 = now();
    const x = tf.tensor4d(pixels, [1, size, size, 3]);
    const post = vae.encode(m.weights, x);
    x.dispose();
    [latent, logvar] = await Promise.all([post.mean.data() as Promise<Float32Array>, post.logvar.data() as Promise<Float32Array>]);
    post.logvar.dispose();
    z = post.mean;
    ms.encode = now() - t0;
    if (hasNonFinite(latent)) {
      z.dispose();
      throw new EngineError('nan-output', 'the encoder produced NaN or Infinity');
    }
  }
  const decoded: VaeOutcome['decoded'] = {};
  try {
    if (poison) {
      const bad = tf.add(z, Number.NaN) as tf.Tensor4D; // a forced 'nan' fault: the check below must catch it
      z.dispose();
      z = bad;
    }
    for (const [name, weights] of decoders) {
      await checkpoint();
      const t0 = now();
      // Checked before clipping: a clip could turn NaN into a bound on some backends.
      const values = await readChecked(vae.decode(weights, z), `the ${name} decoder`);
      for (let i = 0; i < values.length; i++) values[i] = values[i] < -1 ? -1 : values[i] > 1 ? 1 : values[i];
      decoded[name] = values;
      ms.decode[name] = now() - t0;
    }
  } finally {
    z.dispose();
  }
  signal.throwIfAborted();
  return { image, latent, logvar, decoded, size, side: size / f, channels: c, ms };
}
