// Server hook (runs at prerender time): writes the page language into <html lang="%lang%"> of
// src/app.html, because <svelte:head> cannot reach the <html> element; and on a lesson page whose first
// widget runs a model, the script that starts the engine's worker from the head (static/engine-start.js).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { building } from '$app/environment';
import type { Handle } from '@sveltejs/kit';
import { langFromPath } from '$lib/i18n/lang';
import { modelUrl } from '$lib/state/engine.svelte';
import { OPENING_MODELS } from './routes/[lang]/[slug]/opening-models';

/** Where Vite put the engine worker's entry in the client output (there before pages are prerendered; src/routes/worker-files.json). */
const WORKERS = join('.svelte-kit', 'output', 'client', '_app', 'immutable', 'workers');

/**
 * The built worker's URL, or null. Only while prerendering: under `vite dev` the folder may hold an older
 * build's worker, which the dev server does not serve (the client starts its own worker there, as before).
 */
function workerUrl(): string | null {
  const entries = building && existsSync(WORKERS) ? readdirSync(WORKERS).filter((f) => /^worker-[\w-]+\.js$/.test(f)) : [];
  return entries.length === 1 ? `/_app/immutable/workers/${entries[0]}` : null;
}

/**
 * The engine-start tag for `pathname`, or ''. Async, so nothing waits for it; after the page's
 * Content-Security-Policy <meta>, so the policy covers it.
 */
function engineStart(pathname: string): string {
  const slug = /^\/[a-z]{2}\/([a-z0-9-]+)\/$/.exec(pathname)?.[1];
  const models = slug === undefined ? undefined : OPENING_MODELS[slug];
  const worker = models ? workerUrl() : null;
  return models && worker ? `<script async src="/engine-start.js" data-worker="${worker}" data-models="${models.map(modelUrl).join(' ')}"></script>` : '';
}

export const handle: Handle = ({ event, resolve }) => {
  const lang = langFromPath(event.url.pathname);
  const start = engineStart(event.url.pathname);
  return resolve(event, {
    transformPageChunk: ({ html }) => {
      const page = html.replace('%lang%', lang);
      if (!start) return page;
      const csp = /<meta http-equiv="content-security-policy"[^>]*>/.exec(page);
      return csp ? page.replace(csp[0], csp[0] + start) : page.replace('</head>', `${start}</head>`);
    },
  });
};
