// The reverse-process loop: start from x_T ~ N(0, I) drawn from a seeded RNG and apply DDPM (Algorithm 2)
// or DDIM (Eq. 12) steps on a timestep sub-sequence, handing every intermediate to an onStep callback.
import * as tf from '@tensorflow/tfjs-core';
import { fillNormal, type Rng } from '../math/rng';
import type { Schedule } from './schedule';
import { epsAndX0, type Prediction } from './prediction';
import { ddpmCoefficients, ddpmStep, type DdpmVariance } from './ddpm';
import { ddimCoefficients, ddimStep, ddimTimesteps, type Spacing } from './ddim';

/**
 * The network as a plain function: x_t [B, ...] and the integer step t → its prediction, same shape.
 * Called inside tf.tidy, so its intermediate tensors and its output are disposed by the loop.
 */
export type Denoiser = (x: tf.Tensor, t: number) => tf.Tensor;
export type SamplerName = 'ddpm' | 'ddim';
export const SAMPLER_NAMES: readonly SamplerName[] = ['ddpm', 'ddim'];

/**
 * One step's intermediates, handed to onStep. The loop disposes xt, eps and x0 as soon as onStep returns
 * (or its promise settles): a caller that keeps one must copy it first (`tf.clone`, or `await t.data()`).
 */
export interface StepTap {
  /** 0-based step number; the loop runs i = 0..steps−1. */
  i: number;
  steps: number;
  /** The step goes from t to tPrev (0 on the last step). */
  t: number;
  tPrev: number;
  /** The input of this step, x_t. */
  xt: tf.Tensor;
  /** The predicted noise ε̂ and clean image x̂₀ at this step (after the optional clip). */
  eps: tf.Tensor;
  x0: tf.Tensor;
}

export interface SampleOptions {
  model: Denoiser;
  /** Shape of x, e.g. [B, H, W, C]. */
  shape: number[];
  schedule: Schedule;
  sampler: SamplerName;
  /** Number of model calls (default: every step from tStart). */
  steps?: number;
  /** How the steps spread over t (ddim.ts ddimTimesteps); default 'trailing'. Both samplers use it. */
  spacing?: Spacing;
  /** DDIM's η in [0, 1] (Eq. 16); default 0, the deterministic sampler. Ignored by DDPM. */
  eta?: number;
  /** DDPM's σ_t²: β_t (default, as in Algorithm 2) or β̃_t. Ignored by DDIM. */
  variance?: DdpmVariance;
  /** What the model outputs (default 'eps'). */
  prediction?: Prediction;
  /** Clip x̂₀ to this range at every step (DDPM's code clips to [−1, 1]); default: no clip. */
  clipX0?: readonly [number, number] | null;
  /** Source of x_T and of every step's noise: the same seed gives the same image on every backend. */
  rng: Rng;
  /** Start from this tensor instead of drawing x_T (it is copied, not disposed). Shape must equal `shape`. */
  xStart?: tf.Tensor;
  /** Start the reverse process at this t instead of T (with xStart: SDEdit-style partial denoising). */
  tStart?: number;
  onStep?: (tap: StepTap) => void | Promise<void>;
  /**
   * Called after step i with its result x at tPrev (after onStep); a returned tensor replaces x and the loop
   * owns it (the old x is disposed), undefined keeps x. Lesson 5 puts defects into a run this way; a run
   * without it, or whose hook returns undefined, is bit for bit the plain run.
   */
  intervene?: (i: number, tPrev: number, x: tf.Tensor) => tf.Tensor | undefined;
  /** Checked before every step; an aborted run disposes its tensors and throws the signal's reason. */
  signal?: AbortSignal;
}

function normalTensor(shape: number[], rng: Rng): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(fillNormal(new Float32Array(size), rng), shape);
}

/** One step's noise scale and update, whichever the sampler; coefficients are float64 until applied. */
function stepFor(
  sampler: SamplerName,
  schedule: Schedule,
  t: number,
  tPrev: number,
  variance: DdpmVariance,
  eta: number,
): { sigma: number; apply: (xt: tf.Tensor, eps: tf.Tensor, x0: tf.Tensor, noise: tf.Tensor | null) => tf.Tensor } {
  if (sampler === 'ddpm') {
    const c = ddpmCoefficients(schedule, t, tPrev, variance);
    return { sigma: c.sigma, apply: (xt, eps, _x0, noise) => ddpmStep(xt, eps, c, noise) };
  }
  const c = ddimCoefficients(schedule, t, tPrev, eta);
  return { sigma: c.sigma, apply: (_xt, eps, x0, noise) => ddimStep(x0, eps, c, noise) };
}

/**
 * Runs the reverse process and resolves to x_0 [shape]; the caller disposes it. Every other tensor the
 * loop makes is disposed, also on error or abort, so tf.memory().numTensors ends where it started.
 * Random draws, in order: x_T (unless xStart is given), then one N(0, I) per step whose σ > 0.
 */
export async function sample(opts: SampleOptions): Promise<tf.Tensor> {
  const { model, shape, schedule, sampler, rng, onStep, signal } = opts;
  const prediction = opts.prediction ?? 'eps';
  const eta = opts.eta ?? 0;
  const variance = opts.variance ?? 'beta';
  const clip = opts.clipX0 ?? null;
  const tStart = opts.tStart ?? schedule.T;
  if (!Number.isInteger(tStart) || tStart < 1 || tStart > schedule.T) {
    throw new RangeError(`tStart must be an integer in [1, ${schedule.T}], got ${tStart}`);
  }
  const timesteps = ddimTimesteps(tStart, opts.steps ?? tStart, opts.spacing ?? 'trailing');
  if (opts.xStart && !tf.util.arraysEqual(opts.xStart.shape, shape)) {
    throw new RangeError(`xStart has shape [${opts.xStart.shape}], expected [${shape}]`);
  }
  if (!SAMPLER_NAMES.includes(sampler)) throw new Error(`unknown sampler ${String(sampler)}`);
  signal?.throwIfAborted();

  let x = opts.xStart ? tf.clone(opts.xStart) : normalTensor(shape, rng);
  try {
    for (let i = 0; i < timesteps.length; i++) {
      signal?.throwIfAborted();
      const t = timesteps[i];
      const tPrev = timesteps[i + 1] ?? 0;
      const ab = schedule.alphaBar[t];
      const step = stepFor(sampler, schedule, t, tPrev, variance, eta);
      const noise = step.sigma > 0 ? normalTensor(shape, rng) : null;
      const xt = x;
      let out: { eps: tf.Tensor; x0: tf.Tensor; next: tf.Tensor };
      try {
        out = tf.tidy(() => {
          const output = model(xt, t);
          if (!tf.util.arraysEqual(output.shape, xt.shape)) {
            throw new Error(`model output shape [${output.shape}] differs from x [${xt.shape}]`);
          }
          const { eps, x0 } = epsAndX0(prediction, xt, output, ab, clip);
          return { eps, x0, next: step.apply(xt, eps, x0, noise) };
        });
      } finally {
        noise?.dispose();
      }
      try {
        await onStep?.({ i, steps: timesteps.length, t, tPrev, xt, eps: out.eps, x0: out.x0 });
      } finally {
        tf.dispose([out.eps, out.x0, xt]);
        x = out.next;
      }
      const edited = opts.intervene?.(i, tPrev, x);
      if (edited && edited !== x) {
        x.dispose();
        x = edited;
      }
    }
    return x;
  } catch (err) {
    x.dispose();
    throw err;
  }
}
