// The engine worker's entry (engine/client.ts and the head's early start both load this file): a few kB
// without tfjs, so a `prefetch` starts the first model's download while the engine's 0.5 MB of script is
// still on its way (early-fetch.ts). It then imports the engine (worker.ts) and hands it every message,
// those that came before it had loaded first, in order.
import { earlyFetch } from './early-fetch';
import type { EnginePort } from './worker';

interface WorkerScope extends EnginePort {
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  /** The Worker's `name` option: engine-start.js names the opening models there (see below). */
  name?: string;
}

/**
 * Worker names that carry the models to fetch at once: `engine-prefetch <url> <url> …` (engine-start.js),
 * where a folder may end in `#<weights file>` (the build's manifest names it: hooks.server.ts).
 */
export const PREFETCH_NAME = 'engine-prefetch';

/** The name's entries that are this site's model folders: [folder, weights file or null]. */
function prefetchEntries(name: string | undefined): [string, string | null][] {
  const [head, ...entries] = (name ?? '').split(' ').filter(Boolean);
  if (head !== PREFETCH_NAME) return [];
  return entries
    .map((e): [string, string | null] => {
      const [folder, file] = e.split('#');
      return [folder, file ?? null];
    })
    .filter(([folder]) => /^\/[\w./-]*\/$/.test(folder));
}

/** The model folders a worker's name asks for, in order; [] for any other name. */
export function prefetchFromName(name: string | undefined): string[] {
  return prefetchEntries(name).map(([folder]) => folder);
}

/** The weights file the name gives for its first folder, or null. */
export function firstWeightsFromName(name: string | undefined): string | null {
  return prefetchEntries(name)[0]?.[1] ?? null;
}

/** Listens on `scope` at once and serves the engine there once `load` has brought it. */
export function serveEntry(
  scope: WorkerScope,
  load: () => Promise<{ engineOnScope: (scope: EnginePort, fetcher?: typeof globalThis.fetch) => (data: unknown) => void }>,
  fetcher: typeof fetch = globalThis.fetch.bind(globalThis),
  caches: CacheStorage | null = globalThis.caches ?? null,
): void {
  const early = earlyFetch(fetcher, caches);
  const waiting: unknown[] = [];
  let handle = (data: unknown): void => void waiting.push(data);
  // The page's `prefetch` message reaches a new worker only when the page's main thread is free to pass
  // it on, which on the school laptop was 0.3–0.9 s after this script ran (the page was still hydrating).
  // The worker's name is here at once: start the first model and tell the engine as the message would.
  const named = prefetchFromName(scope.name);
  if (named.length > 0) {
    early.start(named[0], firstWeightsFromName(scope.name));
    handle({ type: 'prefetch', urls: named });
  }
  // Listen at once: messages the page sent while this script loaded are dispatched right after it runs.
  scope.addEventListener('message', (event) => {
    const data = event.data as { type?: unknown; urls?: unknown } | null;
    // Only the first model early: the engine's queue (arrivals.ts) downloads the rest one at a time, so
    // they do not split the line with the model the lesson needs first.
    if (data?.type === 'prefetch' && Array.isArray(data.urls) && typeof data.urls[0] === 'string') early.start(data.urls[0]);
    handle(event.data);
  });
  load().then(
    (engine) => {
      const engineHandle = engine.engineOnScope(scope, early.fetch);
      for (const data of waiting.splice(0)) engineHandle(data);
      handle = engineHandle;
    },
    (error: unknown) => scope.postMessage({ type: 'error', id: null, channel: null, code: 'backend-failed', detail: `the engine did not load: ${String(error)}` }, []),
  );
}

// Runs only as a worker (a dedicated worker scope has importScripts and no window); importing this
// module elsewhere (tests) only defines the function above.
const scope = globalThis as unknown as Partial<WorkerScope> & { importScripts?: unknown; window?: unknown };
if (typeof scope.importScripts === 'function' && scope.window === undefined) serveEntry(scope as WorkerScope, () => import('./worker'));
