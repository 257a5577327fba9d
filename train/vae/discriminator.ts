// The patch discriminator of phase 2: pix2pix's PatchGAN (Isola et al. 2017; taming's
// NLayerDiscriminator, latent-notes.md §1.3) with 4×4 convs, strides 2,…,2,1,1, LeakyReLU 0.2 and a
// logit per 70×70-pixel patch at 3 layers. GroupNorm replaces BatchNorm: batch statistics would make a
// real batch and a fake batch normalise differently. Training only, so it lives in train/.
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '../../src/lib/models/layout';
import { groupNorm } from '../../src/lib/models/ops';
import { initLayers, layerSpecs } from '../../src/lib/models/unet';
import type { WeightSpec } from '../../src/lib/models/weights';
import type { Rng } from '../../src/lib/math/rng';
import type { DiscriminatorConfig } from './vae-train-config';

export interface Discriminator {
  specs: WeightSpec[];
  /** pix2pix init: conv weights N(0, 0.02) (taming's weights_init), norms at 1 and 0. */
  init(rng: Rng): Map<string, Float32Array>;
  /** x [B, H, W, 3] → patch logits [B, H/2^layers − 2, W/2^layers − 2, 1] (roughly). Caller disposes. */
  apply(w: Record<string, tf.Tensor>, x: tf.Tensor4D): tf.Tensor4D;
}

interface DLayer {
  name: string;
  cin: number;
  cout: number;
  stride: 1 | 2;
  norm: boolean;
}

export function discriminatorPlan(c: DiscriminatorConfig): DLayer[] {
  const plan: DLayer[] = [{ name: 'd.0', cin: 3, cout: c.channels, stride: 2, norm: false }];
  let ch = c.channels;
  for (let i = 1; i <= c.layers; i++) {
    const next = c.channels * 2 ** Math.min(i, 3); // pix2pix caps the width at 8·ndf
    plan.push({ name: `d.${i}`, cin: ch, cout: next, stride: i < c.layers ? 2 : 1, norm: true });
    ch = next;
  }
  plan.push({ name: `d.${c.layers + 1}`, cin: ch, cout: 1, stride: 1, norm: false });
  return plan;
}

export function buildDiscriminator(c: DiscriminatorConfig): Discriminator {
  const plan = discriminatorPlan(c);
  const layers: Layer[] = plan.flatMap((l): Layer[] => [
    { kind: 'conv', name: `${l.name}.conv`, k: 4, cin: l.cin, cout: l.cout, level: 0, init: 'he' },
    ...(l.norm ? [{ kind: 'norm', name: `${l.name}.norm`, c: l.cout } as Layer] : []),
  ]);
  const specs = layerSpecs(layers);
  const init = (rng: Rng): Map<string, Float32Array> => {
    const out = initLayers(layers, rng);
    for (const l of plan) {
      const w = out.get(`${l.name}.conv.w`) as Float32Array;
      for (let i = 0; i < w.length; i++) w[i] = rng.normal() * 0.02;
    }
    return out;
  };
  const apply = (w: Record<string, tf.Tensor>, x: tf.Tensor4D): tf.Tensor4D =>
    tf.tidy(() => {
      let h = x;
      plan.forEach((l, i) => {
        h = tf.fused.conv2d({ x: h, filter: w[`${l.name}.conv.w`] as tf.Tensor4D, strides: l.stride, pad: 'same', bias: w[`${l.name}.conv.b`] });
        if (l.norm) h = groupNorm(h, w[`${l.name}.norm.gamma`] as tf.Tensor1D, w[`${l.name}.norm.beta`] as tf.Tensor1D, c.groups);
        if (i < plan.length - 1) h = tf.leakyRelu(h, 0.2);
      });
      return h;
    });
  return { specs, init, apply };
}
