// The page-side client over fake workers: requests settle from their own responses, a crash fails the
// runs in flight and restarts the worker with its models, repeated crashes move the engine into the page.
import { describe, expect, it } from 'vitest';
import { EngineClient, type WorkerLike } from '../../../src/lib/engine/client';
import { takeEarlyWorker } from '../../../src/lib/engine/engine-workers';
import { EngineError, type CascadeJob, type EngineErrorCode, type EngineRequest, type EngineResponse, type LatentJob, type SampleJob, type StageDone } from '../../../src/lib/engine/protocol';

/** A worker that records what it is sent; the test answers for it. */
class FakeWorker implements WorkerLike {
  sent: EngineRequest[] = [];
  transfers: Transferable[][] = [];
  terminated = false;
  onmessage: ((event: { data: EngineResponse }) => void) | null = null;
  onerror: ((event: { message?: string; preventDefault?: () => void }) => void) | null = null;
  postMessage(message: EngineRequest, transfer: Transferable[]): void {
    this.sent.push(message);
    this.transfers.push(transfer);
  }
  terminate(): void {
    this.terminated = true;
  }
  answer(data: EngineResponse): void {
    this.onmessage?.({ data });
  }
  defaultPrevented = false;
  crash(message = 'RangeError: out of memory'): void {
    this.onerror?.({ message, preventDefault: () => (this.defaultPrevented = true) });
  }
  last<T extends EngineRequest['type']>(type: T): Extract<EngineRequest, { type: T }> {
    return this.sent.filter((m): m is Extract<EngineRequest, { type: T }> => m.type === type).at(-1)!;
  }
}

const job: SampleJob = { kind: 'sample', model: 'base-64', sampler: 'ddim', steps: 20, eta: 0, seed: 1, classIndex: 0, guidance: 1, batch: 1, tapEvery: 1 };

function setup(maxRestarts = 2) {
  const workers: FakeWorker[] = [];
  const fallbacks: FakeWorker[] = [];
  const faults: [EngineErrorCode, string][] = [];
  const client = new EngineClient({
    createWorker: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    },
    createFallback: () => {
      const w = new FakeWorker();
      fallbacks.push(w);
      return w;
    },
    maxRestarts,
    onFault: (code, detail) => faults.push([code, detail]),
  });
  return { client, workers, fallbacks, faults };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(EngineError);
  return (e as EngineError).code;
}

describe('EngineClient', () => {
  it('sends init first, then resolves a load and a run from their own responses, routing progress', async () => {
    const { client, workers } = setup();
    const w = workers[0];
    expect(w.sent[0]).toEqual({ type: 'init', candidates: [], override: null });
    const progress: number[] = [];
    const loading = client.load('base-64', '/models/base-64/', (p) => progress.push(p.loaded));
    const { id } = w.last('load');
    w.answer({ type: 'load-progress', id, loaded: 10, total: 20 });
    w.answer({ type: 'load-progress', id, loaded: 20, total: 20 });
    w.answer({ type: 'loaded', id, model: 'base-64', paramCount: 5, fromCache: true, role: 'base' });
    await expect(loading).resolves.toEqual({ paramCount: 5, fromCache: true, role: 'base' });
    expect(progress).toEqual([10, 20]);

    const frames: number[] = [];
    const running = client.run('reverse', job, (f) => frames.push(f.i));
    const runId = w.last('run').id;
    const px = new Float32Array(3);
    w.answer({ type: 'progress', id: runId, channel: 'reverse', frame: { i: 0, steps: 1, t: 999, tPrev: 0, shape: [1, 1, 1, 3], xt: px, eps: px, x0: px } });
    w.answer({ type: 'result', id: runId, channel: 'reverse', x: px, shape: [1, 1, 1, 3], ms: 12 });
    await expect(running).resolves.toEqual({ x: px, shape: [1, 1, 1, 3], ms: 12 });
    expect(frames).toEqual([0]);
  });

  it('runCascade sends the job with its start image transferred, routes steps and stages, and resolves with every stage', async () => {
    const { client, workers } = setup();
    const w = workers[0];
    const start = new Float32Array(12);
    const cascade: CascadeJob = { kind: 'cascade', base: 'base-64', sr: ['sr-256'], seed: 1, classIndex: 0, guidance: 2, steps: [4, 2], aug: [0.1], start, send: [1], previewEvery: 0 };
    const seen: string[] = [];
    const running = client.runCascade('cascade', cascade, { onStep: (s) => seen.push(`${s.stage}:${s.step}`), onStage: (s) => seen.push(`S${s.stage}`) });
    const { id } = w.last('run');
    expect(w.transfers.at(-1)).toEqual([start.buffer]);
    const stages: StageDone[] = [
      { chain: 'run', stage: 0, size: 2, seed: 3, ms: 0 },
      { chain: 'run', stage: 1, size: 4, seed: 4, ms: 9, image: new Float32Array(48) },
    ];
    w.answer({ type: 'stage', id, channel: 'cascade', stage: stages[0] });
    w.answer({ type: 'stage-progress', id, channel: 'cascade', step: { chain: 'run', stage: 1, size: 4, step: 1, steps: 2, ms: 4 } });
    w.answer({ type: 'stage', id, channel: 'cascade', stage: stages[1] });
    w.answer({ type: 'cascade-result', id, channel: 'cascade', stages: stages.map(({ chain, stage, size, ms }) => ({ chain, stage, size, ms })), ms: 10, propagation: null });
    await expect(running).resolves.toEqual({ stages, clean: [], ms: 10, propagation: null });
    expect(seen).toEqual(['S0', '1:1', 'S1']);
    // a propagation job resolves with its clean chain apart and the differences
    const pairing = client.runPropagation('cascade', { ...cascade, kind: 'propagation', maps: false, start: null });
    const next = w.last('run').id;
    const clean: StageDone = { chain: 'clean', stage: 0, size: 2, seed: 3, ms: 5 };
    w.answer({ type: 'stage', id: next, channel: 'cascade', stage: clean });
    const propagation = { at: null, injected: 0, stages: [{ stage: 0, size: 2, energy: 0, ratio: null }] };
    w.answer({ type: 'cascade-result', id: next, channel: 'cascade', stages: [], ms: 6, propagation });
    await expect(pairing).resolves.toEqual({ stages: [], clean: [clean], ms: 6, propagation });
  });

  it('runLatent sends the job, routes its frames in order, resolves with the outcome and the whole job\'s ms; a superseded one rejects', async () => {
    const { client, workers } = setup();
    const w = workers[0];
    const latentJob: LatentJob = { kind: 'latent', model: 'latent-64', vae: 'vae', classIndex: 0, guidance: 2, seed: 1, steps: 2, sampler: 'ddim', eta: 0, edits: [], decodeAt: [0], previewEvery: 1 };
    const seen: number[] = [];
    const running = client.runLatent('l5', latentJob, (f) => seen.push(f.i));
    const { id, job: sent } = w.last('run');
    expect(sent).toEqual(latentJob);
    const a = () => new Float32Array(4);
    for (const i of [0, 1]) w.answer({ type: 'latent-progress', id, channel: 'l5', frame: { i, steps: 2, t: 999 - i, tPrev: 0, side: 1, channels: 4, size: 16, xt: a(), x0: a(), xtPreview: a(), x0Preview: a(), ms: 3 } });
    const outcome = { latent: a(), preview: a(), image: a(), side: 1, channels: 4, size: 16, ms: { steps: 6, decode: 2 } };
    w.answer({ type: 'latent-result', id, channel: 'l5', outcome, ms: 11 });
    await expect(running).resolves.toEqual({ ...outcome, msTotal: 11 });
    expect(seen).toEqual([0, 1]);
    const superseded = client.runLatent('l5', latentJob);
    w.answer({ type: 'error', id: w.last('run').id, channel: 'l5', code: 'cancelled', detail: 'superseded by request 9' });
    expect(await codeOf(superseded)).toBe('cancelled');
  });

  it('a superseded run rejects with cancelled; the ready report is kept for the badge', async () => {
    const { client, workers } = setup();
    const w = workers[0];
    w.answer({ type: 'ready', backend: 'wasm', msPerRun: 31, firstRunMs: 80, warmUpMs: null, timings: [{ backend: 'wasm', ms: 31 }], overridden: false });
    expect(client.ready).toMatchObject({ backend: 'wasm', msPerRun: 31 });
    const first = client.run('w', job);
    w.answer({ type: 'error', id: w.last('run').id, channel: 'w', code: 'cancelled', detail: 'superseded by request 2' });
    expect(await codeOf(first)).toBe('cancelled');
  });

  it('a crash fails runs in flight with worker-crashed, restarts the worker, reloads its models and re-sends pending loads', async () => {
    const { client, workers, faults } = setup();
    const w = workers[0];
    const loaded = client.load('base-64', '/models/base-64/');
    w.answer({ type: 'loaded', id: w.last('load').id, model: 'base-64', paramCount: 5, fromCache: false, role: 'base' });
    await loaded;
    const inFlight = client.run('w', job);
    const pendingLoad = client.load('sr-256', '/models/sr-256/');
    w.crash();
    expect(await codeOf(inFlight)).toBe('worker-crashed');
    expect(w.terminated).toBe(true);
    expect(faults).toEqual([['worker-crashed', 'RangeError: out of memory']]);
    expect(workers).toHaveLength(2);
    const fresh = workers[1];
    expect(fresh.sent.map((m) => m.type)).toEqual(['init', 'load', 'load']);
    expect(fresh.sent[1]).toMatchObject({ model: 'base-64', url: '/models/base-64/' });
    const resent = fresh.last('load');
    expect(resent.model).toBe('sr-256');
    fresh.answer({ type: 'loaded', id: resent.id, model: 'sr-256', paramCount: 7, fromCache: false, role: 'sr' });
    await expect(pendingLoad).resolves.toEqual({ paramCount: 7, fromCache: false, role: 'sr' });
    // and the restarted engine runs jobs
    const again = client.run('w', job);
    fresh.answer({ type: 'result', id: fresh.last('run').id, channel: 'w', x: new Float32Array(1), shape: [1], ms: 1 });
    await expect(again).resolves.toMatchObject({ ms: 1 });
  });

  it('after maxRestarts crashes the engine moves into the page (fallback)', () => {
    const { workers, fallbacks } = setup(1);
    workers[0].crash();
    expect(workers).toHaveLength(2);
    expect(fallbacks).toHaveLength(0);
    workers[1].crash();
    expect(workers).toHaveLength(2);
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0].sent[0].type).toBe('init');
  });

  it('a browser without module workers starts on the fallback at once', () => {
    const fallbacks: FakeWorker[] = [];
    new EngineClient({
      createWorker: () => {
        throw new Error('SecurityError: module workers are not supported');
      },
      createFallback: () => {
        const w = new FakeWorker();
        fallbacks.push(w);
        return w;
      },
    });
    expect(fallbacks).toHaveLength(1);
  });

  it('errors without a request, and lost contexts, reach onFault; the run still rejects with its code', async () => {
    const { client, workers, faults } = setup();
    const w = workers[0];
    w.answer({ type: 'error', id: null, channel: null, code: 'backend-failed', detail: 'no backend' });
    const run = client.run('w', job);
    w.answer({ type: 'error', id: w.last('run').id, channel: 'w', code: 'context-lost', detail: 'CONTEXT_LOST_WEBGL' });
    expect(await codeOf(run)).toBe('context-lost');
    expect(faults.map(([c]) => c)).toEqual(['backend-failed', 'context-lost']);
  });

  it('f16Textures goes with every init: the first, a restarted worker\'s and the reader\'s override', async () => {
    const workers: FakeWorker[] = [];
    const client = new EngineClient({ f16Textures: true, maxRestarts: 1, createWorker: () => (workers.push(new FakeWorker()), workers.at(-1)!) });
    expect(workers[0].sent[0]).toEqual({ type: 'init', candidates: [], override: null, f16Textures: true });
    client.setOverride('webgl');
    expect(workers[0].last('init')).toEqual({ type: 'init', candidates: [], override: 'webgl', f16Textures: true });
    workers[0].crash();
    expect(workers[1].sent[0]).toEqual({ type: 'init', candidates: [], override: 'webgl', f16Textures: true });
    client.dispose();
  });

  it('setOverride re-initialises with the reader\'s choice; dispose rejects what is pending', async () => {
    const { client, workers } = setup();
    client.setOverride('cpu');
    expect(workers[0].last('init')).toEqual({ type: 'init', candidates: [], override: 'cpu' });
    const run = client.run('w', job);
    client.dispose();
    expect(workers[0].terminated).toBe(true);
    expect(await codeOf(run)).toBe('cancelled');
    expect(await codeOf(client.run('w', job))).toBe('worker-crashed');
  });

  it('forceFault sends the fault and resolves when the engine says it is in place', async () => {
    const { client, workers } = setup();
    const w = workers[0];
    let settled = false;
    const nan = client.forceFault('nan').then(() => (settled = true));
    const sent = w.last('fault');
    expect(sent).toMatchObject({ type: 'fault', kind: 'nan' });
    await Promise.resolve();
    expect(settled).toBe(false);
    w.answer({ type: 'fault-set', id: sent.id, kind: 'nan' });
    await nan;
    expect(settled).toBe(true);
  });

  it('a forced crash resolves when the worker dies, runs the restart path and keeps the console quiet', async () => {
    const { client, workers, faults } = setup();
    const w = workers[0];
    const loaded = client.load('base-64', '/models/base-64/');
    w.answer({ type: 'loaded', id: w.last('load').id, model: 'base-64', paramCount: 5, fromCache: false, role: 'base' });
    await loaded;
    const memory = client.memory();
    const crash = client.forceFault('crash');
    expect(w.last('fault').kind).toBe('crash');
    w.crash('Error: forced crash (request 3)');
    await expect(crash).resolves.toBeUndefined();
    expect(await codeOf(memory)).toBe('worker-crashed'); // asked of the dead worker: it will never answer
    expect(w.defaultPrevented).toBe(true);
    expect(faults.map(([c]) => c)).toEqual(['worker-crashed']);
    expect(workers[1].sent.map((m) => m.type)).toEqual(['init', 'load']);
  });

  it('memory() resolves from the engine\'s count; the ready report keeps first-run and warm-up times', async () => {
    const { client, workers } = setup();
    const w = workers[0];
    const memory = client.memory();
    w.answer({ type: 'memory', id: w.last('memory').id, numTensors: 212, numBytes: 4096, backend: 'wasm', heapBytes: 2 ** 24, gpu: null });
    await expect(memory).resolves.toEqual({ numTensors: 212, numBytes: 4096, backend: 'wasm', heapBytes: 2 ** 24, gpu: null });
    const onGl = client.memory();
    const gpu = { textures: 'f16', bytesAllocated: 5e6, usedTextures: 40, freeTextures: 12 } as const;
    w.answer({ type: 'memory', id: w.last('memory').id, numTensors: 212, numBytes: 4096, backend: 'webgl', heapBytes: null, gpu });
    await expect(onGl).resolves.toMatchObject({ backend: 'webgl', gpu });
    w.answer({ type: 'ready', backend: 'webgl', msPerRun: 9, firstRunMs: 900, warmUpMs: 1400, timings: [], overridden: true });
    expect(client.ready).toMatchObject({ backend: 'webgl', firstRunMs: 900, warmUpMs: 1400 });
  });

  it('requests to an engine that could not start reject at once with worker-crashed', async () => {
    const client = new EngineClient({
      createWorker: () => {
        throw new Error('no workers');
      },
      createFallback: () => {
        throw new Error('no tfjs');
      },
    });
    expect(await codeOf(client.forceFault('nan'))).toBe('worker-crashed');
    expect(await codeOf(client.memory())).toBe('worker-crashed');
  });

  it('takes over the worker the page head started once, unless it failed before anyone listened', () => {
    const worker = (): WorkerLike & { terminated: boolean } => ({ onmessage: null, onerror: () => undefined, postMessage: () => undefined, terminated: false, terminate() { this.terminated = true; } });
    const good = worker();
    const scope: { __noisebookEarlyWorker?: { worker: WorkerLike; failed: boolean } } = { __noisebookEarlyWorker: { worker: good, failed: false } };
    expect(takeEarlyWorker(scope)).toBe(good);
    expect(good.onerror).toBeNull(); // the client sets its own
    expect(takeEarlyWorker(scope)).toBeNull(); // once: a restarted engine gets a fresh worker
    const bad = worker();
    expect(takeEarlyWorker({ __noisebookEarlyWorker: { worker: bad, failed: true } })).toBeNull();
    expect(bad.terminated).toBe(true);
  });
});
