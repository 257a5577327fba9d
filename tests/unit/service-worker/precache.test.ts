// The service worker's decisions (src/service-worker/precache.ts): what a build precaches, how each
// request is answered, and that a new build deletes only older site caches, never the models' cache.
import { describe, expect, it } from 'vitest';
import { MODEL_CACHE } from '../../../src/lib/engine/model-cache';
import { isModelFile, precacheList, routeOf, siteCacheName, staleCaches, workerFileList } from '../../../src/service-worker/precache';

describe('precacheList', () => {
  it('keeps scripts, wasm, woff2 and pages, and leaves out model files and fallback fonts', () => {
    const list = precacheList(
      ['/_app/immutable/entry/start.js', '/_app/immutable/assets/a.wasm', '/_app/immutable/assets/K.woff2', '/_app/immutable/assets/K.woff', '/_app/immutable/assets/K.ttf'],
      ['/favicon.svg'],
      ['/', '/en/', '/en/removing-noise/', '/models.json', '/models/base-64/manifest.json', '/models/base-64/weights.bin'],
    );
    expect(list).toEqual(['/_app/immutable/entry/start.js', '/_app/immutable/assets/a.wasm', '/_app/immutable/assets/K.woff2', '/favicon.svg', '/', '/en/', '/en/removing-noise/', '/models.json']);
  });

  it('lists a path once even when two lists name it', () => {
    expect(precacheList(['/a.js'], ['/a.js'], [])).toEqual(['/a.js']);
  });
});

describe('routeOf', () => {
  const assets = new Set(['/', '/en/removing-noise/', '/_app/immutable/entry/start.js']);

  it('answers a precached path from the cache, whatever the query', () => {
    expect(routeOf('/en/removing-noise/', 'navigate', assets)).toEqual({ kind: 'precached', key: '/en/removing-noise/' });
  });

  it('leaves model files to the engine loader, which fetches the manifest network-first', () => {
    expect(routeOf('/models/base-64/manifest.json', 'cors', assets)).toEqual({ kind: 'pass' });
    expect(routeOf('/models/base-64/weights.bin', 'navigate', assets)).toEqual({ kind: 'pass' });
    expect(isModelFile('/models.json')).toBe(false);
  });

  it('redirects a page path without its slash to the precached one', () => {
    expect(routeOf('/en/removing-noise', 'navigate', assets)).toEqual({ kind: 'redirect', location: '/en/removing-noise/' });
  });

  it('sends other pages to the network and caches unlisted hashed files on use', () => {
    expect(routeOf('/en/no-such-lesson/', 'navigate', assets)).toEqual({ kind: 'page' });
    expect(routeOf('/_app/immutable/assets/K.ttf', 'cors', assets)).toEqual({ kind: 'immutable', key: '/_app/immutable/assets/K.ttf' });
    expect(routeOf('/_app/version.json', 'cors', assets)).toEqual({ kind: 'pass' });
  });
});

describe('staleCaches', () => {
  it("deletes every other build's site cache and keeps the current one and the models' cache", () => {
    const keys = [siteCacheName('1'), siteCacheName('2'), MODEL_CACHE, 'someone-else'];
    expect(staleCaches(keys, siteCacheName('2'))).toEqual([siteCacheName('1')]);
  });
});

describe('workerFileList', () => {
  it('takes only hashed files under /_app/immutable/ and prefixes the base path', () => {
    expect(workerFileList({ files: ['/_app/immutable/workers/w.js', '/elsewhere.js', 3] }, '/nb')).toEqual(['/nb/_app/immutable/workers/w.js']);
    expect(workerFileList(null)).toEqual([]);
  });
});
