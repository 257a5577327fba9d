// "Save the whole course": a model enters the engine's cache only verified and whole, under the keys
// the engine's loader reads, and a failed download leaves the previous copy untouched.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MODEL_CACHE } from '../../../src/lib/engine/model-cache';
import { fetchModelList, saveModel, webDigest } from '../../../src/lib/state/offline-save';

/** A Cache API stand-in: one Map per cache name, keyed by URL path. */
function fakeCaches() {
  const stores = new Map<string, Map<string, Response>>();
  const open = async (name: string) => {
    const store = stores.get(name) ?? new Map<string, Response>();
    stores.set(name, store);
    return {
      match: async (key: string) => store.get(key)?.clone(),
      put: async (key: string, response: Response) => void store.set(key, response),
    } as unknown as Cache;
  };
  return { caches: { open } as unknown as CacheStorage, stores };
}

const weights = new Uint8Array([1, 2, 3, 4, 5]);
const sha = createHash('sha256').update(weights).digest('hex');
const manifest = JSON.stringify({ name: 'm', weightsFile: 'weights.bin', weightsSha256: sha });

function server(files: Record<string, Uint8Array | string | number>): typeof fetch {
  return (async (url: string) => {
    const body = files[url];
    if (body === undefined || typeof body === 'number') return new Response('missing', { status: typeof body === 'number' ? body : 404 });
    return new Response(body as BodyInit);
  }) as typeof fetch;
}

describe('saveModel', () => {
  it('stores the manifest and the verified weights under the paths the loader reads', async () => {
    const { caches, stores } = fakeCaches();
    const fetch = server({ '/models/m/manifest.json': manifest, '/models/m/weights.bin': weights });
    let bytes = 0;
    expect(await saveModel('m', { fetch, caches, digest: webDigest }, (n) => (bytes += n))).toBe('saved');
    const store = stores.get(MODEL_CACHE)!;
    expect(await store.get('/models/m/manifest.json')!.clone().text()).toBe(manifest);
    expect(new Uint8Array(await store.get('/models/m/weights.bin')!.clone().arrayBuffer())).toEqual(weights);
    expect(bytes).toBe(manifest.length + weights.length);
    expect(await saveModel('m', { fetch, caches, digest: webDigest })).toBe('kept');
  });

  it('stores nothing when the weights are missing or do not match the manifest', async () => {
    const { caches, stores } = fakeCaches();
    await expect(saveModel('m', { fetch: server({ '/models/m/manifest.json': manifest }), caches, digest: webDigest })).rejects.toThrow(/HTTP 404/);
    const wrong = server({ '/models/m/manifest.json': manifest, '/models/m/weights.bin': new Uint8Array([9]) });
    await expect(saveModel('m', { fetch: wrong, caches, digest: webDigest })).rejects.toThrow(/SHA-256/);
    expect(stores.get(MODEL_CACHE)?.size ?? 0).toBe(0);
  });

  it('keeps the previous copy when a retrained model fails to download', async () => {
    const { caches, stores } = fakeCaches();
    await saveModel('m', { fetch: server({ '/models/m/manifest.json': manifest, '/models/m/weights.bin': weights }), caches, digest: webDigest });
    const retrained = JSON.stringify({ name: 'm', weightsFile: 'weights.bin', weightsSha256: 'f'.repeat(64) });
    await expect(saveModel('m', { fetch: server({ '/models/m/manifest.json': retrained, '/models/m/weights.bin': 503 }), caches, digest: webDigest })).rejects.toThrow(/HTTP 503/);
    expect(await stores.get(MODEL_CACHE)!.get('/models/m/manifest.json')!.clone().text()).toBe(manifest);
  });
});

describe('fetchModelList', () => {
  it('reads the names and sizes of /models.json', async () => {
    const fetch = server({ '/models.json': JSON.stringify({ models: [{ name: 'base-64', bytes: 10 }, { name: 3 }] }) });
    expect(await fetchModelList(fetch)).toEqual([{ name: 'base-64', bytes: 10 }]);
  });
});
