// The most tensor memory a stretch of a job held at once (lesson 6, issue 16: "the peak memory each pipeline
// needed"). Why this way: tf.memory() between steps misses the U-Net's activations, which live and die inside
// one network call, and tf.profile's peakBytes reads every kernel's output back (a dataSync per kernel where
// the backend has no timer), which would slow the very stages whose time the lesson shows. So the meter
// watches the counter tfjs itself keeps, engine.state.numBytes (every tensor made or freed moves it): one
// comparison per tensor, exact, on every backend. What it counts is tfjs's logical tensor bytes (4 per
// float32 value), not what the backend allocated for them (WebGL's texture pool, the wasm heap, which only
// grows): the widget says so. When a tfjs version keeps its state otherwise, the meter reads null.
import type * as tfCore from '@tensorflow/tfjs-core';

interface Watch {
  base: number;
  max: number;
}

interface CountedState {
  numBytes: number;
}

/** The watches of each engine state object, and whether its numBytes is already watched. */
const watched = new WeakMap<object, Set<Watch>>();

/** Turns the state's numBytes into an accessor that raises every live watch's max; idempotent. */
function watchesOf(state: CountedState): Set<Watch> | null {
  const known = watched.get(state);
  if (known) return known;
  const own = Object.getOwnPropertyDescriptor(state, 'numBytes');
  if (!own || !('value' in own) || typeof own.value !== 'number') return null;
  const watches = new Set<Watch>();
  let value = own.value;
  Object.defineProperty(state, 'numBytes', {
    configurable: true,
    enumerable: true,
    get: () => value,
    set: (v: number) => {
      value = v;
      for (const w of watches) if (v > w.max) w.max = v;
    },
  });
  watched.set(state, watches);
  return watches;
}

export interface PeakMeter {
  /** Starts a new stretch: its peak is measured above the bytes held now. */
  mark(): void;
  /** The most bytes held above the mark since it was set (≥ 0), or null when tfjs cannot be watched. */
  peak(): number | null;
  /** Stops watching (the accessor stays; it costs one loop over no watches). */
  stop(): void;
}

/** A meter on tfjs's tensor bytes, marked now. Call stop() when the job ends, on error too. */
export function peakMeter(tf: Pick<typeof tfCore, 'engine'>): PeakMeter {
  const state = (tf.engine() as unknown as { state?: CountedState }).state;
  const watches = state ? watchesOf(state) : null;
  if (!state || !watches) return { mark: () => undefined, peak: () => null, stop: () => undefined };
  const w: Watch = { base: state.numBytes, max: state.numBytes };
  watches.add(w);
  return {
    mark: () => {
      w.base = state.numBytes;
      w.max = state.numBytes;
    },
    peak: () => Math.max(0, w.max - w.base),
    stop: () => void watches.delete(w),
  };
}
