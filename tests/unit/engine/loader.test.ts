// The model loader against a fake server and a fake Cache API: byte progress, checksum, offline copies,
// and the error code for each failure (missing → model-missing, damaged → model-corrupt).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRng } from '../../../src/lib/math/rng';
import { countParams, flopsTable } from '../../../src/lib/models/count';
import { MANIFEST_VERSION, type Manifest } from '../../../src/lib/models/manifest';
import { buildUNet } from '../../../src/lib/models/unet';
import { encodeWeights } from '../../../src/lib/models/weights';
import { expectedBytes, fetchModel, MODEL_CACHE, type LoadProgress } from '../../../src/lib/engine/loader';
import { EngineError } from '../../../src/lib/engine/protocol';

const unet = buildUNet({ baseChannels: 8, channelMults: [1, 2], groups: 4, timeFeatures: 16, classes: 2 });
const BASE = 'https://course.test/models/tiny/';

async function exported(seed: number): Promise<{ json: string; bin: Uint8Array; manifest: Manifest }> {
  const enc = await encodeWeights(unet.init(makeRng(seed)), unet.specs);
  const manifest: Manifest = {
    formatVersion: MANIFEST_VERSION, name: 'tiny', architecture: 'unet', config: unet.config, weightsFile: 'weights.bin',
    weights: enc.specs, weightsSha256: enc.sha256, paramCount: countParams(unet.config), flops: flopsTable(unet.config, [[16, 16]]),
    data: { description: 'unit test', details: { schedule: 'cosine', T: 1000, resolution: 16, prediction: 'eps' } },
    steps: 0, wallTimeSeconds: 0, machine: 'vitest', lossCurve: [], evaluation: {}, commit: 'abc', createdAt: new Date(0).toISOString(),
  };
  return { json: JSON.stringify(manifest), bin: enc.bin, manifest };
}

/** A server of fixed files; bodies stream in 1000-byte chunks so progress has several steps. */
function fakeServer(files: Record<string, string | Uint8Array>, opts: { offline?: boolean; contentLength?: boolean } = {}) {
  const requests: string[] = [];
  const fetcher = (async (input: RequestInfo | URL) => {
    const url = String(input);
    requests.push(url);
    if (opts.offline) throw new TypeError('Failed to fetch');
    const body = files[url.slice(BASE.length)];
    if (body === undefined) return new Response('not found', { status: 404 });
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 1000) c.enqueue(bytes.slice(i, i + 1000));
        c.close();
      },
    });
    const headers: Record<string, string> = opts.contentLength === false ? {} : { 'content-length': String(bytes.length) };
    return new Response(stream, { headers });
  }) as typeof fetch;
  return { fetcher, requests };
}

/** The part of the Cache API the loader uses, over a Map. */
function fakeCaches() {
  const store = new Map<string, ArrayBuffer>();
  const cache = {
    match: async (key: string) => (store.has(key) ? new Response(store.get(key)!.slice(0)) : undefined),
    put: async (key: string, r: Response) => void store.set(key, await r.arrayBuffer()),
    delete: async (key: string) => store.delete(key),
  };
  const opened: string[] = [];
  const caches = { open: async (name: string) => (opened.push(name), cache) } as unknown as CacheStorage;
  return { caches, store, opened };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(EngineError);
  return (e as EngineError).code;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('fetchModel', () => {
  it('loads a model with rising byte progress ending at the manifest size, then caches both files', async () => {
    const { json, bin } = await exported(1);
    const server = fakeServer({ 'manifest.json': json, 'weights.bin': bin });
    const { caches, store, opened } = fakeCaches();
    const progress: LoadProgress[] = [];
    const before = tf.memory().numTensors;
    const out = await fetchModel(BASE, { fetch: server.fetcher, caches, onProgress: (p) => progress.push(p) });
    expect(out.fromCache).toBe(false);
    expect(out.manifest.name).toBe('tiny');
    expect(Object.keys(out.model.weights)).toHaveLength(unet.specs.length);
    expect(tf.memory().numTensors).toBe(before + unet.specs.length);
    tf.dispose(Object.values(out.model.weights));
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.at(-1)).toEqual({ loaded: bin.length, total: bin.length });
    expect(progress.every((p, i) => i === 0 || p.loaded >= progress[i - 1].loaded)).toBe(true);
    expect(opened).toEqual([MODEL_CACHE]);
    expect([...store.keys()].sort()).toEqual([`${BASE}manifest.json`, `${BASE}weights.bin`]);
    expect(new Uint8Array(store.get(`${BASE}weights.bin`)!)).toEqual(bin);
  });

  it('offline, a cached model loads from the cache without downloading weights', async () => {
    const { json, bin } = await exported(2);
    const { caches } = fakeCaches();
    const online = await fetchModel(BASE, { fetch: fakeServer({ 'manifest.json': json, 'weights.bin': bin }).fetcher, caches });
    tf.dispose(Object.values(online.model.weights));
    const offline = fakeServer({}, { offline: true });
    const again = await fetchModel(BASE, { fetch: offline.fetcher, caches });
    expect(again.fromCache).toBe(true);
    expect(offline.requests).toEqual([`${BASE}manifest.json`]);
    tf.dispose(Object.values(again.model.weights));
  });

  it('a retrained model (new checksum in the manifest) replaces the cached weights', async () => {
    const old = await exported(3);
    const fresh = await exported(4);
    const { caches, store } = fakeCaches();
    tf.dispose(Object.values((await fetchModel(BASE, { fetch: fakeServer({ 'manifest.json': old.json, 'weights.bin': old.bin }).fetcher, caches })).model.weights));
    const server = fakeServer({ 'manifest.json': fresh.json, 'weights.bin': fresh.bin });
    const out = await fetchModel(BASE, { fetch: server.fetcher, caches });
    expect(out.fromCache).toBe(false);
    expect(server.requests).toContain(`${BASE}weights.bin`);
    expect(new Uint8Array(store.get(`${BASE}weights.bin`)!)).toEqual(fresh.bin);
    tf.dispose(Object.values(out.model.weights));
  });

  it('works without a Cache API and without Content-Length', async () => {
    const { json, bin } = await exported(5);
    const out = await fetchModel(BASE.slice(0, -1), { fetch: fakeServer({ 'manifest.json': json, 'weights.bin': bin }, { contentLength: false }).fetcher, caches: null });
    expect(out.fromCache).toBe(false);
    tf.dispose(Object.values(out.model.weights));
  });

  it('a cache that throws on open is skipped silently', async () => {
    const { json, bin } = await exported(5);
    const broken = { open: () => Promise.reject(new Error('SecurityError')) } as unknown as CacheStorage;
    const out = await fetchModel(BASE, { fetch: fakeServer({ 'manifest.json': json, 'weights.bin': bin }).fetcher, caches: broken });
    expect(out.fromCache).toBe(false);
    expect(Object.keys(out.model.weights)).toHaveLength(unet.specs.length);
    tf.dispose(Object.values(out.model.weights));
  });

  it('a missing manifest or weight file, or no network and no cache, is model-missing', async () => {
    const { json } = await exported(6);
    expect(await codeOf(fetchModel(BASE, { fetch: fakeServer({}).fetcher, caches: null }))).toBe('model-missing');
    expect(await codeOf(fetchModel(BASE, { fetch: fakeServer({ 'manifest.json': json }).fetcher, caches: null }))).toBe('model-missing');
    expect(await codeOf(fetchModel(BASE, { fetch: fakeServer({}, { offline: true }).fetcher, caches: fakeCaches().caches }))).toBe('model-missing');
  });

  it('a flipped byte, a truncated file or a bad manifest is model-corrupt, and leaves nothing cached', async () => {
    const { json, bin } = await exported(7);
    const flipped = bin.slice();
    flipped[100] ^= 0xff;
    const { caches, store } = fakeCaches();
    const before = tf.memory().numTensors;
    expect(await codeOf(fetchModel(BASE, { fetch: fakeServer({ 'manifest.json': json, 'weights.bin': flipped }).fetcher, caches }))).toBe('model-corrupt');
    expect(await codeOf(fetchModel(BASE, { fetch: fakeServer({ 'manifest.json': json, 'weights.bin': bin.slice(0, 500) }, { contentLength: false }).fetcher, caches }))).toBe('model-corrupt');
    expect(await codeOf(fetchModel(BASE, { fetch: fakeServer({ 'manifest.json': json, 'weights.bin': bin.slice(0, 500) }).fetcher, caches }))).toBe('model-corrupt');
    expect(await codeOf(fetchModel(BASE, { fetch: fakeServer({ 'manifest.json': '{"formatVersion": 1', 'weights.bin': bin }).fetcher, caches }))).toBe('model-corrupt');
    expect(store.size).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a damaged cached copy is discarded and fetched again', async () => {
    const { json, bin } = await exported(8);
    const { caches, store } = fakeCaches();
    const damaged = bin.slice();
    damaged[7] ^= 1;
    store.set(`${BASE}weights.bin`, damaged.buffer);
    const server = fakeServer({ 'manifest.json': json, 'weights.bin': bin });
    const out = await fetchModel(BASE, { fetch: server.fetcher, caches });
    expect(out.fromCache).toBe(false);
    expect(new Uint8Array(store.get(`${BASE}weights.bin`)!)).toEqual(bin);
    tf.dispose(Object.values(out.model.weights));
  });

  it('an aborted load is cancelled, not missing', async () => {
    const { json } = await exported(9);
    const controller = new AbortController();
    controller.abort();
    const fetcher = (async (_u: RequestInfo | URL, init?: RequestInit) => {
      init?.signal?.throwIfAborted();
      return new Response(json);
    }) as typeof fetch;
    expect(await codeOf(fetchModel(BASE, { fetch: fetcher, caches: null, signal: controller.signal }))).toBe('cancelled');
  });

  it('expectedBytes is the end of the last float16 tensor', async () => {
    const { manifest, bin } = await exported(1);
    expect(expectedBytes(manifest)).toBe(bin.length);
    expect(bin.length).toBe(2 * countParams(unet.config));
  });
});
