import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { makeRng } from '../../../src/lib/math/rng';
import { buildVae, klMean, LOGVAR_MIN, samplePosterior } from '../../../src/lib/models/vae';
import { vaeCounts, vaeFactor, type VaeConfig } from '../../../src/lib/models/vae-config';
import { weightsToTensors } from '../../../src/lib/models/weights';

// A narrow net of the shipped shape: five levels (f = 16), blocks everywhere but the encoder's first level.
const cfg: VaeConfig = { imageChannels: 3, latentChannels: 4, channels: [4, 4, 4, 8, 8], encoderBlocks: [0, 1, 1, 1, 1], decoderBlocks: [1, 1, 1, 1, 1] };
const vae = buildVae(cfg);

/** init() with the zero-initialised second convs made random too, so every block does something. */
function randomWeights(seed: number): Record<string, tf.Tensor> {
  const values = vae.init(makeRng(seed));
  const rng = makeRng(seed + 1);
  for (const [k, v] of values) if (k.endsWith('conv2.w')) for (let i = 0; i < v.length; i++) v[i] = 0.2 * rng.normal();
  return weightsToTensors(values, vae.specs);
}

const w = randomWeights(7);
afterAll(() => tf.dispose(Object.values(w)));

function noise(shape: number[], seed: number): tf.Tensor4D {
  const rng = makeRng(seed);
  return tf.tensor4d(Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal()), shape as [number, number, number, number]);
}

/** [B, H, W, C] window rows y0..y0+h, cols x0..x0+w. */
const window = (t: tf.Tensor4D, y0: number, x0: number, h: number, wd: number) => tf.slice(t, [0, y0, x0, 0], [t.shape[0], h, wd, t.shape[3]]) as tf.Tensor4D;

describe('vae', () => {
  it('five levels make f = 16: a 64² image becomes a 4×4×c latent and decodes back to 64²', () => {
    expect(vaeFactor(cfg)).toBe(16);
    const x = noise([2, 64, 64, 3], 1);
    const post = vae.encode(w, x);
    expect(post.mean.shape).toEqual([2, 4, 4, 4]);
    expect(post.logvar.shape).toEqual([2, 4, 4, 4]);
    const out = vae.decode(w, post.mean);
    expect(out.shape).toEqual([2, 64, 64, 3]);
    tf.dispose([x, post.mean, post.logvar, out]);
  });

  it('refuses a size that is not a multiple of f, and a latent with the wrong channels', () => {
    const x = tf.zeros([1, 40, 64, 3]) as tf.Tensor4D;
    expect(() => vae.encode(w, x)).toThrow(/multiples of 16/);
    const z = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    expect(() => vae.decode(w, z)).toThrow(/\[B, h, w, 4\]/);
    tf.dispose([x, z]);
  });

  it('the KL term equals 0.5·(μ² + σ² − 1 − log σ²) averaged, and is 0 exactly at N(0, 1)', () => {
    const mean = tf.tensor4d([0.5, -1, 0, 2], [1, 1, 2, 2]);
    const logvar = tf.tensor4d([Math.log(0.25), 0, Math.log(4), -1], [1, 1, 2, 2]);
    const closed = [
      [0.5, 0.25],
      [-1, 1],
      [0, 4],
      [2, Math.exp(-1)],
    ].map(([m, v]) => 0.5 * (m * m + v - 1 - Math.log(v)));
    const kl = klMean({ mean, logvar });
    expect(kl.dataSync()[0]).toBeCloseTo(closed.reduce((a, b) => a + b) / 4, 6);
    const zero = klMean({ mean: tf.zeros([1, 1, 2, 2]) as tf.Tensor4D, logvar: tf.zeros([1, 1, 2, 2]) as tf.Tensor4D });
    expect(zero.dataSync()[0]).toBe(0);
    tf.dispose([mean, logvar, kl, zero]);
  });

  it('the posterior sample is μ + σ·ε, and the log-variance is clamped from below', () => {
    const mean = tf.tensor4d([1, 2], [1, 1, 1, 2]);
    const logvar = tf.tensor4d([Math.log(4), 0], [1, 1, 1, 2]);
    const eps = tf.tensor4d([0.5, -1], [1, 1, 1, 2]);
    const z = samplePosterior({ mean, logvar }, eps);
    expect(Array.from(z.dataSync())).toEqual([2, 1]);
    // A bias of −100 on the log-variance outputs: without the clamp σ² would underflow to 0.
    const bias = new Float32Array(8).fill(-100, 4);
    const low = { ...w, 'enc.out.b': tf.tensor1d(bias) };
    const x = noise([1, 16, 16, 3], 3);
    const post = vae.encode(low, x);
    expect(tf.min(post.logvar).dataSync()[0]).toBe(LOGVAR_MIN);
    tf.dispose(low['enc.out.b']);
    tf.dispose([mean, logvar, eps, z, x, post.mean, post.logvar]);
  });

  it('has no size-dependent statistics: decoding a crop of the latent gives the whole decode away from the crop border', () => {
    // Latent 24×24; the crop keeps cells 2..21; cells 10..13 lie 8 cells inside it, beyond the decoder's reach (≈6 cells).
    const z = noise([1, 24, 24, 4], 4);
    const whole = vae.decode(w, z);
    const crop = window(z, 2, 2, 20, 20);
    const part = vae.decode(w, crop);
    const a = window(whole, 10 * 16, 10 * 16, 64, 64);
    const b = window(part, 8 * 16, 8 * 16, 64, 64);
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-4);
    // …while near the crop's edge the zero padding does change the result (the test would see a bug that hid it).
    const edgeA = window(whole, 2 * 16, 2 * 16, 16, 16);
    const edgeB = window(part, 0, 0, 16, 16);
    expect(tf.max(tf.abs(tf.sub(edgeA, edgeB))).dataSync()[0]).toBeGreaterThan(1e-3);
    tf.dispose([z, whole, crop, part, a, b, edgeA, edgeB]);
  });

  it('the encoder is as local: a crop of the image encodes to the whole latent away from the border', () => {
    const x = noise([1, 384, 384, 3], 5); // 24×24 cells
    const whole = vae.encode(w, x);
    const part = vae.encode(w, window(x, 32, 32, 320, 320) as tf.Tensor4D);
    const a = window(whole.mean, 10, 10, 4, 4);
    const b = window(part.mean, 8, 8, 4, 4);
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-4);
    tf.dispose([x, whole.mean, whole.logvar, part.mean, part.logvar, a, b]);
  });

  it('counts: parameters match the specs, and a 1024² image costs 256× a 64² one', () => {
    const k = vaeCounts(cfg, 64, 64);
    const specTotal = vae.specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
    expect(k.encoderParams + k.decoderParams).toBe(specTotal);
    const big = vaeCounts(cfg, 1024, 1024);
    expect(big.decoderFlops).toBe(256 * k.decoderFlops);
    expect(big.encoderFlops).toBe(256 * k.encoderFlops);
  });
});
