// Models arriving while the cascade runs (src/lib/engine/arrivals.ts, worker.ts): downloads go one at a
// time in the order asked; a cascade job starts its first stage as soon as the base model is in and waits
// at each later stage for that stage's model; a later model that fails to load ends the job with a message
// naming it, after the earlier stages were sent. Tiny random models (16 → 32 → 64), cpu kernels.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CascadeJob } from '../../../src/lib/engine/cascade-job';
import type { EngineResponse } from '../../../src/lib/engine/protocol';
import { createEngineHost } from '../../../src/lib/engine/worker';
import { tinyBaseConfig, tinySrConfig } from '../pipelines/cascade-models';
import { MODELS_URL, modelFiles, serve } from './cascade-files';

const NAMES = ['base', 'up32', 'up64'] as const;

/** A promise and the function that resolves it (Node 20 has no Promise.withResolvers). */
function gate(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => undefined as void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
let folders: Record<string, Record<string, string | Uint8Array>>;

beforeAll(async () => {
  await tf.setBackend('cpu');
  folders = {
    base: await modelFiles('base', tinyBaseConfig, 1),
    up32: await modelFiles('up32', tinySrConfig(32, 2), 2),
    up64: await modelFiles('up64', tinySrConfig(64, 2), 3),
  };
}, 120_000);

/** Tensors a model folder makes: its net's weights and its predictor's. */
const tensorsOf = (name: string): number => {
  const m = JSON.parse(folders[name]['manifest.json'] as string) as { weights: unknown[]; predictorWeights?: unknown[] };
  return m.weights.length + (m.predictorWeights?.length ?? 0);
};

/**
 * A host whose weight downloads are recorded (start order, most at once) and held back per model until
 * `release(name)`; `missing` models answer 404 for their weights.
 */
function setup(held: string[], missing: string[] = []) {
  const inner = serve(Object.fromEntries(Object.entries(folders).map(([n, f]) => [n, missing.includes(n) ? { 'manifest.json': f['manifest.json'] } : f])));
  const gates = new Map(held.map((n) => [n, gate()]));
  const log = { started: [] as string[], open: 0, most: 0 };
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (!url.endsWith('weights.bin')) return inner(input, init);
    const name = url.slice(MODELS_URL.length).split('/')[0];
    log.started.push(name);
    log.most = Math.max(log.most, ++log.open);
    try {
      await gates.get(name)?.promise;
      const response = await inner(input, init);
      return new Response(await response.arrayBuffer(), { status: response.status }); // the body read before `open` drops
    } finally {
      log.open--;
    }
  }) as typeof fetch;
  const messages: EngineResponse[] = [];
  const host = createEngineHost({ postMessage: (m) => messages.push(m) }, { tf, fetch: fetcher, caches: null, contextLost: () => false, activate: async () => void (await tf.setBackend('cpu')) });
  const of = <T extends EngineResponse['type']>(type: T, id?: number) =>
    messages.filter((m): m is Extract<EngineResponse, { type: T }> => m.type === type && (id === undefined || ('id' in m && m.id === id)));
  const until = async (what: () => boolean): Promise<void> => {
    for (let i = 0; !what(); i++) {
      if (i > 6000) throw new Error('timed out waiting');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const start = async () => {
    await host.handle({ type: 'init', candidates: ['wasm'], override: null });
    for (const [i, name] of NAMES.entries()) void host.handle({ type: 'load', id: 100 + i, model: name, url: `${MODELS_URL}${name}/` });
    await until(() => of('loaded', 100).length === 1);
  };
  return { host, of, until, start, log, release: (name: string) => gates.get(name)?.resolve() };
}

const job = (): CascadeJob => ({ kind: 'cascade', base: 'base', sr: ['up32', 'up64'], seed: 5, classIndex: 1, guidance: 2, steps: [3, 2, 2], aug: [0.1, 0], send: [0, 1, 2], previewEvery: 0 });
const bytes = (a: Float32Array | undefined) => Buffer.from(a!.buffer, a!.byteOffset, a!.byteLength);

describe('models arriving during a cascade', () => {
  it('runs the 64² stage while sr-256 downloads, waits for each later model, and gives the chain of a run with every model in', async () => {
    const late = setup(['up32']);
    await late.start();
    const before = tf.memory().numTensors;
    await late.host.handle({ type: 'run', id: 1, channel: 'cascade', job: job() });
    await late.until(() => late.of('stage', 1).length === 1);
    // The first stage is out while up32's weights are still held back, and up64 has not started downloading.
    expect(late.of('loaded').map((m) => m.model)).toEqual(['base']);
    expect(late.log.started).toEqual(['base', 'up32']);
    late.release('up32');
    await late.host.idle();
    expect(late.of('error')).toEqual([]);
    expect(late.of('stage', 1).map((m) => m.stage.stage)).toEqual([0, 1, 2]);
    expect(late.of('loaded').map((m) => m.model)).toEqual(['base', 'up32', 'up64']);
    expect(late.log).toMatchObject({ started: ['base', 'up32', 'up64'], most: 1 }); // one download at a time, in order
    // The job left nothing behind but the two models it waited for.
    expect(tf.memory().numTensors).toBe(before + tensorsOf('up32') + tensorsOf('up64'));

    // The same job on a host that had every model before it started: the same images, bit for bit.
    const early = setup([]);
    await early.start();
    await early.host.idle();
    await early.host.handle({ type: 'run', id: 1, channel: 'cascade', job: job() });
    await early.host.idle();
    const images = (s: typeof late) => s.of('stage', 1).map((m) => m.stage.image);
    images(early).forEach((image, i) => expect(bytes(image).equals(bytes(images(late)[i]))).toBe(true));
    early.host.dispose();
    late.host.dispose();
  }, 120_000);

  it('a later model that fails to load ends the job with its name and reason, after the earlier stages were sent', async () => {
    const s = setup([], ['up64']);
    await s.start();
    await s.until(() => s.of('loaded', 101).length === 1 && s.of('error', 102).length === 1);
    const before = tf.memory().numTensors;
    await s.host.handle({ type: 'run', id: 1, channel: 'cascade', job: job() });
    await s.host.idle();
    expect(s.of('stage', 1).map((m) => [m.stage.stage, m.stage.image?.length])).toEqual([[0, 16 * 16 * 3], [1, 32 * 32 * 3]]);
    const [error] = s.of('error', 1);
    expect(error.code).toBe('model-missing');
    expect(error.detail).toMatch(/^stage 2 needs the model "up64", which did not load: .*up64\/weights\.bin: HTTP 404/);
    expect(s.of('cascade-result')).toEqual([]);
    expect(tf.memory().numTensors).toBe(before); // up32 was in before the job; up64 never made a tensor
    s.host.dispose();
  }, 120_000);

  it('a failure that comes while the job waits for the model reaches the job too', async () => {
    const s = setup(['up32'], ['up32']);
    await s.start();
    const before = tf.memory().numTensors;
    await s.host.handle({ type: 'run', id: 1, channel: 'cascade', job: job() });
    await s.until(() => s.of('stage', 1).length === 1);
    s.release('up32'); // answers 404 only now, with the job already waiting at stage 1
    await s.host.idle();
    expect(s.of('stage', 1).map((m) => m.stage.stage)).toEqual([0]);
    expect(s.of('error', 1)[0].detail).toMatch(/^stage 1 needs the model "up32", which did not load/);
    expect(s.of('error', 101)[0].code).toBe('model-missing'); // and the load itself says so to the page
    expect(tf.memory().numTensors).toBe(before + tensorsOf('up64')); // up64 still arrived after it
    s.host.dispose();
  }, 120_000);
});

describe('models asked for before the page asks (prefetch: engine-start.js, inlined in the head)', () => {
  it('a prefetched model downloads once, in order; the load that comes later takes it over with its progress', async () => {
    const s = setup(['base']);
    await s.host.handle({ type: 'prefetch', urls: [`${MODELS_URL}base/`, `${MODELS_URL}up32/`] });
    await s.until(() => s.log.started.length === 1);
    await s.host.handle({ type: 'init', candidates: ['wasm'], override: null });
    for (const [i, name] of NAMES.entries()) void s.host.handle({ type: 'load', id: 100 + i, model: name, url: `${MODELS_URL}${name}/` });
    s.release('base');
    await s.host.idle();
    expect(s.of('error')).toEqual([]);
    expect(s.of('loaded').map((m) => m.model)).toEqual(['base', 'up32', 'up64']);
    expect(s.log).toMatchObject({ started: ['base', 'up32', 'up64'], most: 1 }); // each once, one at a time
    const last = s.of('load-progress', 100).at(-1)!;
    expect(last.loaded).toBe(last.total); // the progress reached the load that took the download over
    s.host.dispose();
  }, 120_000);

  it('a prefetch that failed fails the load that takes it over; asking again downloads afresh', async () => {
    const s = setup([], ['base']);
    await s.host.handle({ type: 'prefetch', urls: [`${MODELS_URL}base/`] });
    await s.until(() => s.log.started.length === 1);
    await s.host.handle({ type: 'load', id: 1, model: 'base', url: `${MODELS_URL}base/` });
    await s.host.idle();
    expect(s.of('error', 1)[0].code).toBe('model-missing');
    await s.host.handle({ type: 'load', id: 2, model: 'base', url: `${MODELS_URL}base/` });
    await s.host.idle();
    expect(s.log.started).toEqual(['base', 'base']);
    s.host.dispose();
  }, 120_000);
});
