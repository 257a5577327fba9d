// What presentation mode's keys do on lesson 1's widgets, which all show one t: ←/→ move t by a
// twentieth of the schedule, Space sweeps t up to T (from 0 when it is there already), the forward
// process played as a film. The five widgets share one sweep, as they share one t.
import type { PresentHandlers } from '$lib/state/presentation.svelte';
import { Sweep } from '$lib/state/sweep.svelte';
import { T, type ForwardNoise } from './forward-noise.svelte';

/** ←/→ land on multiples of 50: t = 250, 300, …, numbers a lecturer can name. */
export const T_STEP = T / 20;
/** The sweep's step: 100 frames from 0 to T, about 8 s at the sweep's pace. */
const SWEEP_STEP = T / 100;

const sweeps = new WeakMap<ForwardNoise, Sweep>();

function sweepOf(noise: ForwardNoise): Sweep {
  let sweep = sweeps.get(noise);
  if (sweep === undefined) {
    sweep = new Sweep(
      () => {
        noise.t = Math.min(T, noise.t + SWEEP_STEP);
        return noise.t < T;
      },
      () => (noise.t = 0),
      () => noise.t >= T,
    );
    sweeps.set(noise, sweep);
  }
  return sweep;
}

export function forwardNoiseKeys(noise: ForwardNoise): PresentHandlers {
  const sweep = sweepOf(noise);
  return {
    step: (by) => {
      sweep.stop();
      noise.t = (Math.round(noise.t / T_STEP) + by) * T_STEP;
    },
    run: () => sweep.toggle(),
    dispose: () => sweep.stop(),
  };
}
