// The first model's files, asked for by the worker's entry before the engine (tfjs and ours, 0.5 MB of
// script) has downloaded. On the school laptop of issue 18 that script took 1–2 s to arrive and parse
// before the engine asked for the manifest, and the weights waited behind it (README, "The school
// laptop"). Kept free of tfjs so the entry stays a few kB: it only starts fetches and hands each
// response, once, to the engine's loader (loader.ts), which checks it as it checks any download.
import { MODEL_CACHE, modelFileUrls } from './model-cache';

export interface EarlyFetch {
  /**
   * Starts the manifest and, unless the model cache holds them, the weights of model folder `folder`:
   * beside the manifest when the page named the weights file (`weightsFile`, from the build's manifest),
   * else once the manifest has named it.
   */
  start(folder: string, weightsFile?: string | null): void;
  /** A fetch that answers a started URL once with its early response, and everything else from `fetcher`. */
  fetch: typeof fetch;
}

/** A plain file name in the folder, as exports write it (`weights.bin`); anything else is left to the loader. */
const plainFile = (name: unknown): string | null => (typeof name === 'string' && /^[\w.-]+$/.test(name) ? name : null);
const weightsFileOf = (manifest: unknown): string | null => plainFile((manifest as { weightsFile?: unknown } | null)?.weightsFile);

export function earlyFetch(fetcher: typeof fetch, caches: CacheStorage | null): EarlyFetch {
  const early = new Map<string, Promise<Response>>();
  /** Per started folder (its URL with a trailing slash), settled once it is known whether its weights download early. */
  const decided = new Map<string, Promise<void>>();
  const begin = (url: string): Promise<Response> => {
    const response = fetcher(url);
    response.catch(() => undefined); // the loader sees the failure when it takes this response
    early.set(url, response);
    return response;
  };

  async function weightsNamed(folder: string, file: string): Promise<void> {
    const { weights } = modelFileUrls(folder, file);
    // Weights the loader keeps (checked against the manifest's SHA-256 there) need no second download.
    const cached = caches && (await (await caches.open(MODEL_CACHE)).match(weights));
    if (!cached && !early.has(weights)) begin(weights);
  }

  async function weightsAfter(folder: string, manifest: Promise<Response>): Promise<void> {
    const answer = await manifest;
    if (!answer.ok) return;
    const file = weightsFileOf(await answer.clone().json());
    if (file !== null) await weightsNamed(folder, file);
  }

  return {
    start(folder, weightsFile) {
      const { manifest, weights: prefix } = modelFileUrls(folder, ''); // the folder's URL, with its slash
      if (decided.has(prefix)) return;
      const manifestResponse = begin(manifest);
      // The page's name for the weights saves waiting for the manifest (a round trip, and on the school
      // laptop the line's share the worker's script took meanwhile). Should the served manifest name
      // another file, the loader fetches that one and this download goes unused. A failure leaves the
      // weights to the loader, which fetches them itself.
      const named = plainFile(weightsFile);
      decided.set(prefix, (named !== null ? weightsNamed(prefix, named) : weightsAfter(prefix, manifestResponse)).catch(() => undefined));
    },
    async fetch(input, init) {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      // The loader may ask for the weights as soon as it has the manifest, before the early download of
      // them has started (it waits on the model cache): wait for that decision, or they download twice.
      const prefix = [...decided.keys()].find((p) => url.startsWith(p) && url !== `${p}manifest.json`);
      if (prefix !== undefined) await decided.get(prefix);
      const response = early.get(url);
      if (!response) return fetcher(input, init);
      early.delete(url);
      return response;
    },
  };
}
