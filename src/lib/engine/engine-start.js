// Starts the engine's Web Worker from the head of a lesson page whose first widget runs a model, before the
// page's own scripts have downloaded: on a school laptop (3 Mbit/s, CPU 4× slower) those take 3–4 s before
// the route could start it (README, "The school laptop"). The worker downloads the models named in
// data-models and starts its backend at once; the page's engine client takes this worker over
// (client.ts takeEarlyWorker). src/hooks.server.ts writes it inline into the head when prerendering, with
// the built worker's file name and the models, and adds its SHA-256 to the page's Content-Security-Policy:
// as a file it ran only once the parser yielded, 1–2 s after it had arrived on that laptop.
(() => {
  const script = document.currentScript;
  const url = script && script.dataset.worker;
  if (!url || typeof Worker === 'undefined') return;
  try {
    const models = (script.dataset.models || '').split(' ').filter(Boolean);
    // The models go in the worker's name, not a message: the worker reads its name as it starts, while a
    // message would wait for this page's busy main thread to pass it on (worker-entry.ts).
    const early = { worker: new Worker(url, { type: 'module', name: ['engine-prefetch', ...models].join(' ') }), failed: false };
    // Nobody else listens yet: remember the failure, and the client starts a worker of its own.
    early.worker.onerror = (event) => {
      early.failed = true;
      event.preventDefault();
    };
    /** @type {{ __noisebookEarlyWorker?: unknown }} */ (globalThis).__noisebookEarlyWorker = early;
  } catch {
    // No module workers here: the client falls back as it would have anyway.
  }
})();
