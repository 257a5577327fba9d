// Server hook (runs at prerender time): writes the page language into <html lang="%lang%"> of
// src/app.html, because <svelte:head> cannot reach the <html> element; and on a lesson page whose first
// widget runs a model, the script that starts the engine's worker from the head (lib/engine/engine-start.js),
// inline, with its hash added to the page's Content-Security-Policy.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { building } from '$app/environment';
import type { Handle } from '@sveltejs/kit';
import { langFromPath } from '$lib/i18n/lang';
import { modelUrl } from '$lib/state/engine.svelte';
import { OPENING_MODELS } from './routes/[lang]/[slug]/opening-models';
import engineStartFile from '$lib/engine/engine-start.js?raw';

/** The engine start as inlined: its comment lines are for the file's readers, not for every page's bytes. */
const engineStartSource = engineStartFile.replace(/^\s*\/\/.*\n/gm, '');

/** The CSP source that allows the inline engine start: a hash of its exact text (CSP 3, 'sha256-…'). */
const ENGINE_START_HASH = `'sha256-${createHash('sha256').update(engineStartSource, 'utf8').digest('base64')}'`;

/** Where Vite put the engine worker's entry in the client output (there before pages are prerendered; src/routes/worker-files.json). */
const WORKERS = join('.svelte-kit', 'output', 'client', '_app', 'immutable', 'workers');

/** The worker's entry file (lib/engine/worker-entry.ts, named worker-entry-<hash>.js by Vite), read once. */
let builtWorker: string | null | undefined;

/**
 * The built worker's URL, or null. Only while prerendering: under `vite dev` the folder may hold an older
 * build's worker, which the dev server does not serve (the client starts its own worker there, as before).
 */
function workerUrl(): string | null {
  if (builtWorker !== undefined) return builtWorker;
  const entries = building && existsSync(WORKERS) ? readdirSync(WORKERS).filter((f) => /^worker-entry-[\w-]+\.js$/.test(f)) : [];
  builtWorker = entries.length === 1 ? `/_app/immutable/workers/${entries[0]}` : null;
  return builtWorker;
}

/**
 * The inline engine-start script for `pathname`, or ''. It goes right after the page's
 * Content-Security-Policy <meta>, so the policy (with its hash) covers it and it runs before the body parses.
 */
function engineStart(pathname: string): string {
  const slug = /^\/[a-z]{2}\/([a-z0-9-]+)\/$/.exec(pathname)?.[1];
  const models = slug === undefined ? undefined : OPENING_MODELS[slug];
  const worker = models ? workerUrl() : null;
  if (!models || !worker) return '';
  // The first model's weights file, so the worker starts it beside the manifest (early-fetch.ts).
  const first = weightsFileOf(models[0]);
  const urls = models.map((m, i) => (i === 0 && first ? `${modelUrl(m)}#${first}` : modelUrl(m)));
  return `<script data-worker="${worker}" data-models="${urls.join(' ')}">${engineStartSource}</script>`;
}

/** The weights file `model`'s shipped manifest names (pretrained/<model>/, served as /models/<model>/), or null. */
function weightsFileOf(model: string): string | null {
  const path = join('pretrained', model, 'manifest.json');
  if (!existsSync(path)) return null;
  const file = (JSON.parse(readFileSync(path, 'utf8')) as { weightsFile?: unknown }).weightsFile;
  return typeof file === 'string' && /^[\w.-]+$/.test(file) ? file : null;
}

/** The CSP <meta> with the engine start's hash added to script-src; null when the page has no such policy. */
function allowEngineStart(meta: string): string | null {
  return /script-src [^;"]*/.test(meta) ? meta.replace(/script-src [^;"]*/, (src) => `${src} ${ENGINE_START_HASH}`) : null;
}

export const handle: Handle = ({ event, resolve }) => {
  const lang = langFromPath(event.url.pathname);
  const start = engineStart(event.url.pathname);
  return resolve(event, {
    transformPageChunk: ({ html }) => {
      const page = html.replace('%lang%', lang);
      if (!start) return page;
      const csp = /<meta http-equiv="content-security-policy"[^>]*>/.exec(page);
      const allowed = csp && allowEngineStart(csp[0]);
      // Without a policy to extend, no inline script: it would be the page's only unlisted one.
      return csp && allowed ? page.replace(csp[0], allowed + start) : page;
    },
  });
};
