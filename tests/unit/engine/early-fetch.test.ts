// The worker entry's early downloads (src/lib/engine/early-fetch.ts, worker-entry.ts): a prefetch starts
// the first model's manifest, then its weights unless the model cache holds them, before the engine has
// loaded; the engine's fetch takes each early response once and the network after that; the entry hands
// the engine every message in order, those that came before it loaded included, and says so when the
// engine cannot load.
import { describe, expect, it } from 'vitest';
import { earlyFetch } from '../../../src/lib/engine/early-fetch';
import { MODEL_CACHE } from '../../../src/lib/engine/model-cache';
import { firstWeightsFromName, prefetchFromName, serveEntry } from '../../../src/lib/engine/worker-entry';

const MANIFEST = '/models/base-64/manifest.json';
const WEIGHTS = '/models/base-64/weights.bin';

/** A fetch that answers from `files` (404 otherwise) and records every URL asked for. */
function network(files: Record<string, string>): { fetch: typeof fetch; asked: string[] } {
  const asked: string[] = [];
  const fetcher = (async (input: RequestInfo | URL) => {
    const url = String(input);
    asked.push(url);
    return url in files ? new Response(files[url]) : new Response('missing', { status: 404 });
  }) as typeof fetch;
  return { fetch: fetcher, asked };
}

/** Lets pending promise callbacks run. */
const settle = () => new Promise((r) => setTimeout(r, 0));

/** A CacheStorage holding `urls` in the model cache only. */
function cacheWith(urls: string[]): CacheStorage {
  const store = { match: async (u: string) => (urls.includes(u) ? new Response('cached') : undefined) };
  return { open: async (name: string) => (name === MODEL_CACHE ? store : { match: async () => undefined }) } as unknown as CacheStorage;
}

describe('early fetch of the first model', () => {
  it('starts the manifest, then the weights it names; each early response is handed over once', async () => {
    const net = network({ [MANIFEST]: JSON.stringify({ weightsFile: 'weights.bin' }), [WEIGHTS]: 'bytes' });
    const early = earlyFetch(net.fetch, null);
    early.start('/models/base-64/');
    early.start('/models/base-64/'); // asked twice: still one download
    await settle();
    expect(net.asked).toEqual([MANIFEST, WEIGHTS]);
    expect(await (await early.fetch(MANIFEST)).text()).toContain('weights.bin'); // the early body, whole after the clone
    expect(await (await early.fetch(WEIGHTS)).text()).toBe('bytes');
    expect(net.asked).toEqual([MANIFEST, WEIGHTS]); // both came from the early downloads
    await early.fetch(WEIGHTS);
    expect(net.asked).toEqual([MANIFEST, WEIGHTS, WEIGHTS]); // a second ask goes to the network
  });

  it('with the weights file named by the page, starts the weights beside the manifest, not after it', async () => {
    let answer = (): void => undefined;
    const slowManifest = new Promise<void>((r) => (answer = r));
    const asked: string[] = [];
    const fetcher = (async (input: RequestInfo | URL) => {
      const url = String(input);
      asked.push(url);
      if (url === MANIFEST) await slowManifest; // the manifest has not arrived
      return new Response(url === MANIFEST ? JSON.stringify({ weightsFile: 'weights.bin' }) : 'bytes');
    }) as typeof fetch;
    const early = earlyFetch(fetcher, null);
    early.start('/models/base-64/', 'weights.bin');
    await settle();
    expect(asked).toEqual([MANIFEST, WEIGHTS]); // both asked before the manifest answered
    answer();
    expect(await (await early.fetch(WEIGHTS)).text()).toBe('bytes');
    expect(asked).toEqual([MANIFEST, WEIGHTS]);

    const cached = network({ [MANIFEST]: '{}' });
    earlyFetch(cached.fetch, cacheWith([WEIGHTS])).start('/models/base-64/', 'weights.bin');
    await settle();
    expect(cached.asked).toEqual([MANIFEST]); // weights in the model cache: still not downloaded
    const odd = network({ [MANIFEST]: JSON.stringify({ weightsFile: 'weights.bin' }) });
    earlyFetch(odd.fetch, null).start('/models/base-64/', '../secret');
    await settle();
    expect(odd.asked).toEqual([MANIFEST, WEIGHTS]); // an odd name is ignored: the manifest's is used
  });

  it('a loader that asks for the weights before their early download has started still gets that one download', async () => {
    const net = network({ [MANIFEST]: JSON.stringify({ weightsFile: 'weights.bin' }), [WEIGHTS]: 'bytes' });
    let opened = (): void => undefined;
    const slowCache = { open: () => new Promise((r) => (opened = () => r({ match: async () => undefined }))) } as unknown as CacheStorage;
    const early = earlyFetch(net.fetch, slowCache);
    early.start('/models/base-64');
    await (await early.fetch(MANIFEST)).text();
    const weights = early.fetch(WEIGHTS); // the model cache has not answered the early start yet
    await settle();
    opened();
    expect(await (await weights).text()).toBe('bytes');
    expect(net.asked).toEqual([MANIFEST, WEIGHTS]);
  });

  it('leaves weights the model cache holds, and a manifest that fails or names an odd file, to the loader', async () => {
    const cached = network({ [MANIFEST]: JSON.stringify({ weightsFile: 'weights.bin' }) });
    earlyFetch(cached.fetch, cacheWith([WEIGHTS])).start('/models/base-64/');
    await settle();
    expect(cached.asked).toEqual([MANIFEST]);

    const odd = network({ [MANIFEST]: JSON.stringify({ weightsFile: '../../secret' }) });
    earlyFetch(odd.fetch, null).start('/models/base-64/');
    await settle();
    expect(odd.asked).toEqual([MANIFEST]);

    const missing = network({});
    const early = earlyFetch(missing.fetch, null);
    early.start('/models/base-64/');
    await settle();
    expect(missing.asked).toEqual([MANIFEST]);
    expect((await early.fetch(MANIFEST)).status).toBe(404); // the loader sees the failure itself
  });
});

describe('the worker entry', () => {
  /** A worker scope that can be sent messages and records what is posted back. */
  function scope() {
    const listeners: ((e: MessageEvent) => void)[] = [];
    const posted: unknown[] = [];
    return {
      posted,
      send: (data: unknown) => listeners.forEach((l) => l({ data } as MessageEvent)),
      port: { name: undefined as string | undefined, addEventListener: (_: 'message', l: (e: MessageEvent) => void) => void listeners.push(l), postMessage: (m: unknown) => void posted.push(m) },
    };
  }

  it('prefetches the first model at once and hands the engine every message in order once it has loaded', async () => {
    const s = scope();
    const net = network({ [MANIFEST]: JSON.stringify({ weightsFile: 'weights.bin' }), [WEIGHTS]: 'bytes' });
    let loaded = (): void => undefined;
    const gotten: unknown[] = [];
    let engineFetch: typeof fetch | undefined;
    serveEntry(
      s.port,
      () => new Promise((resolve) => (loaded = () => resolve({ engineOnScope: (_scope, f) => ((engineFetch = f), (d: unknown) => void gotten.push(d)) }))),
      net.fetch,
      null,
    );
    s.send({ type: 'prefetch', urls: ['/models/base-64/', '/models/sr-256/'] });
    s.send({ type: 'init' });
    await settle();
    expect(net.asked).toEqual([MANIFEST, WEIGHTS]); // only the first model, before the engine exists
    expect(gotten).toEqual([]);
    loaded();
    await settle();
    s.send({ type: 'load' });
    expect(gotten.map((d) => (d as { type: string }).type)).toEqual(['prefetch', 'init', 'load']);
    expect(await (await engineFetch!(WEIGHTS)).text()).toBe('bytes'); // the engine's fetch takes the early download
    expect(net.asked).toHaveLength(2);
  });

  it('a worker named after its models starts the first one before any message, and tells the engine first', async () => {
    const s = scope();
    s.port.name = 'engine-prefetch /models/base-64/ /models/sr-256/';
    const net = network({ [MANIFEST]: JSON.stringify({ weightsFile: 'weights.bin' }), [WEIGHTS]: 'bytes' });
    const gotten: unknown[] = [];
    serveEntry(s.port, async () => ({ engineOnScope: () => (d: unknown) => void gotten.push(d) }), net.fetch, null);
    await settle();
    expect(net.asked).toEqual([MANIFEST, WEIGHTS]);
    s.send({ type: 'init' });
    expect(gotten).toEqual([{ type: 'prefetch', urls: ['/models/base-64/', '/models/sr-256/'] }, { type: 'init' }]);
    expect(prefetchFromName('engine-prefetch /models/a/ https://elsewhere/x/')).toEqual(['/models/a/']); // this site's folders only
    expect(prefetchFromName('some other name')).toEqual([]);
    expect(prefetchFromName('engine-prefetch /models/a/#weights.bin /models/b/')).toEqual(['/models/a/', '/models/b/']);
    expect(firstWeightsFromName('engine-prefetch /models/a/#weights.bin /models/b/')).toBe('weights.bin');
    expect(firstWeightsFromName('engine-prefetch /models/a/ /models/b/#w.bin')).toBeNull(); // the first folder's only
  });

  it('says why when the engine cannot load', async () => {
    const s = scope();
    serveEntry(s.port, () => Promise.reject(new Error('chunk 404')), network({}).fetch, null);
    await settle();
    expect(s.posted).toEqual([expect.objectContaining({ type: 'error', code: 'backend-failed', detail: expect.stringContaining('chunk 404') })]);
  });
});
