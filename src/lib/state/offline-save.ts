// Downloads every shipped model into the engine's model cache (engine/model-cache.ts) for "save the
// whole course": the same keys and checks as the engine's loader, so a lesson finds them there and
// nothing is stored twice. A model is stored only once both of its files arrived and the weights
// match the manifest's SHA-256, so a failed download leaves the previous copy as it was.
import { MODEL_CACHE, modelFileUrls } from '$lib/engine/model-cache';

/** One entry of /models.json (src/routes/models.json). */
export interface ShippedModel {
  name: string;
  /** manifest.json plus weights.bin, in bytes. */
  bytes: number;
}

export interface ModelSaveDeps {
  fetch: typeof fetch;
  caches: CacheStorage;
  /** SHA-256 as lowercase hex. */
  digest: (bytes: Uint8Array) => Promise<string>;
}

/** SHA-256 through WebCrypto, which exists wherever the Cache API and service workers do. */
export async function webDigest(bytes: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Reads /models.json; throws when it is missing or not the list it should be. */
export async function fetchModelList(fetcher: typeof fetch, url = '/models.json'): Promise<ShippedModel[]> {
  const response = await fetcher(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const body = (await response.json()) as { models?: unknown };
  if (!Array.isArray(body.models)) throw new Error(`${url}: no model list`);
  return body.models.filter((m): m is ShippedModel => typeof m?.name === 'string' && typeof m?.bytes === 'number');
}

interface ManifestKeys {
  weightsFile: string;
  weightsSha256: string;
}

/** The two manifest fields a download needs (the engine's loader checks the rest when it loads). */
function manifestKeys(text: string, url: string): ManifestKeys {
  const m = JSON.parse(text) as Partial<Record<keyof ManifestKeys, unknown>>;
  if (typeof m.weightsFile !== 'string' || !/^[\w.-]+$/.test(m.weightsFile) || typeof m.weightsSha256 !== 'string') {
    throw new Error(`${url}: not a model manifest`);
  }
  return { weightsFile: m.weightsFile, weightsSha256: m.weightsSha256 };
}

async function getOk(fetcher: typeof fetch, url: string): Promise<Response> {
  // no-cache: revalidate with the server, so a retrained model's manifest is never an old HTTP copy.
  const response = await fetcher(url, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}

/** Reads a body chunk by chunk, reporting bytes as they arrive. */
async function readAll(response: Response, onBytes: (n: number) => void): Promise<Uint8Array> {
  if (!response.body) {
    const all = new Uint8Array(await response.arrayBuffer());
    onBytes(all.byteLength);
    return all;
  }
  const parts: Uint8Array[] = [];
  let length = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    length += value.byteLength;
    onBytes(value.byteLength);
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/**
 * Stores model `name` (manifest and weights) in the model cache, or keeps what is there when it
 * already matches the network's manifest. onBytes reports bytes as they arrive. Throws on any
 * failure, having stored nothing.
 */
export async function saveModel(name: string, deps: ModelSaveDeps, onBytes: (n: number) => void = () => {}): Promise<'saved' | 'kept'> {
  const folder = `/models/${name}/`;
  const manifestUrl = modelFileUrls(folder, '').manifest;
  const manifestText = await (await getOk(deps.fetch, manifestUrl)).text();
  onBytes(manifestText.length);
  const keys = manifestKeys(manifestText, manifestUrl);
  const urls = modelFileUrls(folder, keys.weightsFile);
  const cache = await deps.caches.open(MODEL_CACHE);

  const storedManifest = await cache.match(urls.manifest);
  if (storedManifest && (await cache.match(urls.weights))) {
    const storedText = await storedManifest.text();
    if (storedText === manifestText) return 'kept'; // the loader verified these weights when it stored them
  }

  const bin = await readAll(await getOk(deps.fetch, urls.weights), onBytes);
  const sha = await deps.digest(bin);
  if (sha !== keys.weightsSha256) throw new Error(`${urls.weights}: SHA-256 does not match its manifest`);
  // Weights first: a manifest in the cache then always has its weights beside it.
  await cache.put(urls.weights, new Response(bin as Uint8Array<ArrayBuffer>));
  await cache.put(urls.manifest, new Response(manifestText));
  return 'saved';
}
