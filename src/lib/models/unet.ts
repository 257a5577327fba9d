// The shared U-Net ε/x0/v-predictor: a pure function of a flat map of named weights (DDPM, Ho et al.
// 2020, App. B: ResBlocks with a time embedding, skips by concat), without attention, NHWC, fully conv.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../math/rng';
import { resolveConfig, sizeMultiple, type UNetConfig, type UNetConfigInput } from './config';
import { planUNet, unetLayers, type InitKind, type Layer, type ResBlockPlan } from './layout';
import { conv2d, down2, groupNorm, silu, up2 } from './ops';
import type { WeightSpec } from './weights';

/** Optional conditioning inputs; which are required follows the config. */
export interface UNetInputs {
  /** Class index per image, int32 [B], in 0..classes (index `classes` = the null class). Out-of-range rows embed as zeros. */
  classes?: tf.Tensor1D;
  /** Channels concatenated to x (e.g. the upsampled low-res image), [B, H, W, extraChannels]. */
  extra?: tf.Tensor4D;
  /** One scalar per image (e.g. the noise-augmentation level), [B]. */
  scalar?: tf.Tensor1D;
}

export type UNetWeights = Record<string, tf.Tensor>;

export interface UNet {
  config: UNetConfig;
  /** Every weight's name and shape, in weight-file order. */
  specs: WeightSpec[];
  /** Fresh weights drawn from `rng` (no tensors: the caller makes and disposes them). */
  init(rng: Rng): Map<string, Float32Array>;
  /**
   * The forward pass. x [B, H, W, imageChannels], t [B] (float timesteps, × config.timeScale)
   * → [B, H, W, outChannels]. H and W must be divisible by 2^(levels−1). The caller disposes the
   * result; every intermediate is disposed here, block by block, so peak memory is the skips plus
   * one block's activations (what the 1024² stage needs, measurements.md §1.4). Safe under tf.grad:
   * tfjs keeps its own copies of the tensors a gradient needs.
   */
  apply(weights: UNetWeights, x: tf.Tensor4D, t: tf.Tensor1D, opts?: UNetInputs): tf.Tensor4D;
}

/** Weight specs of a layer list: conv w [k, k, cin, cout], dense w [cin, cout], biases [cout], norms [c]. */
export function layerSpecs(layers: Layer[]): WeightSpec[] {
  const specs: WeightSpec[] = [];
  for (const l of layers) {
    if (l.kind === 'conv') specs.push({ name: `${l.name}.w`, shape: [l.k, l.k, l.cin, l.cout] }, { name: `${l.name}.b`, shape: [l.cout] });
    else if (l.kind === 'dense') specs.push({ name: `${l.name}.w`, shape: [l.cin, l.cout] }, { name: `${l.name}.b`, shape: [l.cout] });
    else if (l.kind === 'norm') specs.push({ name: `${l.name}.gamma`, shape: [l.c] }, { name: `${l.name}.beta`, shape: [l.c] });
    else specs.push({ name: `${l.name}.w`, shape: [l.rows, l.cols] });
  }
  return specs;
}

/** Standard deviation of a weight's normal init: He (2/fan_in) after SiLU, Glorot (2/(in+out)) otherwise. */
function initStd(kind: InitKind, fanIn: number, fanOut: number): number {
  if (kind === 'he') return Math.sqrt(2 / fanIn);
  if (kind === 'glorot') return Math.sqrt(2 / (fanIn + fanOut));
  if (kind === 'embedding') return 1;
  return 0;
}

/** Draws every layer's weights in layer order, so the same seed gives the same weights. */
export function initLayers(layers: Layer[], rng: Rng): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  const normal = (n: number, std: number): Float32Array => {
    const a = new Float32Array(n);
    if (std > 0) for (let i = 0; i < n; i++) a[i] = rng.normal() * std;
    return a;
  };
  for (const l of layers) {
    if (l.kind === 'conv' || l.kind === 'dense') {
      const k2 = l.kind === 'conv' ? l.k * l.k : 1;
      out.set(`${l.name}.w`, normal(k2 * l.cin * l.cout, initStd(l.init, k2 * l.cin, k2 * l.cout)));
      out.set(`${l.name}.b`, new Float32Array(l.cout));
    } else if (l.kind === 'norm') {
      out.set(`${l.name}.gamma`, new Float32Array(l.c).fill(1));
      out.set(`${l.name}.beta`, new Float32Array(l.c));
    } else {
      out.set(`${l.name}.w`, normal(l.rows * l.cols, initStd('embedding', l.rows, l.cols)));
    }
  }
  return out;
}

/** Transformer sinusoidal features (Vaswani et al. 2017 §3.5): v [B] → [B, F], sin then cos halves. Caller disposes. */
export function sinusoidalEmbedding(v: tf.Tensor1D, features: number, scale = 1): tf.Tensor2D {
  const half = features / 2;
  const freqs = new Float32Array(half);
  for (let i = 0; i < half; i++) freqs[i] = Math.exp((-Math.log(10000) * i) / half);
  return tf.tidy(() => {
    const arg = tf.mul(tf.reshape(tf.mul(v, scale), [-1, 1]), tf.tensor2d(freqs, [1, half])); // [B, half]
    return tf.concat([tf.sin(arg), tf.cos(arg)], 1) as tf.Tensor2D;
  });
}

export function buildUNet(input: UNetConfigInput | UNetConfig): UNet {
  const config = resolveConfig(input);
  const plan = planUNet(config);
  const layers = unetLayers(config, plan);
  const specs = layerSpecs(layers);
  const multiple = sizeMultiple(config);

  function apply(w: UNetWeights, x: tf.Tensor4D, t: tf.Tensor1D, opts: UNetInputs = {}): tf.Tensor4D {
    checkInputs(config, multiple, x, t, opts);
    checkWeights(specs, w);
    const dense = (v: tf.Tensor2D, name: string): tf.Tensor2D =>
      tf.fused.matMul({ a: v, b: w[`${name}.w`] as tf.Tensor2D, bias: w[`${name}.b`] }) as tf.Tensor2D; // [B, out], no transposes
    const conv = (v: tf.Tensor4D, name: string): tf.Tensor4D =>
      conv2d(v, w[`${name}.w`] as tf.Tensor4D, w[`${name}.b`] as tf.Tensor1D);
    const norm = (v: tf.Tensor4D, name: string): tf.Tensor4D =>
      groupNorm(v, w[`${name}.gamma`] as tf.Tensor1D, w[`${name}.beta`] as tf.Tensor1D, config.groups, config.normEps);

    // Conditioning: MLP(sin(t)) [+ MLP(sin(s))] [+ class row], then SiLU once (DDPM applies it in
    // every block to the same value; once is equivalent). [B, E]
    const emb = tf.tidy(() => {
      const mlp = (v: tf.Tensor1D, prefix: string, scale: number): tf.Tensor2D =>
        dense(silu(dense(sinusoidalEmbedding(v, config.timeFeatures, scale), `${prefix}.dense0`)), `${prefix}.dense1`);
      let e = mlp(t, 'time', config.timeScale);
      if (opts.scalar) e = tf.add(e, mlp(opts.scalar, 'scalar', config.scalarScale)) as tf.Tensor2D;
      if (opts.classes) {
        // one-hot × table instead of gather: gather's gradient (UnsortedSegmentSum) is missing on wasm.
        const oneHot = tf.cast(tf.oneHot(opts.classes, config.classes + 1), 'float32') as tf.Tensor2D; // [B, K+1]
        e = tf.add(e, tf.matMul(oneHot, w['class.embed.w'] as tf.Tensor2D)) as tf.Tensor2D;
      }
      return silu(e);
    });

    // Inside a block each intermediate is freed as soon as the next op has read it, so a block holds
    // its input, its shortcut and about two activations (plus groupNorm's own temporaries); at 1024²
    // each activation is 32–128 MB.
    const resBlock = (h: tf.Tensor4D, b: ResBlockPlan): tf.Tensor4D =>
      tf.tidy(() => {
        const temb = tf.reshape(dense(emb, `${b.name}.temb`), [-1, 1, 1, b.cout]); // [B, 1, 1, cout]
        let y = then(norm(h, `${b.name}.norm1`), silu);
        y = then(y, (v) => conv(v, `${b.name}.conv1`)); // [B, h, w, cout]
        y = then(y, (v) => tf.add(v, temb));
        y = then(then(y, (v) => norm(v, `${b.name}.norm2`)), silu);
        y = then(y, (v) => conv(v, `${b.name}.conv2`));
        const shortcut = b.cin === b.cout ? h : conv(h, `${b.name}.skip`);
        return tf.add(shortcut, y);
      });

    const skips: tf.Tensor4D[] = [];
    let h: tf.Tensor4D | null = null;
    // Replaces h by f(h) and frees the old h: only the skips outlive their block.
    const advance = (f: (v: tf.Tensor4D) => tf.Tensor4D): void => {
      const prev = h as tf.Tensor4D;
      h = tf.tidy(() => f(prev));
      if (!skips.includes(prev)) prev.dispose();
    };
    try {
      h = tf.tidy(() => conv(opts.extra ? (tf.concat([x, opts.extra], 3) as tf.Tensor4D) : x, 'in.conv'));
      plan.down.forEach((blocks, l) => {
        for (const b of blocks) advance((v) => resBlock(v, b));
        if (l < plan.down.length - 1) {
          skips.push(h as tf.Tensor4D); // [B, H/2^l, W/2^l, C_l]
          advance((v) => down2(v));
        }
      });
      advance((v) => resBlock(v, plan.mid));
      for (const u of plan.up) {
        const skip = skips.pop() as tf.Tensor4D;
        advance((v) => {
          const up = u.conv ? then(up2(v), (y) => conv(y, u.conv as string)) : up2(v);
          return tf.concat([up, skip], 3) as tf.Tensor4D; // [B, H_l, W_l, C_prev + C_l]
        });
        skip.dispose();
        for (const b of u.res) advance((v) => resBlock(v, b));
      }
      advance((v) => then(then(norm(v, 'out.norm'), silu), (y) => conv(y, 'out.conv')));
      if (config.extraResidual) advance((v) => tf.add(v, opts.extra as tf.Tensor4D) as tf.Tensor4D);
      const out = h as tf.Tensor4D;
      h = null;
      return out;
    } finally {
      emb.dispose();
      for (const s of skips) s.dispose();
      if (h) (h as tf.Tensor4D).dispose();
    }
  }

  return { config, specs, init: (rng) => initLayers(layers, rng), apply };
}

/** f(v), then frees v: for chains of ops whose intermediates nothing else reads. */
function then<T extends tf.Tensor>(v: T, f: (v: T) => tf.Tensor4D): tf.Tensor4D {
  const out = f(v);
  v.dispose();
  return out;
}

function checkInputs(c: UNetConfig, multiple: number, x: tf.Tensor4D, t: tf.Tensor1D, o: UNetInputs): void {
  if (x.rank !== 4 || x.shape[3] !== c.imageChannels) {
    throw new Error(`UNet: x must be [B, H, W, ${c.imageChannels}], got [${x.shape}]`);
  }
  const [b, hh, ww] = x.shape;
  if (hh % multiple !== 0 || ww % multiple !== 0) {
    throw new Error(`UNet: H and W must be divisible by ${multiple} (${c.channelMults.length} levels), got ${hh}×${ww}`);
  }
  const batch = (name: string, v: tf.Tensor | undefined, needed: boolean, why: string): void => {
    if (!v && needed) throw new Error(`UNet: opts.${name} is required (${why})`);
    if (v && !needed) throw new Error(`UNet: opts.${name} was given but the config does not take it (${why})`);
    if (v && (v.rank !== 1 || v.shape[0] !== b)) throw new Error(`UNet: opts.${name} must be [${b}], got [${v.shape}]`);
  };
  if (t.rank !== 1 || t.shape[0] !== b) throw new Error(`UNet: t must be [${b}], got [${t.shape}]`);
  batch('classes', o.classes, c.classes > 0, `classes = ${c.classes}; index ${c.classes} is the null class`);
  if (o.classes && o.classes.dtype !== 'int32') throw new Error(`UNet: opts.classes must be int32, got ${o.classes.dtype}`);
  batch('scalar', o.scalar, c.extraScalar, `extraScalar = ${c.extraScalar}`);
  if (!o.extra && c.extraChannels > 0) throw new Error(`UNet: opts.extra is required (extraChannels = ${c.extraChannels})`);
  if (o.extra && c.extraChannels === 0) throw new Error('UNet: opts.extra was given but extraChannels = 0');
  if (o.extra && (o.extra.rank !== 4 || o.extra.shape.join() !== [b, hh, ww, c.extraChannels].join())) {
    throw new Error(`UNet: opts.extra must be [${b}, ${hh}, ${ww}, ${c.extraChannels}], got [${o.extra.shape}]`);
  }
}

function checkWeights(specs: WeightSpec[], w: UNetWeights): void {
  for (const s of specs) {
    const t = w[s.name];
    if (!t) throw new Error(`UNet: weight "${s.name}" is missing`);
    if (t.shape.length !== s.shape.length || t.shape.some((d, i) => d !== s.shape[i])) {
      throw new Error(`UNet: weight "${s.name}" has shape [${t.shape}], expected [${s.shape}]`);
    }
  }
}
