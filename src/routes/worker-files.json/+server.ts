// /worker-files.json: the engine worker's script, chunks and wasm binaries. The service worker's
// `build` list comes from the client manifest, which leaves out what Vite bundles for a Web Worker;
// the worker files are already in the client output when pages are prerendered, so this list, read
// from there, lets the service worker precache them too (src/service-worker/).
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

export const prerender = true;
export const trailingSlash = 'never';

/** SvelteKit's client output; absent under `vite dev`, where the list is empty (nothing is precached). */
const CLIENT_OUT = join('.svelte-kit', 'output', 'client');
const WORKERS = join(CLIENT_OUT, '_app', 'immutable', 'workers');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

export const GET: RequestHandler = () => {
  const files = existsSync(WORKERS) ? walk(WORKERS).map((path) => `/${relative(CLIENT_OUT, path).split(sep).join('/')}`).sort() : [];
  return json({ files });
};
