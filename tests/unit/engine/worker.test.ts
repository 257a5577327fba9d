// The worker host end to end in Node (cpu kernels standing in for every backend): load with progress,
// measured backend choice, latest-wins runs over messages, and forced faults (missing model, lost context).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRng } from '../../../src/lib/math/rng';
import { countParams, flopsTable } from '../../../src/lib/models/count';
import { MANIFEST_VERSION, type Manifest } from '../../../src/lib/models/manifest';
import { buildUNet } from '../../../src/lib/models/unet';
import { encodeWeights } from '../../../src/lib/models/weights';
import { createEngineHost } from '../../../src/lib/engine/worker';
import type { EngineBackend, EngineResponse, SampleJob } from '../../../src/lib/engine/protocol';
import tiny from '../../../train/configs/tiny';

const unet = buildUNet(tiny.model);
const URL_BASE = 'https://course.test/models/tiny/';
let files: Record<string, string | Uint8Array>;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const values = unet.init(makeRng(1));
  const out = values.get('out.conv.w') as Float32Array;
  const rng = makeRng(2);
  for (let i = 0; i < out.length; i++) out[i] = 0.1 * rng.normal();
  const enc = await encodeWeights(values, unet.specs);
  const manifest: Manifest = {
    formatVersion: MANIFEST_VERSION, name: 'tiny', architecture: 'unet', config: unet.config, weightsFile: 'weights.bin',
    weights: enc.specs, weightsSha256: enc.sha256, paramCount: countParams(unet.config), flops: flopsTable(unet.config, [[16, 16]]),
    data: { description: 'unit test', details: { schedule: 'cosine', T: 1000, resolution: 16, prediction: 'eps' } },
    steps: 0, wallTimeSeconds: 0, machine: 'vitest', lossCurve: [], evaluation: {}, commit: 'abc', createdAt: new Date(0).toISOString(),
  };
  files = { 'manifest.json': JSON.stringify(manifest), 'weights.bin': enc.bin };
});

const fetcher = (async (input: RequestInfo | URL) => {
  const url = String(input);
  const body = url.startsWith(URL_BASE) ? files[url.slice(URL_BASE.length)] : undefined;
  return body === undefined ? new Response('', { status: 404 }) : new Response(body as BodyInit);
}) as typeof fetch;

/**
 * A host whose backends are all tfjs-cpu under other names; `lost` simulates a dead WebGL context,
 * `canLose` whether WEBGL_lose_context is there to lose it on demand.
 */
function setup(available: EngineBackend[] = ['webgl', 'wasm', 'cpu'], canLose = true, ruledOut?: (name: EngineBackend) => string | null) {
  const messages: EngineResponse[] = [];
  const state = { lost: false, activations: [] as EngineBackend[], crashes: [] as string[], f16: [] as boolean[] };
  const host = createEngineHost(
    { postMessage: (m) => messages.push(m) },
    {
      tf,
      fetch: fetcher,
      caches: null,
      contextLost: () => state.lost,
      loseContext: () => {
        if (!canLose || host.backend() !== 'webgl') return false;
        state.lost = true;
        return true;
      },
      crash: (detail) => state.crashes.push(detail),
      ruledOut,
      activate: async (name, _forced, f16Textures) => {
        if (!available.includes(name)) throw new Error(`${name} unavailable`);
        state.activations.push(name);
        state.f16.push(f16Textures);
        await tf.setBackend('cpu');
      },
    },
  );
  const of = <T extends EngineResponse['type']>(type: T) => messages.filter((m): m is Extract<EngineResponse, { type: T }> => m.type === type);
  return { host, messages, state, of };
}

const job = (over: Partial<SampleJob> = {}): SampleJob => ({ kind: 'sample', model: 'tiny', sampler: 'ddim', steps: 4, eta: 0, seed: 1, classIndex: 0, guidance: 2, batch: 1, tapEvery: 1, ...over });

describe('engine host', () => {
  it('init, load and run: progress, a measured backend, frames and one result; no tensor left behind by jobs', async () => {
    const { host, of } = setup();
    await host.handle({ type: 'init', candidates: ['webgl', 'wasm', 'cpu'], override: null });
    await host.handle({ type: 'load', id: 1, model: 'tiny', url: URL_BASE });
    await host.idle();
    expect(of('load-progress').at(-1)).toMatchObject({ id: 1, loaded: 2 * countParams(unet.config), total: 2 * countParams(unet.config) });
    const ready = of('ready');
    expect(ready).toHaveLength(2); // started at once, then measured on the model
    expect(ready[1].timings.map((t) => t.backend)).toEqual(['webgl', 'wasm']); // cpu: only if both fail
    expect(ready[1].msPerRun).toBeGreaterThan(0);
    expect(of('loaded')).toEqual([{ type: 'loaded', id: 1, model: 'tiny', paramCount: countParams(unet.config), fromCache: false, role: 'base' }]);
    const before = tf.memory().numTensors;
    await host.handle({ type: 'run', id: 2, channel: 'reverse', job: job() });
    await host.idle();
    expect(of('progress').map((m) => m.frame.i)).toEqual([0, 1, 2, 3]);
    expect(of('result')).toHaveLength(1);
    expect(of('result')[0].shape).toEqual([1, 16, 16, 3]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('with WebGL ruled out (a software renderer) the first job does not wait for timings: wasm at once, timed after the job', async () => {
    const { host, of, state } = setup(['webgl', 'wasm', 'cpu'], true, (name) => (name === 'webgl' ? 'WebGL runs on a software renderer (test)' : null));
    await host.handle({ type: 'init', candidates: ['wasm', 'webgl', 'cpu'], override: null });
    await host.handle({ type: 'load', id: 1, model: 'tiny', url: URL_BASE });
    await host.idle();
    expect(state.activations).not.toContain('webgl');
    expect(of('ready').at(-1)).toEqual({
      type: 'ready', backend: 'wasm', msPerRun: null, firstRunMs: null, warmUpMs: null, overridden: false,
      timings: [{ backend: 'wasm', ms: null }, { backend: 'webgl', ms: null, error: 'WebGL runs on a software renderer (test)' }],
    });
    const before = tf.memory().numTensors;
    await host.handle({ type: 'run', id: 2, channel: 'reverse', job: job() });
    await host.idle();
    expect(of('result')).toHaveLength(1);
    const timed = of('ready').at(-1)!;
    expect(timed).toMatchObject({ backend: 'wasm', firstRunMs: null, timings: [{ backend: 'wasm' }, { backend: 'webgl', ms: null }] });
    expect(timed.msPerRun).toBeGreaterThan(0);
    expect(timed.timings[0].ms).toBe(timed.msPerRun);
    expect(tf.memory().numTensors).toBe(before);
    // Timed once: a second job reports nothing new.
    const reports = of('ready').length;
    await host.handle({ type: 'run', id: 3, channel: 'reverse', job: job({ seed: 2 }) });
    await host.idle();
    expect(of('ready')).toHaveLength(reports);
  });

  it('three runs back to back on one channel deliver only the last; the others are cancelled', async () => {
    const { host, of } = setup(['cpu']);
    await host.handle({ type: 'load', id: 1, model: 'tiny', url: URL_BASE });
    await host.idle();
    const before = tf.memory().numTensors;
    for (const id of [2, 3, 4]) void host.handle({ type: 'run', id, channel: 'w', job: job({ seed: id, steps: 10 }) });
    await host.idle();
    expect(of('result').map((m) => m.id)).toEqual([4]);
    expect(of('error').map((m) => [m.id, m.code]).sort()).toEqual([
      [2, 'cancelled'],
      [3, 'cancelled'],
    ]);
    expect(new Set(of('progress').map((m) => m.id))).toEqual(new Set([4]));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a run that arrives as a later message (a task, as in a worker) still supersedes the one in flight', async () => {
    const { host, of } = setup(['cpu']);
    await host.handle({ type: 'load', id: 1, model: 'tiny', url: URL_BASE });
    await host.idle();
    void host.handle({ type: 'run', id: 2, channel: 'w', job: job({ steps: 50 }) });
    // the next message is dispatched as a macrotask, after job 2 has started computing
    await new Promise((resolve) => setTimeout(resolve, 5));
    void host.handle({ type: 'run', id: 3, channel: 'w', job: job({ steps: 2 }) });
    await host.idle();
    expect(of('result').map((m) => m.id)).toEqual([3]);
    expect(of('error').map((m) => [m.id, m.code])).toEqual([[2, 'cancelled']]);
    expect(of('progress').filter((m) => m.id === 2).length).toBeLessThan(50);
  });

  it('a missing model folder is model-missing; a run on a model never loaded too; bad jobs and junk are refused', async () => {
    const { host, of, messages } = setup(['cpu']);
    await host.handle({ type: 'load', id: 1, model: 'gone', url: 'https://course.test/models/gone/' });
    await host.handle({ type: 'run', id: 2, channel: 'w', job: job({ model: 'gone' }) });
    await host.handle({ type: 'run', id: 3, channel: 'v', job: job({ steps: -1 }) });
    await host.handle({ type: 'self-destruct' });
    await host.handle('hello');
    await host.idle();
    expect(of('error').map((m) => [m.id, m.code]).sort()).toEqual([
      [1, 'model-missing'],
      [2, 'model-missing'],
      [3, 'backend-failed'],
    ]);
    expect(messages.filter((m) => m.type !== 'error' && m.type !== 'ready')).toEqual([]);
  });

  it('a lost WebGL context is reported as context-lost, the engine moves to the next backend and keeps working', async () => {
    const { host, of, state } = setup();
    await host.handle({ type: 'init', candidates: ['webgl', 'wasm', 'cpu'], override: 'webgl' });
    await host.handle({ type: 'load', id: 1, model: 'tiny', url: URL_BASE });
    await host.idle();
    expect(host.backend()).toBe('webgl');
    state.lost = true;
    // the fault: the context is gone and the next job throws (here from a bad class index, standing in
    // for the kernel error a dead context raises); the host must see the lost context, not the throw
    const lostJob = job({ classIndex: 99 });
    await host.handle({ type: 'run', id: 2, channel: 'w', job: lostJob });
    await host.idle();
    state.lost = false;
    expect(of('error').map((m) => [m.id, m.code])).toEqual([[2, 'context-lost']]);
    expect(host.backend()).not.toBe('webgl');
    expect(of('ready').at(-1)?.backend).not.toBe('webgl');
    await host.handle({ type: 'run', id: 3, channel: 'w', job: job() });
    await host.idle();
    expect(of('result').map((m) => m.id)).toEqual([3]);
  });

  it('with no backend able to start, load reports backend-failed', async () => {
    const { host, of } = setup([]);
    await host.handle({ type: 'load', id: 1, model: 'tiny', url: URL_BASE });
    await host.idle();
    expect(of('error').map((m) => [m.id, m.code])).toEqual([[1, 'backend-failed']]);
  });

  it('a forced NaN fails the next job with nan-output and nothing else: the job after it delivers, no tensor left', async () => {
    const { host, of } = setup(['wasm', 'cpu']);
    await host.handle({ type: 'load', id: 1, model: 'tiny', url: URL_BASE });
    await host.idle();
    const before = tf.memory().numTensors;
    await host.handle({ type: 'fault', id: 2, kind: 'nan' });
    expect(of('fault-set')).toEqual([{ type: 'fault-set', id: 2, kind: 'nan' }]);
    await host.handle({ type: 'run', id: 3, channel: 'w', job: job() });
    await host.idle();
    expect(of('error').map((m) => [m.id, m.code])).toEqual([[3, 'nan-output']]);
    expect(of('progress').filter((m) => m.id === 3)).toEqual([]); // stopped at the first frame, before sending it
    expect(tf.memory().numTensors).toBe(before);
    await host.handle({ type: 'run', id: 4, channel: 'w', job: job() });
    await host.idle();
    expect(of('result').map((m) => m.id)).toEqual([4]);
    expect(host.backend()).toBe('wasm'); // NaN on wasm is the model's, not the backend's: no switch
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a NaN aimed at a channel spares the other widgets\' jobs and hits that channel\'s next one', async () => {
    const { host, of } = setup(['wasm']);
    await host.handle({ type: 'load', id: 1, model: 'tiny', url: URL_BASE });
    await host.handle({ type: 'fault', id: 2, kind: 'nan', channel: 'main' });
    await host.handle({ type: 'run', id: 3, channel: 'side', job: job() });
    await host.idle();
    await host.handle({ type: 'run', id: 4, channel: 'main', job: job() });
    await host.idle();
    await host.handle({ type: 'run', id: 5, channel: 'main', job: job() });
    await host.idle();
    expect(of('result').map((m) => m.id)).toEqual([3, 5]);
    expect(of('error').map((m) => [m.id, m.code])).toEqual([[4, 'nan-output']]);
  });

  it('a forced NaN with frames off is caught at the first step, on the network output itself', async () => {
    // (x̂₀ is clipped and ε̂ re-derived from it; wasm's clamp turns NaN into −1, so only the raw output tells)
    const { host, of } = setup(['wasm']);
    await host.handle({ type: 'load', id: 1, model: 'tiny', url: URL_BASE });
    await host.idle();
    const before = tf.memory().numTensors;
    await host.handle({ type: 'fault', id: 2, kind: 'nan' });
    await host.handle({ type: 'run', id: 3, channel: 'w', job: job({ tapEvery: 0 }) });
    await host.idle();
    expect(of('error').map((m) => [m.id, m.code, m.detail])).toEqual([[3, 'nan-output', 'step 1/4 (t = 1000): the network output NaN or Infinity']]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a forced context loss on WebGL loses the context for real: the next job fails with context-lost, the models move on', async () => {
    const { host, of, state } = setup();
    await host.handle({ type: 'init', candidates: ['webgl', 'wasm', 'cpu'], override: 'webgl' });
    await host.handle({ type: 'load', id: 1, model: 'tiny', url: URL_BASE });
    await host.idle();
    await host.handle({ type: 'fault', id: 2, kind: 'context-lost' });
    await host.idle();
    expect(state.lost).toBe(true);
    expect(of('fault-set').map((m) => m.kind)).toEqual(['context-lost']);
    await host.handle({ type: 'run', id: 3, channel: 'w', job: job() });
    await host.idle();
    state.lost = false; // the dead context belongs to the demoted backend
    expect(of('error').map((m) => [m.id, m.code])).toEqual([[3, 'context-lost']]);
    expect(host.backend()).toBe('wasm');
    expect(of('ready').at(-1)).toMatchObject({ backend: 'wasm', warmUpMs: null });
    await host.handle({ type: 'run', id: 4, channel: 'w', job: job() });
    await host.idle();
    expect(of('result').map((m) => m.id)).toEqual([4]);
  });

  it('off WebGL (or without WEBGL_lose_context) the loss is simulated down the same path, the backend kept', async () => {
    const { host, of, state } = setup(['wasm', 'cpu'], false);
    await host.handle({ type: 'load', id: 1, model: 'tiny', url: URL_BASE });
    await host.idle();
    const readies = of('ready').length;
    const before = tf.memory().numTensors;
    await host.handle({ type: 'fault', id: 2, kind: 'context-lost' });
    await host.handle({ type: 'run', id: 3, channel: 'w', job: job() });
    await host.idle();
    expect(state.lost).toBe(false);
    expect(of('error').map((m) => [m.id, m.code])).toEqual([[3, 'context-lost']]);
    expect(of('ready').length).toBe(readies + 1); // models reloaded and re-measured
    expect(host.backend()).toBe('wasm');
    expect(tf.memory().numTensors).toBe(before); // the old weights freed, the same number loaded again
    await host.handle({ type: 'run', id: 4, channel: 'w', job: job() });
    await host.idle();
    expect(of('result').map((m) => m.id)).toEqual([4]);
  });

  it('a forced crash goes to the crash hook (in a worker: an uncaught error) and answers nothing', async () => {
    const { host, state, messages } = setup(['wasm']);
    await host.handle({ type: 'fault', id: 7, kind: 'crash' });
    expect(state.crashes).toEqual(['forced crash (request 7)']);
    expect(messages).toEqual([]);
    const bare = createEngineHost({ postMessage: () => undefined }, { tf, caches: null, contextLost: () => false, activate: async () => undefined });
    await expect(bare.handle({ type: 'fault', id: 8, kind: 'crash' })).rejects.toThrow('forced crash (request 8)');
  });

  it('WebGL warms the lesson-shaped job up before the model is reported loaded; wasm skips it', async () => {
    const gl = setup();
    await gl.host.handle({ type: 'init', candidates: ['webgl', 'wasm'], override: 'webgl' });
    await gl.host.handle({ type: 'load', id: 1, model: 'tiny', url: URL_BASE });
    await gl.host.idle();
    const types = gl.messages.map((m) => m.type);
    const ready = gl.of('ready').at(-1)!;
    expect(ready).toMatchObject({ backend: 'webgl', overridden: true });
    expect(ready.warmUpMs).toBeGreaterThan(0);
    expect(ready.firstRunMs).toBeGreaterThan(0);
    expect(types.lastIndexOf('ready')).toBeLessThan(types.indexOf('loaded'));
    const wasm = setup(['wasm']);
    await wasm.host.handle({ type: 'load', id: 1, model: 'tiny', url: URL_BASE });
    await wasm.host.idle();
    expect(wasm.of('ready').at(-1)).toMatchObject({ backend: 'wasm', warmUpMs: null });
  });

  it('an init asking for f16 textures reaches every activation from then on; without it tfjs decides', async () => {
    const { host, state } = setup();
    await host.handle({ type: 'init', candidates: ['webgl', 'wasm'], override: 'webgl' });
    await host.handle({ type: 'init', candidates: ['webgl', 'wasm'], override: 'webgl', f16Textures: true });
    await host.handle({ type: 'load', id: 1, model: 'tiny', url: URL_BASE });
    await host.idle();
    const first = state.f16.indexOf(true);
    expect(first).toBeGreaterThan(0); // the first init's activation came before the flag
    expect(state.f16.slice(first).every(Boolean)).toBe(true);
    expect(state.f16.slice(0, first).some(Boolean)).toBe(false);
  });

  it('memory reports the tensor count after the jobs in hand, the same after five runs', async () => {
    const { host, of } = setup(['wasm']);
    await host.handle({ type: 'load', id: 1, model: 'tiny', url: URL_BASE });
    await host.handle({ type: 'run', id: 2, channel: 'w', job: job() });
    void host.handle({ type: 'memory', id: 3 });
    await host.idle();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(of('result').map((m) => m.id)).toEqual([2]); // counted after the run, not during it
    const first = of('memory')[0];
    // heapBytes is read off tfjs's real wasm backend; these tests name cpu 'wasm', so there is no heap to report
    expect(first).toMatchObject({ id: 3, backend: 'wasm', numTensors: tf.memory().numTensors, heapBytes: null, gpu: null });
    for (let id = 4; id < 9; id++) {
      await host.handle({ type: 'run', id, channel: 'w', job: job({ seed: id }) });
      await host.idle();
    }
    await host.handle({ type: 'memory', id: 9 });
    expect(of('result')).toHaveLength(6);
    expect(of('memory')[1]).toMatchObject({ id: 9, numTensors: first.numTensors });
  });

  it('dispose frees the models and ignores later requests', async () => {
    const { host, of } = setup(['wasm']);
    await host.handle({ type: 'load', id: 1, model: 'tiny', url: URL_BASE });
    await host.idle();
    const loaded = tf.memory().numTensors;
    host.dispose();
    expect(tf.memory().numTensors).toBeLessThan(loaded);
    await host.handle({ type: 'run', id: 2, channel: 'w', job: job() });
    await host.idle();
    expect(of('result')).toEqual([]);
    expect(of('error')).toEqual([]);
  });
});
