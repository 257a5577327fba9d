// Lesson 2's player: the settings of one reverse process (mirrored into the URL, ?kind=coast&seed=7&
// sampler=ddim&steps=20&eta=0&w=3), the run on the page's engine, and a cursor that plays, pauses, steps
// and scrubs through the frames (x_t, ε̂, x̂₀ at each step) as they arrive.
import { replaceState } from '$app/navigation';
import { pageEngine, type EngineState } from '$lib/state/engine.svelte';
import { enumParam, intParam, UrlState } from '$lib/state/url.svelte';
import type { RunResult } from '$lib/engine/client';
import type { EngineErrorCode, StepFrame } from '$lib/engine/protocol';
import { ETA_GRID, GUIDANCE_GRID, gridValues, jobKey, KINDS, MAX_SEED, MAX_STEPS, nearestStepChoice, SAMPLERS, sampleJob, snapToGrid, type KindChoice, type ReverseSettings, type Sampler } from './reverse-settings';
import { Trajectory } from './trajectory';

export const CHANNEL = 'reverse-process';
export type RunState = 'idle' | 'loading' | 'running' | 'done' | 'error';

/** A whole trajectory plays back in about this long, however many steps it has (within the frame limits). */
const PLAYBACK_MS = 2500;

export class ReverseProcess {
  readonly url = new UrlState(
    {
      // A coast (seed 7) reads at 64²: sky, sea and sand as three bands, so a reader sees the layout appear first.
      kind: enumParam(KINDS, 'coast'),
      seed: intParam(0, MAX_SEED, 7),
      sampler: enumParam(SAMPLERS, 'ddim'),
      // 20 DDIM steps: the lessons' default (science.md §5.2), under 2 s on wasm.
      steps: intParam(1, MAX_STEPS, 20),
      eta: enumParam(gridValues(ETA_GRID), '0'),
      // w = 1, the plain conditional model: one network call per step (a guided step runs two), so the
      // first image arrives in half the time; it is also the setting base-64 was evaluated at (99.6% of
      // its samples read as the asked kind). The guidance section invites the reader to raise it.
      w: enumParam(gridValues(GUIDANCE_GRID), '1'),
    },
    // The URL is this page's own with new query values: nothing for resolve() to add.
    // eslint-disable-next-line svelte/no-navigation-without-resolve
    { write: (url) => replaceState(url, {}) },
  );

  state = $state<RunState>('idle');
  failure = $state<EngineErrorCode | null>(null);
  /** The run's frames; `version` changes whenever one arrives (the Trajectory itself is not reactive). */
  trajectory = $state.raw<Trajectory | null>(null);
  version = $state(0);
  result = $state.raw<RunResult | null>(null);
  /** The step on screen, and whether it moves by itself (following the run, or playing back). */
  cursor = $state(0);
  playing = $state(true);
  #timer: ReturnType<typeof setInterval> | undefined;
  #run = 0;
  #connected = false;

  constructor(readonly engine: EngineState = pageEngine()) {}

  get settings(): ReverseSettings {
    const v = this.url.values;
    return { kind: v.kind, seed: v.seed, sampler: v.sampler, steps: v.steps, eta: Number(v.eta), guidance: Number(v.w) };
  }

  /** Changes when a new run is needed (the widget reruns on it). */
  readonly key = $derived(jobKey(sampleJob(this.settings)));

  setKind(kind: KindChoice): void {
    this.url.set('kind', kind);
  }
  setSeed(seed: number): void {
    this.url.set('seed', seed);
  }
  setSampler(sampler: Sampler): void {
    this.url.set('sampler', sampler);
  }
  setSteps(steps: number): void {
    this.url.set('steps', steps);
  }
  setEta(eta: number): void {
    const v = snapToGrid(ETA_GRID, String(eta));
    if (v !== undefined) this.url.set('eta', v);
  }
  setGuidance(w: number): void {
    const v = snapToGrid(GUIDANCE_GRID, String(w));
    if (v !== undefined) this.url.set('w', v);
  }

  /** Reads the page URL once, after mount; η and w snap to their grids, steps to the nearest offered count. */
  connect(): void {
    if (this.#connected) return;
    this.#connected = true;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once here, never rendered
    const params = new URLSearchParams(location.search);
    for (const [key, grid] of [['eta', ETA_GRID], ['w', GUIDANCE_GRID]] as const) {
      const snapped = snapToGrid(grid, params.get(key));
      if (snapped === undefined) params.delete(key);
      else params.set(key, snapped);
    }
    const rawSteps = params.get('steps')?.trim() ?? '';
    const steps = Number(rawSteps);
    if (rawSteps !== '' && Number.isFinite(steps)) params.set('steps', String(nearestStepChoice(Math.max(1, steps))));
    this.url.readFrom(params);
  }

  /** The frame on screen (the latest arrived one if the cursor is ahead of the run). */
  get frame(): StepFrame | undefined {
    void this.version;
    return this.trajectory?.at(this.cursor);
  }

  get arrived(): number {
    void this.version;
    return this.trajectory?.arrived ?? 0;
  }

  /** Starts a run with the current settings; a run in flight is superseded (and ignored when it says so). */
  async start(): Promise<void> {
    const run = ++this.#run;
    const job = sampleJob(this.settings);
    const trajectory = new Trajectory(job.steps);
    this.trajectory = trajectory;
    this.result = null;
    this.failure = null;
    this.cursor = 0;
    this.playing = true; // follow the frames as they arrive
    this.#stopTimer();
    this.state = this.engine.loads[job.model]?.done ? 'running' : 'loading';
    const outcome = await this.engine.run(CHANNEL, job, (frame) => {
      if (run !== this.#run) return;
      this.state = 'running';
      trajectory.add(frame);
      if (this.playing) this.cursor = trajectory.arrived - 1;
      this.version++;
    });
    if (run !== this.#run || outcome.status === 'cancelled') return;
    if (outcome.status === 'failed') {
      this.failure = outcome.code;
      this.state = 'error';
      this.playing = false;
      return;
    }
    this.result = outcome.result;
    this.state = 'done';
    if (this.playing) this.cursor = trajectory.steps - 1;
    this.playing = false;
  }

  /** Plays back from the current step (from the start when at the end). */
  play(): void {
    const t = this.trajectory;
    if (!t || t.arrived === 0) return;
    if (this.cursor >= t.arrived - 1 && t.complete) this.cursor = 0;
    this.playing = true;
    if (!t.complete) return; // still arriving: the run moves the cursor
    this.#stopTimer();
    const every = Math.max(40, Math.min(400, PLAYBACK_MS / t.steps));
    this.#timer = setInterval(() => {
      if (this.cursor >= t.steps - 1) return this.pause();
      this.cursor++;
    }, every);
  }

  pause(): void {
    this.playing = false;
    this.#stopTimer();
  }

  /** One step forward (+1) or back (−1), within the frames that have arrived. */
  step(by: 1 | -1): void {
    this.pause();
    this.scrub(this.cursor + by);
  }

  scrub(i: number): void {
    this.pause();
    const last = Math.max(0, (this.trajectory?.arrived ?? 1) - 1);
    this.cursor = Math.max(0, Math.min(last, Math.round(i)));
  }

  dispose(): void {
    this.#stopTimer();
    this.#run++;
    this.engine.cancel(CHANNEL);
    this.url.dispose();
  }

  #stopTimer(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
