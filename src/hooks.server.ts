// Server hook (runs at prerender time): writes the page language into <html lang="%lang%"> of
// src/app.html, because <svelte:head> cannot reach the <html> element.
import type { Handle } from '@sveltejs/kit';
import { langFromPath } from '$lib/i18n/lang';

export const handle: Handle = ({ event, resolve }) => {
  const lang = langFromPath(event.url.pathname);
  return resolve(event, { transformPageChunk: ({ html }) => html.replace('%lang%', lang) });
};
