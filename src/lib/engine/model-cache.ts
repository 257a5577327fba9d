// The Cache API store of verified model files, shared by the engine's loader (loader.ts), the page's
// "save the whole course" download (state/offline-save.ts) and the service worker, which leaves it
// alone when a new build replaces the site's cache. Kept apart from loader.ts so the page and the
// service worker can name it without bundling tfjs.

/** Cache name; bump the suffix if the stored layout ever changes. */
export const MODEL_CACHE = 'noisebook-models-v1';

/** The URL paths under which a model's files are stored: `/models/<name>/<file>`, as the loader fetches them. */
export function modelFileUrls(folder: string, weightsFile: string): { manifest: string; weights: string } {
  const base = folder.endsWith('/') ? folder : `${folder}/`;
  return { manifest: `${base}manifest.json`, weights: `${base}${weightsFile}` };
}
