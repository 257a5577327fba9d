// Backend choice by measurement (design.md, "The engine is a Web Worker"): start each candidate, time a
// short run of the real model step on it and keep the fastest, because "WebGL first" loses on software GL.
import { EngineError, type BackendTiming, type EngineBackend } from './protocol';

export interface SelectOptions {
  /** Backends to try, in order (the first is measured first, so put the likely winner there). */
  candidates: readonly EngineBackend[];
  /** Makes `name` tfjs's current backend; throws (or rejects) when it cannot start on this device. */
  activate: (name: EngineBackend) => Promise<void>;
  /**
   * One unit of real work on the current backend, e.g. one denoising step of the lesson's model, read
   * back (`await t.data()`) so GPU time is counted, with every tensor disposed.
   */
  workload: () => Promise<void>;
  /** The reader's choice: used whenever it starts, without measuring the others. */
  override?: EngineBackend | null;
  /**
   * Backends measured only when none of the others works (the plain-JS cpu backend: never faster than
   * wasm, and timing it on the real model costs seconds of the reader's wait).
   */
  lastResort?: readonly EngineBackend[];
  /** Timed runs per backend after one untimed warm-up run (default 3); the median counts. */
  runs?: number;
  /** A backend stops being timed once a run takes this many times the best median so far (default 2). */
  giveUpFactor?: number;
  now?: () => number;
}

export interface Selection {
  backend: EngineBackend;
  /** Median ms per workload run on the chosen backend. */
  msPerRun: number;
  /** Untimed first run on the chosen backend (shader compilation, wasm warm-up), ms. */
  firstRunMs: number;
  /** Every backend tried, in order, with its median or why it failed or was dropped. */
  timings: BackendTiming[];
  /** Whether the reader's override decided it. */
  overridden: boolean;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

interface Measured {
  ms: number;
  firstMs: number;
}

/**
 * Starts `name` and times the workload on it. Returns the reason as a string when it is dropped early
 * (a run slower than `limit`, so it cannot win); throws when the backend fails.
 */
async function measure(name: EngineBackend, opts: SelectOptions, limit: number, now: () => number): Promise<Measured | string> {
  await opts.activate(name);
  let start = now();
  await opts.workload(); // warm-up: WebGL compiles its shaders here, so the timed runs see steady state
  const firstMs = now() - start;
  const times: number[] = [];
  for (let i = 0; i < (opts.runs ?? 3); i++) {
    start = now();
    await opts.workload();
    times.push(now() - start);
    if (times[i] > limit) return `dropped: a run took ${times[i].toFixed(1)} ms, over ${limit.toFixed(1)} ms`;
  }
  return { ms: median(times), firstMs };
}

/**
 * Picks the backend: the override if it starts, else the fastest candidate by median time per run.
 * Leaves the chosen backend active. Throws EngineError('backend-failed') when no candidate works.
 */
export async function selectBackend(opts: SelectOptions): Promise<Selection> {
  const now = opts.now ?? (() => performance.now());
  const giveUp = opts.giveUpFactor ?? 2;
  const timings: BackendTiming[] = [];
  const order = [...opts.candidates];

  if (opts.override) {
    try {
      const m = await measure(opts.override, opts, Infinity, now);
      if (typeof m !== 'string') {
        timings.push({ backend: opts.override, ms: m.ms });
        return { backend: opts.override, msPerRun: m.ms, firstRunMs: m.firstMs, timings, overridden: true };
      }
    } catch (error) {
      timings.push({ backend: opts.override, ms: null, error: reason(error) });
    }
  }

  let best: { backend: EngineBackend; m: Measured } | null = null;
  let active: EngineBackend | null = null;
  const spare = opts.lastResort ?? [];
  const firstTier = order.filter((b) => !spare.includes(b));
  const lastTier = order.filter((b) => spare.includes(b));
  for (const name of [...firstTier, ...lastTier]) {
    if (name === opts.override) continue; // already tried, and it failed
    if (best && lastTier.includes(name)) continue;
    try {
      active = name;
      const m = await measure(name, opts, best ? best.m.ms * giveUp : Infinity, now);
      if (typeof m === 'string') {
        timings.push({ backend: name, ms: null, error: m });
        continue;
      }
      timings.push({ backend: name, ms: m.ms });
      if (!best || m.ms < best.m.ms) best = { backend: name, m };
    } catch (error) {
      timings.push({ backend: name, ms: null, error: reason(error) });
    }
  }
  if (!best) {
    throw new EngineError('backend-failed', timings.map((t) => `${t.backend}: ${t.error}`).join('; ') || 'no backend to try');
  }
  if (active !== best.backend) {
    try {
      await opts.activate(best.backend);
    } catch (error) {
      throw new EngineError('backend-failed', `${best.backend} worked but failed to restart: ${reason(error)}`);
    }
  }
  return { backend: best.backend, msPerRun: best.m.ms, firstRunMs: best.m.firstMs, timings, overridden: false };
}
