// The messages between a page and the course's service worker (src/service-worker/): the page asks it
// to report or complete this build's precache, and to activate a waiting new build.

/** Messages a page sends the service worker. */
export type ToWorker =
  /** Activate the waiting build now (the page reloads when it takes over). */
  | { type: 'skip-waiting' }
  /** Report the precache (fill: also download whatever is missing), answering on the message's port. */
  | { type: 'site'; fill: boolean };

/** Answers on the port of a `site` message: progress per file (only when filling), then one `site-done`. */
export type FromWorker =
  | { type: 'site-progress'; done: number; total: number; bytes: number }
  | { type: 'site-done'; version: string; total: number; bytes: number; failed: string[] };

export type SiteReport = Extract<FromWorker, { type: 'site-done' }>;

export function isToWorker(data: unknown): data is ToWorker {
  if (typeof data !== 'object' || data === null) return false;
  const type = (data as { type?: unknown }).type;
  return type === 'skip-waiting' || (type === 'site' && typeof (data as { fill?: unknown }).fill === 'boolean');
}

/** A silent service worker (killed by the browser mid-way) must not leave a save hanging forever. */
export const SITE_SILENCE_MS = 60_000;

/**
 * Sends a `site` message to `worker` and resolves with its report; onProgress sees each file when
 * filling. Rejects when the worker says nothing for SITE_SILENCE_MS.
 */
export function askSite(worker: ServiceWorker, fill: boolean, onProgress: (done: number, total: number) => void = () => {}): Promise<SiteReport> {
  return new Promise((resolve, reject) => {
    const channel = new MessageChannel();
    let timer = setTimeout(() => fail(), SITE_SILENCE_MS);
    const fail = (): void => {
      channel.port1.close();
      reject(new Error('the service worker stopped answering'));
    };
    channel.port1.onmessage = (event: MessageEvent<FromWorker>) => {
      clearTimeout(timer);
      const message = event.data;
      if (message.type === 'site-progress') {
        onProgress(message.done, message.total);
        timer = setTimeout(() => fail(), SITE_SILENCE_MS);
      } else {
        channel.port1.close();
        resolve(message);
      }
    };
    const request: ToWorker = { type: 'site', fill };
    worker.postMessage(request, [channel.port2]);
  });
}
