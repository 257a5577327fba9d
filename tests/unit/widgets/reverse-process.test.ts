import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StepFrame } from '../../../src/lib/engine/protocol';
import type { EngineState, RunOutcome } from '../../../src/lib/state/engine.svelte';

vi.mock('$app/navigation', () => ({ replaceState: vi.fn() }));
const { ReverseProcess } = await import('../../../src/lib/widgets/reverse-process.svelte');

function frame(i: number, steps: number): StepFrame {
  const n = 12;
  return { i, steps, t: 1000 - i, tPrev: 999 - i, shape: [1, 2, 2, 3], xt: new Float32Array(n), eps: new Float32Array(n), x0: new Float32Array(n).fill(i / steps) };
}

/** An engine whose runs the test finishes by hand, sending frames first. */
function fakeEngine() {
  const runs: { steps: number; onFrame?: (f: StepFrame) => void; finish: (o: RunOutcome) => void }[] = [];
  const engine = {
    loads: { 'base-64': { loaded: 1, total: 1, done: true, failed: false, fromCache: false } },
    run: (_channel: string, job: { steps: number }, onFrame?: (f: StepFrame) => void) =>
      new Promise<RunOutcome>((finish) => runs.push({ steps: job.steps, onFrame, finish })),
    cancel: vi.fn(),
  };
  return { engine: engine as unknown as EngineState, runs };
}

const done = (ms = 10): RunOutcome => ({ status: 'done', result: { x: new Float32Array(12), shape: [1, 2, 2, 3], ms } });

afterEach(() => vi.unstubAllGlobals());

describe('ReverseProcess', () => {
  it('reads a link with odd values as the nearest valid settings, without throwing', () => {
    vi.stubGlobal('location', { search: '?kind=volcano&seed=-5&sampler=ddim&steps=37&eta=0.33&w=99', href: 'http://x/en/removing-noise/' });
    const p = new ReverseProcess(fakeEngine().engine);
    p.connect();
    expect(p.settings).toEqual({ kind: 'coast', seed: 0, sampler: 'ddim', steps: 50, eta: 0.3, guidance: 8 });
    p.dispose();
  });

  it('keeps the defaults for unreadable values', () => {
    vi.stubGlobal('location', { search: '?seed=abc&steps=&eta=NaN&w=x&sampler=euler', href: 'http://x/' });
    const p = new ReverseProcess(fakeEngine().engine);
    p.connect();
    expect(p.settings).toEqual({ kind: 'coast', seed: 7, sampler: 'ddim', steps: 20, eta: 0, guidance: 1 });
    p.dispose();
  });

  it('follows frames as they arrive, then stops at the last step when the run is done', async () => {
    const { engine, runs } = fakeEngine();
    const p = new ReverseProcess(engine);
    p.setSteps(5);
    const started = p.start();
    expect(p.state).toBe('running');
    for (let i = 0; i < 3; i++) runs[0].onFrame?.(frame(i, 5));
    expect(p.cursor).toBe(2);
    expect(p.frame?.i).toBe(2);
    runs[0].onFrame?.(frame(3, 5));
    runs[0].onFrame?.(frame(4, 5));
    runs[0].finish(done(42));
    await started;
    expect(p.state).toBe('done');
    expect(p.cursor).toBe(4);
    expect(p.playing).toBe(false);
    expect(p.result?.ms).toBe(42);
    p.dispose();
  });

  it('stepping and scrubbing pause the player and stay within the arrived frames', () => {
    const { engine, runs } = fakeEngine();
    const p = new ReverseProcess(engine);
    p.setSteps(10);
    void p.start();
    for (let i = 0; i < 4; i++) runs[0].onFrame?.(frame(i, 10));
    p.scrub(9);
    expect(p.playing).toBe(false);
    expect(p.cursor).toBe(3); // only 4 frames so far
    p.step(-1);
    expect(p.cursor).toBe(2);
    runs[0].onFrame?.(frame(4, 10));
    expect(p.cursor).toBe(2); // a paused reader is not moved by arriving frames
    p.scrub(-7);
    expect(p.cursor).toBe(0);
    p.dispose();
  });

  it('a newer run supersedes the old one: late frames and a late result of the old run are ignored', async () => {
    const { engine, runs } = fakeEngine();
    const p = new ReverseProcess(engine);
    p.setSteps(5);
    const first = p.start();
    p.setSteps(10);
    const second = p.start();
    runs[0].onFrame?.(frame(0, 5));
    expect(p.arrived).toBe(0);
    runs[0].finish({ status: 'cancelled' });
    await first;
    expect(p.state).toBe('running');
    runs[1].finish({ status: 'failed', code: 'worker-crashed' });
    await second;
    expect(p.state).toBe('error');
    expect(p.failure).toBe('worker-crashed');
    p.dispose();
  });

  it('play from the end starts over and walks to the last step', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('location', { search: '', href: 'http://x/en/removing-noise/' }); // the URL write after a setting
    const { engine, runs } = fakeEngine();
    const p = new ReverseProcess(engine);
    p.setSteps(5);
    const started = p.start();
    for (let i = 0; i < 5; i++) runs[0].onFrame?.(frame(i, 5));
    runs[0].finish(done());
    await started;
    p.play();
    expect(p.cursor).toBe(0);
    vi.advanceTimersByTime(5000);
    expect(p.cursor).toBe(4);
    expect(p.playing).toBe(false);
    p.dispose();
    vi.useRealTimers();
  });
});
