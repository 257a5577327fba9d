// The course's service worker: keeps one whole build (pages, scripts, styles, wasm, fonts) in a cache
// named by its version so a lesson opened once opens again offline. Model files stay with the engine's
// loader (src/lib/engine/loader.ts), which verifies them and keeps them in its own cache.
/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { base, build, files, prerendered, version } from '$service-worker';
import { isToWorker, type FromWorker } from '$lib/state/offline-protocol';
import { precacheList, responseBytes, routeOf, siteCacheName, staleCaches, workerFileList, type Route } from './precache';

const sw = self as unknown as ServiceWorkerGlobalScope;

const CACHE = siteCacheName(version);
const ASSETS = precacheList(build, files, prerendered, base);
const ASSET_SET = new Set(ASSETS);
// adapter-static writes its fallback page after the lists above are made, so it is fetched on its own.
const NOT_FOUND = `${base}/404.html`;
// The engine worker's files, which SvelteKit's lists leave out (src/routes/worker-files.json).
const WORKER_FILES = `${base}/worker-files.json`;

/** `cache: 'reload'` skips the HTTP cache: a copy from the previous build must not enter this one's cache. */
const fresh = (url: string): Request => new Request(url, { cache: 'reload' });

// Install succeeds only once every file of this build is stored (addAll is all or nothing), so the
// build that is running keeps its cache until a complete new one exists.
sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        const workerFiles = workerFileList(await (await fetch(fresh(WORKER_FILES))).json(), base);
        await cache.addAll([...ASSETS, ...workerFiles].map(fresh));
      } catch (error) {
        await caches.delete(CACHE); // the browser retries the install on a later visit
        throw error;
      }
      await cache.add(fresh(NOT_FOUND)).catch(() => {}); // optional: the offline answer to an unknown path
    })(),
  );
});

// A new build activates when the page asks (its "reload" button) or when no tab still shows the old
// one; the old build's cache goes only then, so an open tab never loads files from two builds.
sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      await Promise.all(staleCaches(await caches.keys(), CACHE).map((key) => caches.delete(key)));
      await sw.clients.claim(); // the first visit's page is controlled without a reload
    })(),
  );
});

sw.addEventListener('message', (event) => {
  const data: unknown = event.data;
  if (!isToWorker(data)) return;
  if (data.type === 'skip-waiting') void sw.skipWaiting();
  else if (event.ports[0]) event.waitUntil(reportSite(event.ports[0], data.fill));
});

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin) return;
  const route = routeOf(url.pathname, request.mode, ASSET_SET, base);
  if (route.kind === 'pass') return;
  event.respondWith(answer(route, request, url));
});

async function answer(route: Exclude<Route, { kind: 'pass' }>, request: Request, url: URL): Promise<Response> {
  if (route.kind === 'redirect') return Response.redirect(`${route.location}${url.search}`, 301);
  const cache = await caches.open(CACHE);
  if (route.kind === 'page') {
    try {
      return await fetch(request);
    } catch (error) {
      const notFound = await cache.match(NOT_FOUND);
      if (notFound) return new Response(notFound.body, { status: 404, headers: notFound.headers });
      throw error;
    }
  }
  const hit = await cache.match(route.key);
  if (hit) return hit;
  // Evicted or never listed: the network, kept for next time if it is a plain same-origin answer.
  const response = await fetch(request);
  if (response.ok && response.type === 'basic' && !response.redirected) {
    await cache.put(route.key, response.clone()).catch(() => {});
  }
  return response;
}

/** Counts this build's stored files and bytes; with `fill`, downloads the ones missing. */
async function reportSite(port: MessagePort, fill: boolean): Promise<void> {
  const cache = await caches.open(CACHE);
  const listed = await cache.match(WORKER_FILES);
  const all = [...ASSETS, ...workerFileList(listed ? await listed.json() : null, base)];
  const failed: string[] = [];
  let done = 0;
  let bytes = 0;
  const post = (message: FromWorker): void => port.postMessage(message);
  for (const url of all) {
    let response = await cache.match(url);
    if (!response && fill) {
      try {
        const got = await fetch(fresh(url));
        if (got.ok && !got.redirected) {
          await cache.put(url, got.clone());
          response = got;
        }
      } catch {
        // counted as failed below
      }
    }
    if (response) bytes += await responseBytes(response);
    else failed.push(url);
    done += 1;
    if (fill) post({ type: 'site-progress', done, total: all.length, bytes });
  }
  post({ type: 'site-done', version, total: all.length, bytes, failed });
}
