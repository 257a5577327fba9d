// The KL autoencoder of the latent pipeline (LDM, Rombach et al. 2022, §3.1): an encoder from an image
// to the mean and log-variance of a diagonal Gaussian over an (H/f)×(W/f)×c latent, and a decoder back.
// Pure functions of a flat map of named weights (like the U-Net), NHWC, fully convolutional and without
// normalisation, so a crop's result is the whole image's result away from the crop's border.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../math/rng';
import { layerSpecs, initLayers } from './unet';
import { decoderLayers, encoderLayers, resolveVaeConfig, vaeFactor, type VaeConfig } from './vae-config';
import { conv2d, conv2dUp2, silu } from './ops';
import type { WeightSpec } from './weights';

export type VaeWeights = Record<string, tf.Tensor>;

/** LDM clamps the log-variance to [−30, 20] (DiagonalGaussianDistribution) so exp never overflows. */
export const LOGVAR_MIN = -30;
export const LOGVAR_MAX = 20;

export interface Posterior {
  /** μ, [B, H/f, W/f, c]. */
  mean: tf.Tensor4D;
  /** log σ², clamped to [LOGVAR_MIN, LOGVAR_MAX], [B, H/f, W/f, c]. */
  logvar: tf.Tensor4D;
}

export interface Vae {
  config: VaeConfig;
  /** f: 16 for five levels. */
  factor: number;
  /** Every weight, encoder then decoder, in weight-file order. */
  specs: WeightSpec[];
  encoderSpecs: WeightSpec[];
  decoderSpecs: WeightSpec[];
  init(rng: Rng): Map<string, Float32Array>;
  /** x [B, H, W, 3] in [-1, 1], H and W multiples of f → the posterior. The caller disposes both tensors. */
  encode(w: VaeWeights, x: tf.Tensor4D): Posterior;
  /** z [B, H/f, W/f, c] → x̂ [B, H, W, 3] (unbounded; [-1, 1] is the image range). The caller disposes it. */
  decode(w: VaeWeights, z: tf.Tensor4D): tf.Tensor4D;
  /** The decoder up to its last conv's input, [B, H, W, channels[0]] after SiLU (the adversarial weight reads its gradient). */
  decodeFeatures(w: VaeWeights, z: tf.Tensor4D): tf.Tensor4D;
  /** The decoder's last conv on decodeFeatures' output. */
  decodeOut(w: VaeWeights, h: tf.Tensor4D): tf.Tensor4D;
}

/** z = μ + σ·ε, the reparameterised sample (Kingma & Welling 2014, §2.4). eps has z's shape. Caller disposes. */
export function samplePosterior(p: Posterior, eps: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.add(p.mean, tf.mul(tf.exp(tf.mul(p.logvar, 0.5)), eps)));
}

/**
 * KL(N(μ, σ²) ‖ N(0, 1)) per latent value, 0.5·(μ² + σ² − 1 − log σ²) (Kingma & Welling 2014, App. B),
 * averaged over every value of the batch. A scalar the caller disposes.
 */
export function klMean(p: Posterior): tf.Scalar {
  return tf.tidy(() => tf.mul(tf.mean(tf.sub(tf.sub(tf.add(tf.square(p.mean), tf.exp(p.logvar)), 1), p.logvar)), 0.5));
}

/** f(v), then frees v. */
function then(v: tf.Tensor4D, f: (v: tf.Tensor4D) => tf.Tensor4D): tf.Tensor4D {
  const out = f(v);
  v.dispose();
  return out;
}

export function buildVae(input: VaeConfig): Vae {
  const config = resolveVaeConfig(input);
  const L = config.channels.length;
  const factor = vaeFactor(config);
  const enc = encoderLayers(config);
  const dec = decoderLayers(config);
  const encoderSpecs = layerSpecs(enc);
  const decoderSpecs = layerSpecs(dec);
  const specs = [...encoderSpecs, ...decoderSpecs];

  const check = (w: VaeWeights, list: WeightSpec[], who: string) => {
    for (const s of list) {
      const t = w[s.name];
      if (!t) throw new Error(`VAE ${who}: weight "${s.name}" is missing`);
      if (t.shape.join() !== s.shape.join()) throw new Error(`VAE ${who}: weight "${s.name}" has shape [${t.shape}], expected [${s.shape}]`);
    }
  };
  const conv = (w: VaeWeights, v: tf.Tensor4D, name: string, stride: 1 | 2 = 1): tf.Tensor4D =>
    stride === 1
      ? conv2d(v, w[`${name}.w`] as tf.Tensor4D, w[`${name}.b`] as tf.Tensor1D)
      : tf.fused.conv2d({ x: v, filter: w[`${name}.w`] as tf.Tensor4D, strides: stride, pad: 'same', bias: w[`${name}.b`] });
  // One intermediate alive at a time besides the block's input: at 1024² × 8 channels each is 32 MB.
  const block = (w: VaeWeights, h: tf.Tensor4D, name: string): tf.Tensor4D =>
    tf.tidy(() => {
      let y = silu(h);
      y = then(y, (v) => conv(w, v, `${name}.conv1`));
      y = then(y, (v) => silu(v));
      y = then(y, (v) => conv(w, v, `${name}.conv2`));
      return tf.add(h, y);
    });

  function encode(w: VaeWeights, x: tf.Tensor4D): Posterior {
    if (x.rank !== 4 || x.shape[3] !== config.imageChannels) throw new Error(`VAE encode: x must be [B, H, W, ${config.imageChannels}], got [${x.shape}]`);
    if (x.shape[1] % factor !== 0 || x.shape[2] % factor !== 0) throw new Error(`VAE encode: H and W must be multiples of ${factor}, got ${x.shape[1]}×${x.shape[2]}`);
    check(w, encoderSpecs, 'encoder');
    let h = conv(w, x, 'enc.in');
    for (let l = 0; l < L; l++) {
      for (let i = 0; i < config.encoderBlocks[l]; i++) h = then(h, (v) => block(w, v, `enc.${l}.block.${i}`));
      // A stride-2 3×3 conv halves the side (LDM's Downsample uses a stride-2 conv too).
      if (l < L - 1) h = then(h, (v) => tf.tidy(() => conv(w, silu(v), `enc.${l}.down`, 2)));
    }
    const stats = then(h, (v) => tf.tidy(() => conv(w, silu(v), 'enc.out')));
    const c = config.latentChannels;
    const [b, hh, ww] = stats.shape;
    const mean = tf.slice(stats, [0, 0, 0, 0], [b, hh, ww, c]);
    const logvar = tf.tidy(() => tf.clipByValue(tf.slice(stats, [0, 0, 0, c], [b, hh, ww, c]), LOGVAR_MIN, LOGVAR_MAX));
    stats.dispose();
    return { mean, logvar };
  }

  function decodeFeatures(w: VaeWeights, z: tf.Tensor4D): tf.Tensor4D {
    if (z.rank !== 4 || z.shape[3] !== config.latentChannels) throw new Error(`VAE decode: z must be [B, h, w, ${config.latentChannels}], got [${z.shape}]`);
    check(w, decoderSpecs, 'decoder');
    let h = conv(w, z, 'dec.in');
    for (let l = L - 1; l >= 0; l--) {
      // 2× nearest up then a 3×3 conv (LDM's Upsample with_conv), changing the width to this level's.
      if (l < L - 1) h = then(h, (v) => tf.tidy(() => conv2dUp2(silu(v), w[`dec.${l}.up.w`] as tf.Tensor4D, w[`dec.${l}.up.b`] as tf.Tensor1D)));
      for (let i = 0; i < config.decoderBlocks[l]; i++) h = then(h, (v) => block(w, v, `dec.${l}.block.${i}`));
    }
    return then(h, (v) => silu(v));
  }

  const decodeOut = (w: VaeWeights, h: tf.Tensor4D): tf.Tensor4D => conv(w, h, 'dec.out');

  function decode(w: VaeWeights, z: tf.Tensor4D): tf.Tensor4D {
    return then(decodeFeatures(w, z), (h) => decodeOut(w, h));
  }

  return {
    config,
    factor,
    specs,
    encoderSpecs,
    decoderSpecs,
    init: (rng) => initLayers([...enc, ...dec], rng),
    encode,
    decode,
    decodeFeatures,
    decodeOut,
  };
}
