// One run of the cascade as the page shows it: a slot per stage (64², 256², 1024²) that fills as the
// engine reports the stage's steps and then its image and measured time (CDM Fig. 1: each stage
// starts when the previous one has finished). Lesson 3 keeps two: the clean chain and the defected one.
import type { EngineErrorCode } from '$lib/engine/protocol';
import { STAGE_SIZES } from './cascade-settings';

export interface StageSlot {
  size: number;
  /** Denoising steps done and planned (0 of 0 for a stage that only carries a given image). */
  done: number;
  steps: number;
  /** The stage's wall time in the engine, ms; null until it finishes. */
  ms: number | null;
  /** The most tensor memory the stage held above what was held when it began (engine/memory-peak.ts); null until in or unmeasured. */
  peakBytes: number | null;
  /** [size, size, 3] in [−1, 1]; null until the stage finishes. */
  image: Float32Array | null;
}

export type ChainState = 'idle' | 'loading' | 'running' | 'done' | 'error';

/** A stage's progress as shown by its bar, in [0, 1]: 1 once its image is in. */
export function stageFraction(slot: StageSlot): number {
  if (slot.image) return 1;
  return slot.steps > 0 ? Math.min(1, slot.done / slot.steps) : 0;
}

export class CascadeChain {
  stages = $state<StageSlot[]>(STAGE_SIZES.map((size) => ({ size, done: 0, steps: 0, ms: null, peakBytes: null, image: null })));
  state = $state<ChainState>('idle');
  failure = $state<EngineErrorCode | null>(null);
  /** Bumped when any image arrives, so views that cache pixels know to redraw. */
  version = $state(0);

  /** Empties every slot from `from` on for a new run with these step counts; earlier slots are kept. */
  reset(steps: readonly number[], from = 0): void {
    this.stages = this.stages.map((s, i) => (i < from ? s : { size: s.size, done: 0, steps: steps[i] ?? 0, ms: null, peakBytes: null, image: null }));
    this.failure = null;
    this.state = 'loading';
  }

  progress(stage: number, done: number, steps: number): void {
    const slot = this.stages[stage];
    if (!slot) return;
    this.state = 'running';
    slot.done = done;
    slot.steps = steps;
  }

  finish(stage: number, image: Float32Array, ms: number, peakBytes: number | null = null): void {
    const slot = this.stages[stage];
    if (!slot) return;
    const expected = slot.size * slot.size * 3;
    if (image.length !== expected) throw new RangeError(`stage ${stage} should be ${slot.size}×${slot.size}×3 (${expected} values), got ${image.length}`);
    slot.image = image;
    slot.ms = ms;
    slot.peakBytes = peakBytes;
    slot.done = slot.steps;
    this.version++;
  }

  fail(code: EngineErrorCode): void {
    this.failure = code;
    this.state = 'error';
  }

  /** Total engine time of the finished stages, ms. */
  get totalMs(): number {
    return this.stages.reduce((sum, s) => sum + (s.ms ?? 0), 0);
  }

  get complete(): boolean {
    return this.stages.every((s) => s.image !== null);
  }
}
