// SvelteKit config: every page prerendered by the static adapter; lessons are mdsvex (.svx) files.
import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { mdsvex } from 'mdsvex';

/** @type {import('@sveltejs/kit').Config} */
export default {
  extensions: ['.svelte', '.svx'],
  preprocess: [vitePreprocess(), mdsvex({ extensions: ['.svx'] })],
  kit: {
    adapter: adapter({ pages: 'build', assets: 'build', fallback: '404.html', strict: true }),
    alias: { $lessons: 'lessons' },
    prerender: { handleHttpError: 'fail', handleMissingId: 'warn' },
    // src/service-worker/ is registered by the layout (state/offline.svelte.ts) only where the browser
    // supports it and never in dev, and without the inline script SvelteKit would otherwise add.
    serviceWorker: { register: false },
  },
};
