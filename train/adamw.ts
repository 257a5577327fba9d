// AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, ICLR 2019, Algorithm 2; Kingma & Ba
// 2015 for the moments). The decay shrinks θ directly, θ ← θ − lr·λ·θ, instead of entering the gradient.
import * as tf from '@tensorflow/tfjs-core';
import { wasmKernelsReady } from './kernels/wasm-kernels';

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  /** Added to √v̂ so a parameter with a near-zero gradient history does not take huge steps. */
  eps: number;
  /** λ, the decoupled decay per unit learning rate. */
  weightDecay: number;
  /** Which parameters decay. Default: tensors of rank ≥ 2 (conv kernels, dense matrices), not the
   *  biases and norm scales, whose decay to 0 only distorts the function (common practice, e.g. nanoGPT). */
  decays?: (name: string, shape: readonly number[]) => boolean;
}

const defaultDecays = (_: string, shape: readonly number[]): boolean => shape.length >= 2;

/**
 * The optimizer state is plain named tensors (`adam.m/<name>`, `adam.v/<name>`) plus the step count,
 * so a checkpoint can save and restore it exactly. The optimizer owns its moment tensors; call dispose().
 */
export class AdamW {
  readonly options: Required<AdamWOptions>;
  /** Number of updates taken so far; bias correction uses t = step + 1. */
  step = 0;
  private m = new Map<string, tf.Tensor>();
  private v = new Map<string, tf.Tensor>();

  constructor(options: AdamWOptions) {
    this.options = { decays: defaultDecays, ...options };
  }

  /**
   * One update. Returns new parameter tensors (same names); the caller disposes the old params it
   * passed in and owns the returned ones. `grads` stay the caller's to dispose.
   */
  apply(params: tf.NamedTensorMap, grads: tf.NamedTensorMap, lr: number): tf.NamedTensorMap {
    const { beta1, beta2, eps, weightDecay, decays } = this.options;
    const t = this.step + 1;
    const c1 = 1 - beta1 ** t; // bias corrections (Kingma & Ba, Algorithm 1)
    const c2 = 1 - beta2 ** t;
    const out: tf.NamedTensorMap = {};
    for (const [name, p] of Object.entries(params)) {
      const g = grads[name];
      if (!g) throw new Error(`AdamW: no gradient for parameter ${name}`);
      const mOld = this.m.get(name);
      const vOld = this.v.get(name);
      const keep = weightDecay > 0 && decays(name, p.shape) ? 1 - lr * weightDecay : 1;
      // On wasm with our kernels prepared: one pass (kernels/adamw-wat.ts), the same arithmetic in float32.
      const fused = wasmKernelsReady(tf.backend()) && [p, g, mOld, vOld].every((t) => t === undefined || t.dtype === 'float32');
      const [m, v, next] = fused ? tf.tidy(() => {
        const [pNext, mNext, vNext] = tf.engine().runKernel('NoisebookAdamW', { p, g, m: mOld ?? tf.zerosLike(p), v: vOld ?? tf.zerosLike(p) },
          { beta1, beta2, c1, c2, eps, lr, keep }) as tf.Tensor[];
        return [mNext, vNext, pNext];
      }) : tf.tidy(() => {
        const m = mOld ? tf.add(tf.mul(mOld, beta1), tf.mul(g, 1 - beta1)) : tf.mul(g, 1 - beta1);
        const v = vOld ? tf.add(tf.mul(vOld, beta2), tf.mul(tf.square(g), 1 - beta2)) : tf.mul(tf.square(g), 1 - beta2);
        const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), eps));
        const decayed = keep !== 1 ? tf.mul(p, keep) : p;
        return [m, v, tf.sub(decayed, tf.mul(update, lr))];
      });
      mOld?.dispose();
      vOld?.dispose();
      this.m.set(name, m);
      this.v.set(name, v);
      out[name] = next;
    }
    this.step = t;
    return out;
  }

  /** The moments as named tensors (views owned by the optimizer: do not dispose). */
  state(): tf.NamedTensorMap {
    const out: tf.NamedTensorMap = {};
    for (const [k, m] of this.m) out[`adam.m/${k}`] = m;
    for (const [k, v] of this.v) out[`adam.v/${k}`] = v;
    return out;
  }

  /** Restores moments saved by state(); takes ownership of the given tensors. */
  load(state: tf.NamedTensorMap, step: number): void {
    this.dispose();
    for (const [key, t] of Object.entries(state)) {
      if (key.startsWith('adam.m/')) this.m.set(key.slice(7), t);
      else if (key.startsWith('adam.v/')) this.v.set(key.slice(7), t);
    }
    this.step = step;
  }

  dispose(): void {
    for (const t of this.m.values()) t.dispose();
    for (const t of this.v.values()) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}
