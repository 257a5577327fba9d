// One latent run on one engine channel as lessons 5 and 6 show it (LDM, Rombach et al. 2022: DDIM in
// latent-64's latent, one decode): its frames as they arrive, its outcome and its state. Both lessons keep
// several (the clean run, the run disturbed half-way, the one disturbed after the last step, the walk).
import type { LatentResult } from '$lib/engine/client';
import type { LatentFrame, LatentJob } from '$lib/engine/latent-job';
import type { EngineErrorCode } from '$lib/engine/protocol';
import type { LatentRunOutcome, VaeRunOutcome } from '$lib/state/engine.svelte';
import type { RunState } from '$lib/state/widget-run.svelte';
import type { VaeJob } from '$lib/engine/vae-job';

/** What the lessons need of the engine (the page's EngineState, or a fake in tests). */
export interface LatentEngine {
  runLatent(channel: string, job: LatentJob, onFrame?: (frame: LatentFrame) => void): Promise<LatentRunOutcome>;
  runVae(channel: string, job: VaeJob): Promise<VaeRunOutcome>;
  cancel(channel: string): void;
}

export class LatentSlot {
  state = $state<RunState>('idle');
  code = $state<EngineErrorCode | null>(null);
  /** Frames by step index (a sparse list when the job sends every k-th step). */
  frames = $state.raw<LatentFrame[]>([]);
  result = $state.raw<LatentResult | null>(null);
  /** The settings key the result belongs to. */
  key = $state<string | null>(null);
  version = $state(0);

  /** A run begins: the frames of the last one go, its result stays on screen until the new one is in. */
  begin(): void {
    this.state = 'running';
    this.code = null;
    this.frames = [];
    this.version++;
  }

  fail(code: EngineErrorCode): void {
    this.state = 'error';
    this.code = code;
  }

  /**
   * Runs a job into this slot (after begin()), for the settings `key`; true when the slot holds its result.
   * A run that is no longer `current` leaves the slot to the newer one; `onFrame` sees each frame it keeps.
   */
  async run(engine: LatentEngine, channel: string, job: LatentJob, key: string, current: () => boolean, onFrame?: (frame: LatentFrame) => void): Promise<boolean> {
    const frames: LatentFrame[] = [];
    const outcome = await engine.runLatent(channel, job, (frame) => {
      if (!current()) return;
      frames[frame.i] = frame;
      this.frames = frames;
      this.version++;
      onFrame?.(frame);
    });
    if (!current() || outcome.status === 'cancelled') return false;
    if (outcome.status === 'failed') {
      this.fail(outcome.code);
      return false;
    }
    this.result = outcome.result;
    this.key = key;
    this.state = 'done';
    this.version++;
    return true;
  }
}
