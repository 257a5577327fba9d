// Vitest globalSetup for the browser tests: checks the site is built, finds (or installs) Chromium,
// serves build/ with COOP/COEP, and hands the base URL and browser path to the tests via provide().
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { findChromium } from './chromium';
import { BUILD_DIR, serveStatic } from './static-server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Origin of the static server over build/, e.g. http://127.0.0.1:41234 */
    baseUrl: string;
    /** Path of the Chromium executable to launch. */
    chromiumPath: string;
  }
}

export function requireBuild(dir: string = BUILD_DIR): void {
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(
      `The browser tests run against the built site, but ${join(dir, 'index.html')} does not exist.\n` +
        `Build it first:  npm run build   (npm test builds before it runs the e2e tests)`,
    );
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  requireBuild();
  const chromiumPath = findChromium();
  const server = await serveStatic(BUILD_DIR);
  project.provide('baseUrl', server.url);
  project.provide('chromiumPath', chromiumPath);
  return () => server.close();
}
