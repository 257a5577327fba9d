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

/** A host whose backends are all tfjs-cpu under other names; `lost` simulates a dead WebGL context. */
function setup(available: EngineBackend[] = ['webgl', 'wasm', 'cpu']) {
  const messages: EngineResponse[] = [];
  const state = { lost: false, activations: [] as EngineBackend[] };
  const host = createEngineHost(
    { postMessage: (m) => messages.push(m) },
    {
      tf,
      fetch: fetcher,
      caches: null,
      contextLost: () => state.lost,
      activate: async (name) => {
        if (!available.includes(name)) throw new Error(`${name} unavailable`);
        state.activations.push(name);
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
    expect(of('loaded')).toEqual([{ type: 'loaded', id: 1, model: 'tiny', paramCount: countParams(unet.config), fromCache: false }]);
    const before = tf.memory().numTensors;
    await host.handle({ type: 'run', id: 2, channel: 'reverse', job: job() });
    await host.idle();
    expect(of('progress').map((m) => m.frame.i)).toEqual([0, 1, 2, 3]);
    expect(of('result')).toHaveLength(1);
    expect(of('result')[0].shape).toEqual([1, 16, 16, 3]);
    expect(tf.memory().numTensors).toBe(before);
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
});
