// SvelteKit config: every page prerendered by the static adapter; lessons are mdsvex (.svx) files.
import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { mdsvex } from 'mdsvex';

/** @type {import('@sveltejs/kit').Config} */
export default {
  extensions: ['.svelte', '.svx'],
  preprocess: [vitePreprocess(), mdsvex({ extensions: ['.svx'] })],
  kit: {
    // precompress: a .br and a .gz beside every page, script, style, JSON and .wasm file, for hosts that
    // serve them (nginx gzip_static/brotli_static, Caddy's `precompressed`; Netlify and Cloudflare Pages
    // compress on their own). On the school laptop's 3 Mbit/s (issue 18) the engine's scripts and the
    // wasm binary shrink about 3× (README, "The school laptop"); the model weights do not compress.
    adapter: adapter({ pages: 'build', assets: 'build', fallback: '404.html', strict: true, precompress: true }),
    alias: { $lessons: 'lessons' },
    prerender: { handleHttpError: 'fail', handleMissingId: 'warn' },
    // src/service-worker/ is registered by the layout (state/offline.svelte.ts) only where the browser
    // supports it and never in dev, and without the inline script SvelteKit would otherwise add.
    serviceWorker: { register: false },
    // Content-Security-Policy, written by SvelteKit into a <meta> tag of every prerendered page (a static
    // host sends no headers), with the sha256 of its one inline bootstrap script added to script-src
    // ('hash' mode: nonces cannot work in prebuilt files). Why each source is there:
    // - script-src 'wasm-unsafe-eval': tfjs compiles its .wasm in the page when the engine falls back
    //   to running in the page (engine/client.ts inPageEngine); it allows WebAssembly only, not eval.
    // - worker-src 'self': the engine's module worker and the service worker, both files of this site.
    //   No blob:. tfjs's wasm threads start blob: workers that load a blob: script; in the engine
    //   worker that is allowed (a worker's policy comes from its own response, none on a static host,
    //   and a <meta> policy never reaches it), and tfjs in the page itself (lesson 1, the in-page engine
    //   fallback) runs on one thread (engine/backend.ts, engine/browser-backends.ts).
    // - style-src 'unsafe-inline': KaTeX places every glyph with style="…" attributes (hundreds of
    //   distinct values per page) and Svelte and d3 set style attributes too; hashes cannot cover
    //   attributes without 'unsafe-hashes' and one hash per value. Styles cannot run script.
    // - font-src data:: Vite inlines KaTeX's smallest font files into the stylesheet as data: URLs.
    // Not here, because a <meta> policy ignores them: frame-ancestors, report-uri, sandbox.
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self', 'wasm-unsafe-eval'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:'],
        'font-src': ['self', 'data:'],
        'connect-src': ['self'],
        'worker-src': ['self'],
        'manifest-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
      },
    },
  },
};
