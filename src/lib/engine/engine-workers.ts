// Where the engine runs, as the client sees it: a Worker-shaped object that is the module worker (the one
// the head's engine-start.js began, or a new one) or, when workers keep failing, the engine on the page's
// main thread. Apart from client.ts, which decides when to make which.
import type { EngineRequest, EngineResponse } from './protocol';

/** What the client needs of a Worker (a real one, the in-page fallback, or a fake in tests). */
export interface WorkerLike {
  postMessage(message: EngineRequest, transfer: Transferable[]): void;
  terminate(): void;
  onmessage: ((event: { data: EngineResponse }) => void) | null;
  onerror: ((event: { message?: string; preventDefault?: () => void }) => void) | null;
}

/** The worker engine-start.js (inlined in the head) started from the page's head, before this code had downloaded. */
interface EarlyWorker {
  worker: WorkerLike;
  /** It raised an error before a client took it (nobody listened then). */
  failed: boolean;
}

/** The engine worker the page's head started, once, unless it failed; null when there is none. */
export function takeEarlyWorker(scope: { __noisebookEarlyWorker?: EarlyWorker } = globalThis as never): WorkerLike | null {
  const early = scope.__noisebookEarlyWorker;
  delete scope.__noisebookEarlyWorker;
  if (!early) return null;
  early.worker.onerror = null; // the client's handler takes over, in this same task: no event is missed
  if (!early.failed) return early.worker;
  early.worker.terminate();
  return null;
}

/** The module worker (Vite bundles ./worker-entry.ts and, in chunks, the engine it imports), or the one the head started. */
export function moduleWorker(): WorkerLike {
  return takeEarlyWorker() ?? (new Worker(new URL('./worker-entry.ts', import.meta.url), { type: 'module' }) as unknown as WorkerLike);
}

/** The engine host on the main thread behind a Worker-shaped object: slower pages, but a working lesson. */
export function inPageEngine(): WorkerLike {
  const fake: WorkerLike = {
    onmessage: null,
    onerror: null,
    terminate: () => undefined,
    postMessage: (message) => void host.then((h) => h.handle(message)),
  };
  // A crash here is the error event a worker would raise; the client then replaces this engine, so
  // terminate frees its models (tfjs is shared by the whole page, unlike a worker's).
  const crash = (message: string): void => void setTimeout(() => fake.onerror?.({ message }));
  const host = Promise.all([import('./worker'), import('@tensorflow/tfjs-core')]).then(([w, tf]) =>
    // Answers go out as tasks, like a worker's messages, so no handler runs inside the caller's stack.
    w.createEngineHost({ postMessage: (m) => setTimeout(() => fake.onmessage?.({ data: m })) }, w.browserDeps(tf, crash)),
  );
  fake.terminate = () => void host.then((h) => h.dispose(), () => undefined);
  host.catch((error: unknown) => setTimeout(() => fake.onerror?.({ message: `tfjs did not load: ${String(error)}` })));
  return fake;
}
