// The engine's backend choice (design.md, "The engine is a Web Worker"), out of worker.ts: timed by
// select.ts when timing can change it, else made at once and timed after the first job. Without a GPU
// (WebGL on a software renderer, which activate refuses anyway) wasm is the only first-tier candidate,
// and timing it before the reader's first image cost a school laptop 1–3 s (README, "The school laptop").
import { selectBackend } from './select';
import type { BackendTiming, EngineBackend, EngineResponse } from './protocol';

type Ready = Extract<EngineResponse, { type: 'ready' }>;

/** The plain-JS cpu backend is timed only when nothing else starts (select.ts `lastResort`). */
const LAST_RESORT: readonly EngineBackend[] = ['cpu'];

export interface ChoiceDeps {
  /** Usable backends in measuring order (the worker's candidates less the demoted ones). */
  candidates(): EngineBackend[];
  /** The reader's choice while it is usable, else null. */
  override(): EngineBackend | null;
  activate(name: EngineBackend): Promise<void>;
  /**
   * Why `name` cannot be the backend to use here, found without starting it (WebGL on a software
   * renderer: browser-backends.ts), or null. Absent: every candidate is timed, as before.
   */
  ruledOut?(name: EngineBackend): string | null;
  now(): number;
  post(ready: Ready): void;
}

/** Timed runs of one unit of work, after the job or warm-up run that came before them (select.ts runs 3 too). */
const RUNS = 3;

export class BackendChoice {
  /** Whether a backend was chosen since the engine (re)started; the first model in chooses one. */
  chosen = false;
  /** The unit of work to time after the first job, when the backend was chosen untimed, and the report so far. */
  #later: { workload: () => Promise<void>; ready: Ready } | null = null;

  constructor(private readonly deps: ChoiceDeps) {}

  /**
   * Chooses the backend with `workload` (one unit of a loaded model's work, read back) and reports it:
   * at once, untimed, when every other first-tier candidate is ruled out and no override is in force;
   * otherwise by timing every candidate (selectBackend). `warm` runs after either (WebGL shader warm-up).
   */
  async select(workload: () => Promise<void>, warm: () => Promise<number | null>): Promise<void> {
    const { deps } = this;
    this.#later = null;
    const alone = await this.#alone();
    if (alone) {
      this.chosen = true;
      const ready: Ready = { type: 'ready', backend: alone.backend, msPerRun: null, firstRunMs: null, warmUpMs: await warm(), timings: alone.timings, overridden: false };
      this.#later = { workload, ready };
      return deps.post(ready);
    }
    const s = await selectBackend({ candidates: deps.candidates(), lastResort: LAST_RESORT, override: deps.override(), activate: (name) => deps.activate(name), now: deps.now, workload });
    this.chosen = true;
    const warmUpMs = await warm();
    deps.post({ type: 'ready', backend: s.backend, msPerRun: s.msPerRun, firstRunMs: s.firstRunMs, warmUpMs, timings: s.timings, overridden: s.overridden });
  }

  /** Whether a timing waits for a job to have run (call `timeAfterJob` then, with the backend held). */
  get owed(): boolean {
    return this.#later !== null;
  }

  /** Times the backend chosen untimed, now that a job has warmed it up, and reports its speed (ms per unit). */
  async timeAfterJob(): Promise<void> {
    const later = this.#later;
    if (!later) return;
    this.#later = null;
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = this.deps.now();
      await later.workload();
      times.push(this.deps.now() - start);
    }
    const ms = times.sort((a, b) => a - b)[RUNS >> 1];
    const timings = later.ready.timings.map((t) => (t.backend === later.ready.backend ? { ...t, ms } : t));
    this.deps.post({ ...later.ready, msPerRun: ms, timings, retimed: true });
  }

  /** Forgets the choice (a recovery reloads every model on a new backend; the first one chooses again). */
  reset(): void {
    this.chosen = false;
    this.#later = null;
  }

  /** The one first-tier candidate left once the others are ruled out, started; null when there is a choice to time. */
  async #alone(): Promise<{ backend: EngineBackend; timings: BackendTiming[] } | null> {
    const { deps } = this;
    if (!deps.ruledOut || deps.override()) return null;
    const timings: BackendTiming[] = [];
    const left: EngineBackend[] = [];
    for (const name of deps.candidates().filter((b) => !LAST_RESORT.includes(b))) {
      const why = deps.ruledOut(name);
      if (why === null) left.push(name);
      else timings.push({ backend: name, ms: null, error: why });
    }
    if (left.length !== 1) return null;
    try {
      await deps.activate(left[0]);
    } catch {
      return null; // selectBackend tries it again, then the last resort, and says why each failed
    }
    return { backend: left[0], timings: [{ backend: left[0], ms: null }, ...timings] };
  }
}
