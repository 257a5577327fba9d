import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

// COOP/COEP make the page cross-origin isolated, which threaded wasm needs (measurements.md §2.1).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [sveltekit()],
  server: { headers: isolation, fs: { allow: ['lessons', 'pretrained'] } },
  preview: { headers: isolation },
  // The engine's worker imports tfjs backends on demand, so it is split into chunks: only ES-module
  // workers may be (the default IIFE format refuses code splitting).
  worker: { format: 'es' },
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/train/**/*.test.ts', 'tests/models/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    pool: 'forks',
    // Both cores: vitest's default leaves one free (one fork on this 2-core machine); two forks took the
    // unit tests from 218 s to 157 s in a fresh clone, keeping `npm test` under 15 minutes.
    maxWorkers: 2,
  },
});
