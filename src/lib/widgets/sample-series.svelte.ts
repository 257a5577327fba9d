// A few whole samples run one after another on one engine channel, for the side-by-side widgets of
// lesson 2 (few steps vs many; same seed, same image). One at a time, so a reader moving a slider in the
// player waits for at most one of these; a new series supersedes the old one (latest wins).
import type { RunResult } from '$lib/engine/client';
import type { EngineErrorCode, SampleJob } from '$lib/engine/protocol';
import type { EngineState } from '$lib/state/engine.svelte';
import { jobKey } from './reverse-settings';

export type SeriesState = 'idle' | 'running' | 'done' | 'error';

export class SampleSeries {
  results = $state.raw<(RunResult | null)[]>([]);
  state = $state<SeriesState>('idle');
  failure = $state<EngineErrorCode | null>(null);
  /** The key of the jobs last started, so an unchanged series is not rerun. */
  key = $state('');
  #run = 0;

  constructor(
    private readonly engine: EngineState,
    private readonly channel: string,
  ) {}

  /** Runs `jobs` in order (unless the same jobs already ran or are running and `force` is false). */
  async run(jobs: SampleJob[], force = false): Promise<void> {
    const key = jobs.map(jobKey).join(';');
    if (!force && key === this.key && this.state !== 'error') return;
    const run = ++this.#run;
    this.key = key;
    this.results = jobs.map(() => null);
    this.failure = null;
    this.state = 'running';
    for (let i = 0; i < jobs.length; i++) {
      const outcome = await this.engine.run(this.channel, jobs[i]);
      if (run !== this.#run || outcome.status === 'cancelled') return;
      if (outcome.status === 'failed') {
        this.failure = outcome.code;
        this.state = 'error';
        return;
      }
      const next = this.results.slice();
      next[i] = outcome.result;
      this.results = next;
    }
    this.state = 'done';
  }

  dispose(): void {
    this.#run++;
    this.engine.cancel(this.channel);
  }
}
