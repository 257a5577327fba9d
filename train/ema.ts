// Exponential moving average of the weights (Polyak averaging; the DDPM paper samples from EMA weights
// with decay 0.9999, Ho et al. 2020 App. B). Shipped models use the EMA copy, not the raw weights.
import * as tf from '@tensorflow/tfjs-core';

/**
 * The decay used at update `step` (0-based): min(decay, (1 + step)/(10 + step)). The warm-up keeps the
 * average from being dominated by the random initial weights in short runs (as in TF's
 * ExponentialMovingAverage with num_updates).
 */
export function emaDecayAt(decay: number, step: number): number {
  return Math.min(decay, (1 + step) / (10 + step));
}

/** Holds the averaged copies; owns them (call dispose()). */
export class Ema {
  private shadow = new Map<string, tf.Tensor>();

  constructor(readonly decay: number) {}

  /** Starts the average at the current weights (copies them). */
  init(params: tf.NamedTensorMap): void {
    this.dispose();
    for (const [k, p] of Object.entries(params)) this.shadow.set(k, tf.clone(p));
  }

  /** ema ← d·ema + (1 − d)·θ, with d = emaDecayAt(decay, step). */
  update(params: tf.NamedTensorMap, step: number): void {
    const d = emaDecayAt(this.decay, step);
    for (const [k, p] of Object.entries(params)) {
      const old = this.shadow.get(k);
      if (!old) throw new Error(`EMA: unknown parameter ${k}`);
      this.shadow.set(k, tf.tidy(() => tf.add(tf.mul(old, d), tf.mul(p, 1 - d))));
      old.dispose();
    }
  }

  /** The averaged weights under their parameter names (owned by the EMA: do not dispose). */
  weights(): tf.NamedTensorMap {
    return Object.fromEntries(this.shadow);
  }

  /** Restores from named tensors; takes ownership. */
  load(weights: tf.NamedTensorMap): void {
    this.dispose();
    for (const [k, t] of Object.entries(weights)) this.shadow.set(k, t);
  }

  dispose(): void {
    for (const t of this.shadow.values()) t.dispose();
    this.shadow.clear();
  }
}
