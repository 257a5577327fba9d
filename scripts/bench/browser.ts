// Shared by the browser sections of the benchmark: one static server over build/ (the same one the
// e2e tests use, with COOP/COEP) and one headless Chromium, started on first use and closed at the end.
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../tests/e2e/chromium';
import { requireBuild, serveStatic, type StaticServer } from '../../tests/e2e/static-server';

export interface Site {
  /** Origin of the served build, e.g. http://127.0.0.1:41234 */
  url: string;
  browser: Browser;
}

let server: StaticServer | undefined;
let site: Promise<Site> | undefined;

/** The served build and a launched Chromium; the first call starts them. */
export function openSite(): Promise<Site> {
  site ??= (async () => {
    requireBuild();
    server = await serveStatic();
    const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS });
    return { url: server.url, browser };
  })();
  return site;
}

/** Closes the browser and the server if they were started. */
export async function closeSite(): Promise<void> {
  if (site) await (await site).browser.close();
  await server?.close();
  site = undefined;
  server = undefined;
}

/** A fresh page (own context) at `path` of the served build, with a desktop-sized viewport. */
export async function newPage(path: string): Promise<Page> {
  const { url, browser } = await openSite();
  // No service worker: its install would download the whole build during the measured page load.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(new URL(path, url).href, { waitUntil: 'load' });
  return page;
}

/**
 * The in-page reference workload of measurements.md §2.4: a pure-JS 256³ float32 matmul, one
 * warm-up then 7 timed runs, the minimum in ms. Dividing a timing by it removes most machine drift.
 */
export function referenceMatmulMs(page: Page): Promise<number> {
  // No named inner functions: tsx (esbuild keepNames) would wrap them in a __name() helper that
  // does not exist inside the page.
  return page.evaluate(() => {
    const n = 256;
    const a = new Float32Array(n * n);
    const b = new Float32Array(n * n);
    const c = new Float32Array(n * n);
    for (let i = 0; i < n * n; i++) {
      a[i] = ((i * 7919) % 1000) / 1000;
      b[i] = ((i * 104729) % 1000) / 1000;
    }
    let best = Infinity;
    for (let run = -1; run < 7; run++) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < n; k++) {
          const aik = a[i * n + k];
          for (let j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
        }
      }
      if (run >= 0) best = Math.min(best, performance.now() - t0); // run -1 is the warm-up
    }
    return best + c[0] * 0; // keep c alive
  });
}
