// The service worker's decisions, as plain functions (tested in tests/unit/service-worker/): which files
// a build precaches, how each request is answered, and which caches a new build deletes.

/** Every build's site cache starts with this; the version follows. The model cache never does. */
export const SITE_CACHE_PREFIX = 'noisebook-site-';

/** The cache of one build: a new version gets a new cache, so two builds never share one. */
export function siteCacheName(version: string): string {
  return `${SITE_CACHE_PREFIX}${version}`;
}

/**
 * True for /models/<name>/<file>. Model files are kept by the engine's loader in its own cache (after
 * their checksum is verified) and fetched network-first there, so the service worker neither precaches
 * them nor answers for them: one stored copy, and a new manifest always wins while online.
 */
export function isModelFile(pathname: string, base = ''): boolean {
  return pathname.startsWith(`${base}/models/`);
}

/**
 * What the install step downloads: SvelteKit's `build` (scripts, styles, the wasm binaries, fonts),
 * `files` (static/) and `prerendered` (every page, the model list), without the model files.
 */
export function precacheList(build: readonly string[], files: readonly string[], prerendered: readonly string[], base = ''): string[] {
  return [...new Set([...build, ...files, ...prerendered])].filter((path) => !isModelFile(path, base) && !isFallbackFont(path));
}

/**
 * KaTeX ships each font as woff2, woff and ttf; every browser with service workers uses the woff2,
 * so the other two (about 0.9 MB) are left to the network, and cached if ever fetched ('immutable').
 */
export function isFallbackFont(path: string): boolean {
  return /\.(woff|ttf)$/.test(path);
}

/** The list /worker-files.json carries (src/routes/worker-files.json), under `base`; [] if malformed. */
export function workerFileList(body: unknown, base = ''): string[] {
  const files = (body as { files?: unknown } | null)?.files;
  if (!Array.isArray(files)) return [];
  return files.filter((f): f is string => typeof f === 'string' && f.startsWith('/_app/immutable/')).map((f) => `${base}${f}`);
}

export type Route =
  /** In this build's precache: answered from the cache (the network only if it was evicted). */
  | { kind: 'precached'; key: string }
  /** A content-hashed file the lists missed: cached on first use, safe because its name changes with it. */
  | { kind: 'immutable'; key: string }
  /** A page path without its trailing slash whose slashed form is precached: redirect there. */
  | { kind: 'redirect'; location: string }
  /** Another page: the network, else the site's 404 page from the cache. */
  | { kind: 'page' }
  /** Not ours to answer (model files, version.json, anything else): the browser fetches it as usual. */
  | { kind: 'pass' };

/**
 * How a same-origin GET is answered. Keys are the path alone: a lesson URL carries widget state in
 * its query (?seed=3), and the page for every query is the same prerendered file.
 */
export function routeOf(pathname: string, mode: RequestMode, assets: ReadonlySet<string>, base = ''): Route {
  if (isModelFile(pathname, base)) return { kind: 'pass' };
  if (assets.has(pathname)) return { kind: 'precached', key: pathname };
  if (mode === 'navigate') {
    if (!pathname.endsWith('/') && assets.has(`${pathname}/`)) return { kind: 'redirect', location: `${pathname}/` };
    return { kind: 'page' };
  }
  if (pathname.startsWith(`${base}/_app/immutable/`)) return { kind: 'immutable', key: pathname };
  return { kind: 'pass' };
}

/** The caches an activated build deletes: every other build's site cache (the models' cache stays). */
export function staleCaches(keys: readonly string[], current: string): string[] {
  return keys.filter((key) => key.startsWith(SITE_CACHE_PREFIX) && key !== current);
}

/** A stored response's size: its Content-Length when the server sent one, else its body's length. */
export async function responseBytes(response: Response): Promise<number> {
  const length = Number(response.headers.get('content-length'));
  if (Number.isFinite(length) && length > 0 && (response.headers.get('content-encoding') ?? 'identity') === 'identity') return length;
  return (await response.clone().blob()).size;
}
