// One reverse-process run as the reader steps through it: the frames (x_t, ε̂, x̂₀ of each step, DDPM
// Alg. 2 / DDIM Eq. 12) in step order, and how far the prediction x̂₀ moves from one step to the next.
import type { StepFrame } from '$lib/engine/protocol';

/** Root-mean-square difference of two images of the same size (pixels in [−1, 1]). */
export function rmsDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`images differ in size: ${a.length} vs ${b.length} values`);
  if (a.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
  }
  return Math.sqrt(sum / a.length);
}

/** Largest absolute difference of two images (0 exactly when they agree bit for bit). */
export function maxDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`images differ in size: ${a.length} vs ${b.length} values`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

export class Trajectory {
  readonly steps: number;
  readonly frames: (StepFrame | undefined)[];
  /** change[i] = RMS(x̂₀ at step i − x̂₀ at step i−1); NaN for step 0 and for steps not yet arrived. */
  readonly change: Float64Array;
  #arrived = 0;

  constructor(steps: number) {
    if (!(Number.isInteger(steps) && steps >= 1)) throw new RangeError(`steps must be a positive integer, got ${steps}`);
    this.steps = steps;
    this.frames = new Array<StepFrame | undefined>(steps).fill(undefined);
    this.change = new Float64Array(steps).fill(NaN);
  }

  /** Frames received so far (they arrive in step order, so steps 0..arrived−1 can be shown). */
  get arrived(): number {
    return this.#arrived;
  }

  get complete(): boolean {
    return this.#arrived === this.steps;
  }

  add(frame: StepFrame): void {
    if (frame.steps !== this.steps) throw new RangeError(`frame of a ${frame.steps}-step run in a ${this.steps}-step trajectory`);
    if (!(Number.isInteger(frame.i) && frame.i >= 0 && frame.i < this.steps)) throw new RangeError(`step ${frame.i} is outside 0..${this.steps - 1}`);
    this.frames[frame.i] = frame;
    const prev = this.frames[frame.i - 1];
    if (prev) this.change[frame.i] = rmsDifference(frame.x0, prev.x0);
    const next = this.frames[frame.i + 1];
    if (next) this.change[frame.i + 1] = rmsDifference(next.x0, frame.x0);
    while (this.#arrived < this.steps && this.frames[this.#arrived]) this.#arrived++;
  }

  /** The frame to show at step `i`, clamped to the frames that have arrived; undefined before the first. */
  at(i: number): StepFrame | undefined {
    if (this.#arrived === 0) return undefined;
    return this.frames[Math.max(0, Math.min(this.#arrived - 1, Math.round(i)))];
  }

  /** The largest change after step 0, for the chart's y range (0 while fewer than two frames are in). */
  maxChange(): number {
    let max = 0;
    for (const c of this.change) if (Number.isFinite(c)) max = Math.max(max, c);
    return max;
  }
}
