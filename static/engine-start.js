// Starts the engine's Web Worker from the head of a lesson page whose first widget runs a model, while
// the page's own scripts still download: on a school laptop (3 Mbit/s, CPU 4× slower) those take 3–4 s
// before the route could start it (README, "The school laptop"). The worker downloads the models named
// in data-models and starts its backend at once; the page's engine client takes this worker over
// (src/lib/engine/client.ts takeEarlyWorker). Written into the head by src/hooks.server.ts, which knows
// the built worker's file name; a plain file of the site, so the Content-Security-Policy ('self') allows it.
(() => {
  const script = document.currentScript;
  const url = script && script.dataset.worker;
  if (!url || typeof Worker === 'undefined') return;
  try {
    const early = { worker: new Worker(url, { type: 'module' }), failed: false };
    // Nobody else listens yet: remember the failure, and the client starts a worker of its own.
    early.worker.onerror = (event) => {
      early.failed = true;
      event.preventDefault();
    };
    early.worker.postMessage({ type: 'prefetch', urls: (script.dataset.models || '').split(' ').filter(Boolean) });
    globalThis.__noisebookEarlyWorker = early;
  } catch {
    // No module workers here: the client falls back as it would have anyway.
  }
})();
