// Vitest globalSetup for the browser tests: checks the site is built, finds (or installs) Chromium,
// serves build/ with COOP/COEP, and hands the base URL and browser path to the tests via provide().
import type { TestProject } from 'vitest/node';
import { findChromium } from './chromium';
import { BUILD_DIR, requireBuild, serveStatic } from './static-server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Origin of the static server over build/, e.g. http://127.0.0.1:41234 */
    baseUrl: string;
    /** Path of the Chromium executable to launch. */
    chromiumPath: string;
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
