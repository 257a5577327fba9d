// Backend choice by measurement, with fake backends on a fake clock: the fastest that starts wins, the
// reader's override wins when it starts, failures are reported, hopeless backends are dropped early.
import { describe, expect, it } from 'vitest';
import { selectBackend, type SelectOptions } from '../../../src/lib/engine/select';
import { EngineError, type EngineBackend } from '../../../src/lib/engine/protocol';

interface FakeBackend {
  /** ms per run after the first; `first` is the warm-up run (shader compilation). */
  ms: number;
  first?: number;
  fails?: string;
}

/** A device: `activate` fails or switches the current backend; `workload` advances the clock by its cost. */
function device(backends: Partial<Record<EngineBackend, FakeBackend>>) {
  let clock = 0;
  let current: EngineBackend | null = null;
  const runs: Record<string, number> = {};
  const activations: EngineBackend[] = [];
  const opts: Omit<SelectOptions, 'candidates'> = {
    now: () => clock,
    activate: async (name) => {
      const b = backends[name];
      if (!b || b.fails) throw new Error(b?.fails ?? `${name} is not available`);
      activations.push(name);
      current = name;
    },
    workload: async () => {
      if (!current) throw new Error('no backend');
      const b = backends[current]!;
      const n = (runs[current] = (runs[current] ?? 0) + 1);
      clock += n === 1 ? (b.first ?? b.ms) : b.ms;
    },
  };
  return { opts, runs, activations, current: () => current };
}

describe('selectBackend', () => {
  it('picks the fastest by median, not WebGL because it comes first, and leaves it active', async () => {
    const d = device({ webgl: { ms: 400, first: 3000 }, wasm: { ms: 20, first: 60 }, cpu: { ms: 90 } });
    const s = await selectBackend({ ...d.opts, candidates: ['webgl', 'wasm', 'cpu'] });
    expect(s.backend).toBe('wasm');
    expect(s.msPerRun).toBe(20);
    expect(s.firstRunMs).toBe(60);
    expect(s.overridden).toBe(false);
    expect(s.timings).toEqual([
      { backend: 'webgl', ms: 400 },
      { backend: 'wasm', ms: 20 },
      { backend: 'cpu', ms: null, error: 'dropped: a run took 90.0 ms, over 40.0 ms' },
    ]);
    expect(d.current()).toBe('wasm'); // re-activated after cpu was measured
    expect(d.runs.cpu).toBe(2); // warm-up plus one timed run, then dropped
  });

  it('a fast GPU wins over wasm; the warm-up run is not counted', async () => {
    const d = device({ webgl: { ms: 5, first: 2000 }, wasm: { ms: 20 } });
    const s = await selectBackend({ ...d.opts, candidates: ['webgl', 'wasm'] });
    expect(s.backend).toBe('webgl');
    expect(s.msPerRun).toBe(5);
    expect(s.firstRunMs).toBe(2000);
    expect(d.activations).toEqual(['webgl', 'wasm', 'webgl']);
  });

  it('backends that fail to start are listed with their reason and skipped', async () => {
    const d = device({ webgl: { ms: 1, fails: 'WebGL is not supported on this device' }, cpu: { ms: 70 } });
    const s = await selectBackend({ ...d.opts, candidates: ['webgl', 'wasm', 'cpu'] });
    expect(s.backend).toBe('cpu');
    expect(s.timings).toEqual([
      { backend: 'webgl', ms: null, error: 'WebGL is not supported on this device' },
      { backend: 'wasm', ms: null, error: 'wasm is not available' },
      { backend: 'cpu', ms: 70 },
    ]);
  });

  it('a workload that throws (e.g. a lost context mid-run) disqualifies that backend only', async () => {
    const d = device({ webgl: { ms: 1 }, wasm: { ms: 30 } });
    const workload = d.opts.workload;
    const s = await selectBackend({
      ...d.opts,
      candidates: ['webgl', 'wasm'],
      workload: async () => {
        if (d.current() === 'webgl') throw new Error('CONTEXT_LOST_WEBGL');
        await workload();
      },
    });
    expect(s.backend).toBe('wasm');
    expect(s.timings[0]).toEqual({ backend: 'webgl', ms: null, error: 'CONTEXT_LOST_WEBGL' });
  });

  it("the reader's override is used without measuring the others, even when slower", async () => {
    const d = device({ webgl: { ms: 400 }, wasm: { ms: 20 }, cpu: { ms: 90 } });
    const s = await selectBackend({ ...d.opts, candidates: ['webgl', 'wasm', 'cpu'], override: 'cpu' });
    expect(s).toMatchObject({ backend: 'cpu', msPerRun: 90, overridden: true });
    expect(d.activations).toEqual(['cpu']);
  });

  it('an override that cannot start falls back to measuring the rest', async () => {
    const d = device({ webgl: { ms: 1, fails: 'no GPU' }, wasm: { ms: 20 }, cpu: { ms: 30 } });
    const s = await selectBackend({ ...d.opts, candidates: ['webgl', 'wasm', 'cpu'], override: 'webgl' });
    expect(s.backend).toBe('wasm');
    expect(s.overridden).toBe(false);
    expect(s.timings.map((t) => t.backend)).toEqual(['webgl', 'wasm', 'cpu']); // webgl tried once, not twice
  });

  it('a last-resort backend is measured only when nothing else works', async () => {
    const d = device({ webgl: { ms: 400 }, wasm: { ms: 20 }, cpu: { ms: 5 } });
    const s = await selectBackend({ ...d.opts, candidates: ['cpu', 'webgl', 'wasm'], lastResort: ['cpu'] });
    expect(s.backend).toBe('wasm');
    expect(d.runs.cpu).toBeUndefined();
    expect(s.timings.map((t) => t.backend)).toEqual(['webgl', 'wasm']);
    const alone = device({ webgl: { ms: 1, fails: 'no GPU' }, cpu: { ms: 90 } });
    const fallback = await selectBackend({ ...alone.opts, candidates: ['cpu', 'webgl', 'wasm'], lastResort: ['cpu'] });
    expect(fallback.backend).toBe('cpu');
    expect(fallback.timings.map((t) => t.backend)).toEqual(['webgl', 'wasm', 'cpu']);
  });

  it('the median of the timed runs counts, so one hiccup does not decide', async () => {
    let clock = 0;
    const costs = [5, 10, 500, 10]; // warm-up, then 10, 500 (a GC pause), 10
    const s = await selectBackend({ candidates: ['wasm'], now: () => clock, activate: async () => {}, workload: async () => void (clock += costs.shift()!) });
    expect(s.msPerRun).toBe(10);
  });

  it('no working backend is a backend-failed error naming each reason', async () => {
    const d = device({ webgl: { ms: 1, fails: 'no GPU' } });
    const err = await selectBackend({ ...d.opts, candidates: ['webgl', 'cpu'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('backend-failed');
    expect((err as EngineError).detail).toBe('webgl: no GPU; cpu: cpu is not available');
  });
});
