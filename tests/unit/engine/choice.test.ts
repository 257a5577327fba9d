// The backend choice around select.ts, with fake backends on a fake clock: with one first-tier candidate
// left (WebGL ruled out on a software renderer) it is chosen untimed and timed after the first job;
// with a choice, an override, or the one left failing to start, every candidate is timed as before.
import { describe, expect, it } from 'vitest';
import { BackendChoice, type ChoiceDeps } from '../../../src/lib/engine/choice';
import type { EngineBackend, EngineResponse } from '../../../src/lib/engine/protocol';

type Ready = Extract<EngineResponse, { type: 'ready' }>;

/** A device with wasm at 20 ms per run (60 ms the first), cpu at 90, and WebGL as `webgl` says. */
function device(opts: { webgl?: 'software' | 'gpu'; wasmFails?: boolean; override?: EngineBackend | null; ruledOut?: boolean } = {}) {
  let clock = 0;
  let current: EngineBackend | null = null;
  const runs: Record<string, number> = {};
  const posted: Ready[] = [];
  const ms: Record<EngineBackend, number> = { wasm: 20, webgl: 5, cpu: 90 };
  const deps: ChoiceDeps = {
    candidates: () => ['wasm', 'webgl', 'cpu'],
    override: () => opts.override ?? null,
    activate: async (name) => {
      if (name === 'webgl' && opts.webgl === 'software') throw new Error('WebGL runs on a software renderer (SwiftShader)');
      if (name === 'wasm' && opts.wasmFails) throw new Error('no wasm here');
      current = name;
    },
    ruledOut: opts.ruledOut === false ? undefined : (name) => (name === 'webgl' && opts.webgl === 'software' ? 'WebGL runs on a software renderer (SwiftShader)' : null),
    now: () => clock,
    post: (r) => void posted.push(r),
  };
  const workload = async () => {
    const n = (runs[current!] = (runs[current!] ?? 0) + 1);
    clock += n === 1 ? 3 * ms[current!] : ms[current!];
  };
  return { deps, posted, runs, workload, current: () => current };
}

const noWarm = () => Promise.resolve(null);

describe('BackendChoice', () => {
  it('on a software renderer chooses wasm without timing it, says why WebGL was not tried, and times wasm after the first job', async () => {
    const d = device({ webgl: 'software' });
    const choice = new BackendChoice(d.deps);
    await choice.select(d.workload, noWarm);
    expect(d.current()).toBe('wasm');
    expect(d.runs).toEqual({}); // nothing ran before the reader's first job
    expect(d.posted).toEqual([
      { type: 'ready', backend: 'wasm', msPerRun: null, firstRunMs: null, warmUpMs: null, overridden: false, timings: [{ backend: 'wasm', ms: null }, { backend: 'webgl', ms: null, error: 'WebGL runs on a software renderer (SwiftShader)' }] },
    ]);
    expect(choice.chosen && choice.owed).toBe(true);

    await d.workload(); // the first job warms the backend up
    await choice.timeAfterJob();
    expect(d.runs.wasm).toBe(4);
    expect(d.posted[1]).toMatchObject({ backend: 'wasm', msPerRun: 20, firstRunMs: null, timings: [{ backend: 'wasm', ms: 20 }, { backend: 'webgl', ms: null }], retimed: true });
    expect(choice.owed).toBe(false);
    await choice.timeAfterJob(); // once only
    expect(d.posted).toHaveLength(2);
  });

  it('with a real GPU times both and keeps the faster, as select.ts does', async () => {
    const d = device({ webgl: 'gpu' });
    const choice = new BackendChoice(d.deps);
    await choice.select(d.workload, noWarm);
    expect(d.posted[0]).toMatchObject({ backend: 'webgl', msPerRun: 5, firstRunMs: 15 });
    expect(choice.owed).toBe(false);
  });

  it("times the candidates when the reader's override is in force, or when nothing says what is ruled out", async () => {
    const forced = device({ webgl: 'software', override: 'cpu' });
    await new BackendChoice(forced.deps).select(forced.workload, noWarm);
    expect(forced.posted[0]).toMatchObject({ backend: 'cpu', msPerRun: 90, overridden: true });

    const unknown = device({ webgl: 'software', ruledOut: false });
    await new BackendChoice(unknown.deps).select(unknown.workload, noWarm);
    expect(unknown.posted[0]).toMatchObject({ backend: 'wasm', msPerRun: 20 });
    expect(unknown.runs.wasm).toBe(4); // warm-up and three timed runs before the first job
  });

  it('when the one backend left fails to start, falls back to the cpu backend with every reason', async () => {
    const d = device({ webgl: 'software', wasmFails: true });
    const choice = new BackendChoice(d.deps);
    await choice.select(d.workload, noWarm);
    expect(d.posted[0]).toMatchObject({ backend: 'cpu', msPerRun: 90 });
    expect(d.posted[0].timings.map((t) => t.error)).toEqual(['no wasm here', 'WebGL runs on a software renderer (SwiftShader)', undefined]);
  });

  it('reset forgets the choice and the timing it owed', async () => {
    const d = device({ webgl: 'software' });
    const choice = new BackendChoice(d.deps);
    await choice.select(d.workload, noWarm);
    choice.reset();
    expect(choice.chosen || choice.owed).toBe(false);
  });
});
