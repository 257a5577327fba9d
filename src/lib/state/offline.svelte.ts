// The course offline: registers the service worker (src/service-worker/) where the browser has one,
// says when a new build is ready, and runs "save the whole course" (the site's precache, then every
// model into the engine's model cache) with its progress and outcome for the page to show.
import { askSite } from './offline-protocol';
import { fetchModelList, saveModel, webDigest, type ShippedModel } from './offline-save';

/** Where the course cannot be kept offline: dev (no build to cache) or no service workers (http, private mode). */
export type Availability = 'unknown' | 'available' | 'dev' | 'unsupported';

export type SaveOutcome =
  | { kind: 'saved'; bytes: number }
  /** Something could not be stored; what was stored before (and now) still works. */
  | { kind: 'partial'; failedFiles: number; failedModels: string[] }
  /** Nothing could start: no service worker answering, or the model list unreachable. */
  | { kind: 'failed' };

export interface SaveProgress {
  phase: 'site' | 'models';
  /** Files (site) or bytes (models) done and expected. */
  done: number;
  total: number;
}

const READY_TIMEOUT_MS = 30_000;

export class OfflineState {
  availability = $state<Availability>('unknown');
  /** A new build is installed and waits for this page to let it take over. */
  updateReady = $state(false);
  /** Bytes of the site (pages, scripts, wasm, fonts) and of every model, once measured. */
  siteBytes = $state<number | null>(null);
  models = $state<ShippedModel[] | null>(null);
  progress = $state<SaveProgress | null>(null);
  outcome = $state<SaveOutcome | null>(null);
  #registration: ServiceWorkerRegistration | null = null;
  #reloadOnTakeover = false;

  get modelBytes(): number | null {
    return this.models ? this.models.reduce((sum, m) => sum + m.bytes, 0) : null;
  }

  /** Registers the service worker; never throws and never delays the page (call from onMount). */
  register(isDev: boolean, scriptUrl: string): void {
    if (isDev) return void (this.availability = 'dev'); // a dev server has no build to precache
    const sw = globalThis.navigator?.serviceWorker; // absent over http (not localhost) and in some private modes
    if (!sw || !('caches' in globalThis)) return void (this.availability = 'unsupported');
    // After the load event: the install downloads the whole build, which must not compete with the
    // page's own first scripts and styles.
    if (document.readyState === 'complete') void this.#register(sw, scriptUrl);
    else addEventListener('load', () => void this.#register(sw, scriptUrl), { once: true });
  }

  async #register(sw: ServiceWorkerContainer, scriptUrl: string): Promise<void> {
    try {
      // A takeover of a page that already had a controller is a new build: reload every such tab, so
      // none keeps running the old build once its cache is gone. The first visit's claim is not one.
      const hadController = sw.controller !== null;
      sw.addEventListener('controllerchange', () => {
        if (this.#reloadOnTakeover || hadController) location.reload();
      });
      const registration = await sw.register(scriptUrl, { type: 'classic' });
      if (!registration) throw new Error('no registration'); // a blocked register() may resolve to nothing
      this.#registration = registration;
      this.availability = 'available';
      this.#watch(registration.waiting);
      this.#watch(registration.installing);
      registration.addEventListener('updatefound', () => this.#watch(registration.installing));
    } catch {
      this.availability = 'unsupported'; // Firefox private windows refuse, as do some policies
    }
  }

  /** A worker that finishes installing while another controls the page is a new build waiting. */
  #watch(worker: ServiceWorker | null): void {
    if (!worker) return;
    const check = (): void => {
      if (worker.state === 'installed' && navigator.serviceWorker.controller) this.updateReady = true;
    };
    check();
    worker.addEventListener('statechange', check);
  }

  /** Lets the waiting build take over; the page reloads when it has (controllerchange). */
  applyUpdate(): void {
    const waiting = this.#registration?.waiting;
    if (!waiting) return location.reload();
    this.#reloadOnTakeover = true;
    waiting.postMessage({ type: 'skip-waiting' });
  }

  async #active(): Promise<ServiceWorker | null> {
    const registration = this.#registration;
    if (registration?.active) return registration.active;
    const timeout = new Promise<null>((done) => setTimeout(() => done(null), READY_TIMEOUT_MS));
    return (await Promise.race([navigator.serviceWorker.ready, timeout]))?.active ?? null;
  }

  /** Fills in siteBytes and models for the "how many MB" line; quiet on failure (the line waits). */
  async measure(): Promise<void> {
    if (this.availability !== 'available') return;
    try {
      this.models ??= await fetchModelList(fetch);
      const worker = await this.#active();
      if (worker) this.siteBytes = (await askSite(worker, false)).bytes;
    } catch {
      // shown as "measuring…" until a save reports real figures
    }
  }

  /** Saves every page and every model; the outcome says what could not be saved. */
  async save(): Promise<void> {
    if (this.progress) return; // one save at a time
    this.outcome = null;
    this.progress = { phase: 'site', done: 0, total: 0 };
    try {
      this.outcome = await this.#save();
    } catch {
      this.outcome = { kind: 'failed' };
    } finally {
      this.progress = null;
    }
  }

  async #save(): Promise<SaveOutcome> {
    const worker = await this.#active();
    if (!worker) return { kind: 'failed' };
    // Ask the browser not to evict the course under storage pressure (it may say no; that is fine).
    void navigator.storage?.persist?.().catch(() => false);
    const site = await askSite(worker, true, (done, total) => (this.progress = { phase: 'site', done, total }));
    this.siteBytes = site.bytes;
    const models = (this.models ??= await fetchModelList(fetch));
    const total = models.reduce((sum, m) => sum + m.bytes, 0);
    let done = 0;
    this.progress = { phase: 'models', done, total };
    const failedModels: string[] = [];
    for (const model of models) {
      const before = done;
      try {
        await saveModel(model.name, { fetch, caches, digest: webDigest }, (n) => {
          done = Math.min(before + model.bytes, done + n);
          this.progress = { phase: 'models', done, total };
        });
      } catch {
        failedModels.push(model.name);
      }
      done = before + model.bytes; // a kept or failed model counts as handled
      this.progress = { phase: 'models', done, total };
    }
    if (site.failed.length > 0 || failedModels.length > 0) return { kind: 'partial', failedFiles: site.failed.length, failedModels };
    return { kind: 'saved', bytes: site.bytes + total };
  }
}

/** The page's one offline state (the layout registers it, the save control reads it). */
export const offline = new OfflineState();
