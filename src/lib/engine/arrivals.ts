// Models on their way into the engine. Their downloads run one at a time, in the order the page asked:
// on a school laptop's 3 Mbit/s line three parallel downloads would each take three times as long, so the
// model a lesson needs first (base-64) would arrive last-but-equal with the others. They run outside the
// backend's mutex, so a job runs while later models arrive. A model's tensors are made once, by whoever
// needs it first: its load's turn at the mutex, or a job that has reached its stage (and holds the mutex).
import { downloadModel, type LoadProgress, type LoaderOptions, type ModelBytes } from './loader';

export interface Arrival {
  /** The checked bytes (downloadModel), or its EngineError. */
  bytes: Promise<ModelBytes>;
  /** Makes the model from its bytes, once: later calls return the first call's promise. */
  install: () => Promise<void>;
}

/** A download started before the page asked for it (prefetch), with its progress so far for whoever takes it over. */
interface Early {
  bytes: Promise<ModelBytes>;
  last: LoadProgress | null;
  onProgress: ((p: LoadProgress) => void) | null;
}

export class Arrivals {
  #queue: Promise<unknown> = Promise.resolve();
  readonly #installs = new Map<string, () => Promise<void>>();
  readonly #early = new Map<string, Early>();

  constructor(private readonly options: Pick<LoaderOptions, 'fetch' | 'caches'>) {}

  /** Queues the download of `url` behind the ones already asked for. */
  #download(url: string, onProgress: (p: LoadProgress) => void): Promise<ModelBytes> {
    const bytes = this.#queue.then(() => downloadModel(url, { ...this.options, onProgress }));
    this.#queue = bytes.catch(() => undefined);
    return bytes;
  }

  /**
   * Starts downloading `url` before the page asks for it (a lesson's opening models, sent by
   * engine-start.js, inlined in the head while the page's own scripts still download); the first `add` of the same
   * url takes the download over, its progress so far included. A failed one fails that `add` (the
   * widget's retry then downloads afresh).
   */
  prefetch(url: string): void {
    if (this.#early.has(url)) return;
    const progress = (p: LoadProgress): void => {
      early.last = p;
      early.onProgress?.(p);
    };
    const early: Early = { bytes: this.#download(url, progress), last: null, onProgress: null };
    early.bytes.catch(() => undefined); // reported to the `add` that takes it over, if any
    this.#early.set(url, early);
  }

  /**
   * Queues the download of `url` for model `name` behind the ones already asked for. `make` turns the
   * bytes into the loaded model and must be called with the backend held (worker.ts). The model counts
   * as arriving (`pending`) until it is installed, and stays so with its error when it failed.
   */
  add(name: string, url: string, onProgress: (p: LoadProgress) => void, make: (bytes: ModelBytes) => Promise<void>): Arrival {
    const early = this.#early.get(url);
    this.#early.delete(url);
    if (early) {
      early.onProgress = onProgress;
      if (early.last) onProgress(early.last);
    }
    const bytes = early ? early.bytes : this.#download(url, onProgress);
    let installed: Promise<void> | null = null;
    const install = (): Promise<void> => {
      installed ??= bytes.then(make);
      // A model in is no longer arriving; a failed one stays, so a job that reaches its stage later still
      // runs the stages before it and then says why this model is missing (until the page asks again).
      installed.then(() => this.#installs.get(name) === install && this.#installs.delete(name), () => undefined);
      return installed;
    };
    this.#installs.set(name, install);
    return { bytes, install };
  }

  /** The install of model `name` while it is on its way or after it failed, or undefined (installed, never asked). */
  pending(name: string): (() => Promise<void>) | undefined {
    return this.#installs.get(name);
  }

  /** Resolves once every download asked for so far has settled. */
  async settled(): Promise<void> {
    for (let q = this.#queue; ; q = this.#queue) {
      await q;
      if (q === this.#queue) return;
    }
  }
}
