// Fetches a model folder (manifest.json + weights.bin) with byte progress, checks it against the
// manifest's SHA-256 (models/manifest.ts) and keeps verified copies in the Cache API for offline use.
import { checkWeightFile, modelFromCheckedFile, parseManifest, weightFileBytes, type LoadedModel, type Manifest } from '../models/manifest';
import { checkVaeFile, parseVaeManifest, vaeFileBytes, vaeFromCheckedFile, type LoadedVae, type VaeManifest } from '../models/vae-manifest';
import * as tf from '@tensorflow/tfjs-core';
import { EngineError, toEngineError } from './protocol';
import { MODEL_CACHE } from './model-cache';

// The cache name lives in model-cache.ts so the page and the service worker can name it without tfjs.
export { MODEL_CACHE };

export interface LoadProgress {
  /** Weight bytes received so far. */
  loaded: number;
  /** Weight bytes expected (from the manifest, which knows the exact size), or null before the manifest arrives. */
  total: number | null;
}

export interface LoaderOptions {
  fetch?: typeof fetch;
  /** The Cache API; default globalThis.caches. null (or absent, as over plain http) disables caching. */
  caches?: CacheStorage | null;
  onProgress?: (p: LoadProgress) => void;
  signal?: AbortSignal;
}

export interface FetchedModel {
  manifest: Manifest;
  /** The U-Net and its weight tensors; the caller disposes the tensors. */
  model: LoadedModel;
  /** Whether the weights came from the offline cache instead of the network. */
  fromCache: boolean;
}

/** The autoencoder's folder (manifest architecture "vae"), loaded like a U-Net's. */
export interface FetchedVae {
  manifest: VaeManifest;
  model: LoadedVae;
  fromCache: boolean;
}

/** Either kind of model folder, told apart by the manifest's `architecture`. */
export type FetchedAny = ({ kind: 'unet' } & FetchedModel) | ({ kind: 'vae' } & FetchedVae);

type AnyManifest = { kind: 'unet'; manifest: Manifest } | { kind: 'vae'; manifest: VaeManifest };

/** Bytes the weight file must have: the end of its last tensor (float16 or int8, the predictor's included). */
export function expectedBytes(manifest: Manifest | VaeManifest): number {
  return manifest.architecture === 'vae' ? vaeFileBytes(manifest) : weightFileBytes(manifest);
}

/** Parses a manifest of either architecture (the field decides which parser checks it). */
function parseAny(text: string, url: string): AnyManifest {
  let architecture: unknown;
  try {
    architecture = (JSON.parse(text) as { architecture?: unknown }).architecture;
  } catch {
    architecture = undefined; // parseManifest says what is wrong
  }
  return architecture === 'vae' ? { kind: 'vae', manifest: parseVaeManifest(text, url) } : { kind: 'unet', manifest: parseManifest(text, url) };
}

async function openCache(caches: CacheStorage | null | undefined): Promise<Cache | null> {
  try {
    return caches ? await caches.open(MODEL_CACHE) : null;
  } catch {
    return null; // storage disabled (private mode, opaque origin): load without a cache
  }
}

/** Runs a cache operation whose failure must never fail the load (quota, eviction mid-read). */
async function quietly<T>(op: () => Promise<T>): Promise<T | undefined> {
  try {
    return await op();
  } catch {
    return undefined;
  }
}

/** GETs `url`; a network failure or a non-2xx status is model-missing (an abort stays a cancel). */
async function get(fetcher: typeof fetch, url: string, signal: AbortSignal | undefined): Promise<Response> {
  let response: Response;
  try {
    response = await fetcher(url, { signal });
  } catch (error) {
    if (signal?.aborted) throw toEngineError(signal.reason, 'cancelled');
    throw new EngineError('model-missing', `${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) throw new EngineError('model-missing', `${url}: HTTP ${response.status}`);
  return response;
}

/**
 * Reads a body chunk by chunk into a buffer of the size the manifest promises, reporting progress.
 * A body longer than promised is the wrong file (model-corrupt); a shorter one fails the size check later.
 */
async function readBody(response: Response, url: string, total: number, onProgress: (p: LoadProgress) => void): Promise<Uint8Array> {
  const length = Number(response.headers.get('content-length'));
  const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  // Without compression Content-Length is the file size, so a wrong file is caught before the download.
  if (!encoded && length > 0 && length !== total) throw new EngineError('model-corrupt', `${url}: ${length} bytes, the manifest describes ${total}`);
  if (!response.body) {
    const bin = new Uint8Array(await response.arrayBuffer());
    onProgress({ loaded: bin.byteLength, total });
    return bin;
  }
  const out = new Uint8Array(total);
  const reader = response.body.getReader();
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.byteLength > total) {
      await reader.cancel();
      throw new EngineError('model-corrupt', `${url}: longer than the ${total} bytes the manifest describes`);
    }
    out.set(value, loaded);
    loaded += value.byteLength;
    onProgress({ loaded, total });
  }
  return loaded === total ? out : out.subarray(0, loaded);
}

/** Checks the bytes against the manifest (size, SHA-256); a mismatch is model-corrupt. */
async function check(m: AnyManifest, bin: Uint8Array, url: string): Promise<void> {
  try {
    await (m.kind === 'vae' ? checkVaeFile(m.manifest, bin, url) : checkWeightFile(m.manifest, bin, url));
  } catch (error) {
    throw new EngineError('model-corrupt', error instanceof Error ? error.message : String(error));
  }
}

/**
 * A model folder's checked bytes, before any tensor exists: the download can run while a job holds the
 * backend, and the tensors are made later, between jobs (modelFromBytes).
 */
export interface ModelBytes {
  parsed: AnyManifest;
  bin: Uint8Array;
  binUrl: string;
  fromCache: boolean;
}

/**
 * Downloads the model in folder `base` (e.g. "/models/base-64/") and checks it. The manifest is fetched
 * first, from the network if it answers and else from the cache, so an updated model replaces a cached one
 * while an offline reader still gets the last verified copy. Weights come from the cache when their
 * checksum matches that manifest, otherwise from the network (and a verified copy is cached). Errors are
 * EngineErrors: model-missing (not reachable, nothing cached), model-corrupt (bad manifest, size or
 * checksum), cancelled (signal).
 */
export async function downloadModel(base: string, opts: LoaderOptions = {}): Promise<ModelBytes> {
  const fetcher = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const onProgress = opts.onProgress ?? (() => {});
  const folder = base.endsWith('/') ? base : `${base}/`;
  const manifestUrl = `${folder}manifest.json`;
  const cache = await openCache(opts.caches === undefined ? (globalThis.caches ?? null) : opts.caches);

  let manifestText: string;
  let manifestFromNetwork = true;
  try {
    manifestText = await (await get(fetcher, manifestUrl, opts.signal)).text();
  } catch (error) {
    const cached = cache && (await quietly(() => cache.match(manifestUrl)));
    if (!cached || (error instanceof EngineError && error.code === 'cancelled')) throw error;
    manifestText = await cached.text();
    manifestFromNetwork = false;
  }
  let parsed: AnyManifest;
  try {
    parsed = parseAny(manifestText, manifestUrl);
  } catch (error) {
    throw new EngineError('model-corrupt', error instanceof Error ? error.message : String(error));
  }
  const manifest = parsed.manifest;
  const binUrl = `${folder}${manifest.weightsFile}`;
  const total = expectedBytes(manifest);
  onProgress({ loaded: 0, total });

  const cachedBin = cache && (await quietly(async () => (await cache.match(binUrl))?.arrayBuffer()));
  if (cachedBin) {
    try {
      const bin = new Uint8Array(cachedBin);
      await check(parsed, bin, binUrl);
      onProgress({ loaded: total, total });
      if (manifestFromNetwork) await quietly(() => cache.put(manifestUrl, new Response(manifestText)));
      return { parsed, bin, binUrl, fromCache: true };
    } catch {
      await quietly(() => cache.delete(binUrl)); // stale (the model was retrained) or damaged: fetch again
    }
  }

  let bin: Uint8Array;
  try {
    bin = await readBody(await get(fetcher, binUrl, opts.signal), binUrl, total, onProgress);
  } catch (error) {
    // A connection dropped mid-download is model-missing, like one that never answered.
    throw opts.signal?.aborted ? toEngineError(opts.signal.reason, 'cancelled') : toEngineError(error, 'model-missing');
  }
  await check(parsed, bin, binUrl);
  if (cache) {
    await quietly(() => cache.put(binUrl, new Response(bin.slice().buffer)));
    await quietly(() => cache.put(manifestUrl, new Response(manifestText)));
  }
  return { parsed, bin, binUrl, fromCache: false };
}

/** Makes the tensors of checked bytes on the current backend; the caller disposes them. */
export function modelFromBytes(b: ModelBytes): FetchedAny {
  const { parsed, bin, binUrl, fromCache } = b;
  try {
    return parsed.kind === 'vae'
      ? { kind: 'vae', manifest: parsed.manifest, model: vaeFromCheckedFile(parsed.manifest, bin, binUrl), fromCache }
      : { kind: 'unet', manifest: parsed.manifest, model: modelFromCheckedFile(parsed.manifest, bin, binUrl), fromCache };
  } catch (error) {
    throw new EngineError('model-corrupt', error instanceof Error ? error.message : String(error));
  }
}

/** Loads the model in folder `base` (downloadModel, then its tensors on the current backend). */
export async function fetchModel(base: string, opts: LoaderOptions = {}): Promise<FetchedModel> {
  const got = await fetchAnyModel(base, opts);
  if (got.kind === 'unet') return got;
  tf.dispose(Object.values(got.model.weights));
  throw new EngineError('model-corrupt', `${base}: an autoencoder, not a U-Net`);
}

/** fetchModel for a folder of either architecture (a U-Net or the autoencoder). */
export async function fetchAnyModel(base: string, opts: LoaderOptions = {}): Promise<FetchedAny> {
  return modelFromBytes(await downloadModel(base, opts));
}
