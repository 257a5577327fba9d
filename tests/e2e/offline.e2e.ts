// Offline after one visit (issue 17, item 2), in Chromium against copies of build/ on their own servers:
// a lesson visited once reloads and samples with the network cut (the server closed too); a new build
// waits, whole, beside the old one until the page switches, then the old cache is gone (one that cannot
// be downloaded whole is dropped, the old one kept); "save the whole course" shows MB and progress, says
// plainly what failed, and keeps the previous copy; without service workers the course still runs.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from 'vitest';
import { MODEL_CACHE } from '../../src/lib/engine/model-cache';
import { ui } from '../../src/lib/i18n/ui';
import { expectAccessible, recordErrors, screenshot } from './browser';
import { CHROMIUM_ARGS } from './chromium';
import { RUN_STATE, countRuns, structure, waitForEngine, waitForRun, x0Pixels } from './engine-probe';
import { BUILD_DIR, requireBuild, serveStatic, type StaticServer } from './static-server';

const SITE_PREFIX = 'noisebook-site-';
/** A LAN-style host name for 127.0.0.1: plain http there is not a secure context (no service worker, no Cache API). */
const LAN_HOST = 'noisebook.test';

let browser: Browser;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  requireBuild();
  const args = [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${LAN_HOST} 127.0.0.1`];
  browser = await chromium.launch({ executablePath: inject('chromiumPath'), headless: true, args });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await browser?.close();
});

/** A copy of build/ served on its own port, so a test can change files or cut the server. */
async function serveCopy(): Promise<{ dir: string; server: StaticServer }> {
  const dir = mkdtempSync(join(tmpdir(), 'nb-offline-'));
  cpSync(BUILD_DIR, dir, { recursive: true });
  const server = await serveStatic(dir, { compress: false }); // the tests edit and delete files; a stale .br twin would answer for them
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => server.close());
  return { dir, server };
}

async function newPage(options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  cleanups.push(() => context.close());
  await context.addInitScript(countRuns, RUN_STATE);
  const page = await context.newPage();
  return { context, page, errors: recordErrors(page) };
}

/** Waits until this build's service worker is active and controls the page. */
async function controlled(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', undefined, { timeout: 60_000 });
}

function cacheNames(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await caches.keys()).sort());
}

/** Paths stored in one cache (URL path only), or [] when it does not exist. */
function cachedPaths(page: Page, name: string): Promise<string[]> {
  return page.evaluate(async (n) => ((await caches.has(n)) ? (await (await caches.open(n)).keys()).map((r) => new URL(r.url).pathname).sort() : []), name);
}

const pageErrors = (errors: string[]): string[] => errors.filter((e) => e.startsWith('page error'));

describe('offline after one visit', () => {
  test('lesson 2 visited once reloads and samples with the network off; its Vietnamese page too', async () => {
    const { server } = await serveCopy();
    const { context, page, errors } = await newPage();
    await page.goto(`${server.url}/en/removing-noise/`);
    await waitForRun(page, { done: 0, error: 0 });
    await controlled(page);
    // The engine kept the model; the site cache holds the build, without a second copy of the weights.
    await expect.poll(() => cachedPaths(page, MODEL_CACHE)).toContain('/models/base-64/weights.bin');
    const [site] = (await cacheNames(page)).filter((n) => n.startsWith(SITE_PREFIX));
    const sitePaths = await cachedPaths(page, site);
    expect(sitePaths).toEqual(expect.arrayContaining(['/en/removing-noise/', '/vi/removing-noise/', '/models.json']));
    expect(sitePaths.some((p) => p.includes('/workers/') && p.endsWith('.wasm'))).toBe(true);
    expect(sitePaths.filter((p) => p.startsWith('/models/'))).toEqual([]);
    expect(errors, 'console errors of the online visit, the registration and install included').toEqual([]);

    await context.setOffline(true);
    await server.close(); // no server at all: nothing can come from the network
    await page.reload();
    await waitForRun(page, { done: 0, error: 0 });
    await waitForEngine(page);
    await expect.poll(() => page.locator('h1').textContent()).toContain('Removing noise');
    const image = await x0Pixels(page);
    expect(structure(image).correlation).toBeGreaterThan(0.75); // a scene, not noise
    await screenshot(page, 'offline-en-removing-noise-reloaded');

    // A page never opened (the other language) comes from the precache and runs the kept model.
    await page.goto(page.url().replace('/en/', '/vi/'));
    await waitForRun(page, { done: 0, error: 0 });
    expect(structure(await x0Pixels(page)).correlation).toBeGreaterThan(0.75);
    await screenshot(page, 'offline-vi-removing-noise-never-visited', '[data-widget="reverse-process"]');
    expect(pageErrors(errors)).toEqual([]);
  });
});

describe('a new build', () => {
  test('installs whole beside the old one, waits for the page to switch, then replaces the old cache in every tab', async () => {
    const { dir, server } = await serveCopy();
    const { context, page, errors } = await newPage();
    await page.goto(`${server.url}/en/`);
    await controlled(page);
    const [oldCache] = await cacheNames(page);
    expect(oldCache.startsWith(SITE_PREFIX)).toBe(true);
    const oldCount = (await cachedPaths(page, oldCache)).length;

    // The "new build": another version string in the service worker, and a changed page.
    const version = (JSON.parse(readFileSync(join(dir, '_app/version.json'), 'utf8')) as { version: string }).version;
    const swPath = join(dir, 'service-worker.js');
    writeFileSync(swPath, readFileSync(swPath, 'utf8').replaceAll(version, `${version}2`));
    const indexPath = join(dir, 'en/index.html');
    writeFileSync(indexPath, readFileSync(indexPath, 'utf8').replace('<head>', '<head><meta name="nb-build" content="next">'));

    await page.reload(); // the browser checks the service worker script and installs the new one
    const notice = page.getByRole('button', { name: ui.en.updateReload });
    await notice.waitFor({ timeout: 60_000 });
    // Until the switch the page still comes whole from the old build, while the new one is complete beside it.
    expect(await page.locator('meta[name="nb-build"]').count()).toBe(0);
    expect(await cacheNames(page)).toEqual([oldCache, `${SITE_PREFIX}${version}2`].sort());
    expect((await cachedPaths(page, `${SITE_PREFIX}${version}2`)).length).toBe(oldCount);
    await screenshot(page, 'offline-update-ready', '.update');
    const otherTab = await context.newPage(); // a second tab on the old build
    await otherTab.goto(`${server.url}/en/`);
    expect(await otherTab.locator('meta[name="nb-build"]').count()).toBe(0);

    await Promise.all([page.waitForEvent('load'), notice.click()]);
    await expect.poll(() => page.locator('meta[name="nb-build"]').count()).toBe(1);
    await expect.poll(() => otherTab.locator('meta[name="nb-build"]').count()).toBe(1); // it reloaded too
    await expect.poll(() => cacheNames(page)).toEqual([`${SITE_PREFIX}${version}2`]);
    expect(pageErrors(errors)).toEqual([]);
  });
  test('that cannot be downloaded whole is dropped, and the old build keeps working', async () => {
    const { dir, server } = await serveCopy();
    const { context, page, errors } = await newPage();
    await page.goto(`${server.url}/en/adding-noise/`);
    await controlled(page);
    const before = await cacheNames(page);

    const version = (JSON.parse(readFileSync(join(dir, '_app/version.json'), 'utf8')) as { version: string }).version;
    const swPath = join(dir, 'service-worker.js');
    const sw = readFileSync(swPath, 'utf8');
    writeFileSync(swPath, sw.replaceAll(version, `${version}2`));
    const aChunk = /"\/(_app\/immutable\/chunks\/[\w-]+\.js)"/.exec(sw)?.[1];
    expect(aChunk).toBeDefined();
    rmSync(join(dir, aChunk!)); // one file of the "new build" answers 404: its install must fail

    const state = await page.evaluate(async () => {
      const registration = (await navigator.serviceWorker.getRegistration())!;
      const settled = new Promise<string>((done) =>
        registration.addEventListener('updatefound', () => {
          const worker = registration.installing!;
          worker.addEventListener('statechange', () => (worker.state === 'installed' || worker.state === 'redundant') && done(worker.state));
        }),
      );
      await registration.update();
      return settled;
    });
    expect(state).toBe('redundant');
    expect(await cacheNames(page)).toEqual(before); // no half-filled cache of the new version
    expect(await page.getByRole('button', { name: ui.en.updateReload }).count()).toBe(0);

    await context.setOffline(true);
    await server.close();
    await page.reload();
    await expect.poll(() => page.locator('h1').textContent()).toContain('Adding noise');
    expect(pageErrors(errors)).toEqual([]);
  });
});

describe('save the whole course', () => {
  const saveButton = (page: Page, lang: 'en' | 'vi') => page.getByRole('button', { name: ui[lang].offlineSave });

  test('shows MB and progress, names a model that failed, and keeps the previous copy', async () => {
    const { dir, server } = await serveCopy();
    const srWeights = join(dir, 'models/sr-256/weights.bin');
    const srBackup = `${srWeights}.bak`;
    cpSync(srWeights, srBackup);
    rmSync(srWeights); // this model's weights answer 404

    const { page, context } = await newPage();
    await page.goto(`${server.url}/en/`);
    await controlled(page);
    const section = page.locator('.save-course');
    await section.scrollIntoViewIfNeeded(); // the size is measured once the control is in view
    // As many models as the build ships (models.json, read from pretrained/ at build time).
    const shipped = (JSON.parse(readFileSync(join(dir, 'models.json'), 'utf8')) as { models: unknown[] }).models.length;
    expect(shipped).toBeGreaterThanOrEqual(5);
    await expect.poll(() => section.textContent(), { timeout: 30_000 }).toMatch(new RegExp(`about \\d+\\.\\d MB: \\d+ lesson pages in 2 languages, and ${shipped} models\\.`));

    // Slow the page's network so the progress bar can be seen while the models download.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: 1_500_000, uploadThroughput: -1 });
    await saveButton(page, 'en').click();
    await page.waitForFunction(() => /Saving the models: [1-9]/.test(document.querySelector('.save-course .progress')?.textContent ?? ''), undefined, { timeout: 60_000 });
    expect(Number(await section.locator('progress').getAttribute('value'))).toBeGreaterThan(0);
    await screenshot(page, 'offline-save-progress', '.save-course');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    const alert = section.getByRole('alert');
    await alert.waitFor({ timeout: 60_000 });
    expect(await alert.textContent()).toContain('the model sr-256 could not be saved');
    expect(await alert.textContent()).toContain('Everything saved before still works');
    await screenshot(page, 'offline-save-failed', '.save-course');
    await expectAccessible(page, '.save-course');
    const stored = await cachedPaths(page, MODEL_CACHE);
    expect(stored).toEqual(expect.arrayContaining(['/models/base-64/weights.bin', '/models/vae/weights.bin', '/models/sr-1024/manifest.json']));
    expect(stored.filter((p) => p.startsWith('/models/sr-256/'))).toEqual([]);

    // With the file back, the whole course saves.
    cpSync(srBackup, srWeights);
    await saveButton(page, 'en').click();
    await section.getByText(/^Saved\. The whole course \(\d+\.\d MB\)/).waitFor({ timeout: 60_000 });
    await screenshot(page, 'offline-save-done', '.save-course');

    // A "retrained" sr-256 whose weights fail: the stored copy stays, the reader is told.
    const manifestPath = join(dir, 'models/sr-256/manifest.json');
    const original = readFileSync(manifestPath, 'utf8');
    writeFileSync(manifestPath, original.replace(/"weightsSha256": "[0-9a-f]+"/, `"weightsSha256": "${'f'.repeat(64)}"`));
    rmSync(srWeights);
    await saveButton(page, 'en').click();
    await section.getByRole('alert').waitFor({ timeout: 60_000 });
    const kept = await page.evaluate(async (name) => (await (await caches.open(name)).match('/models/sr-256/manifest.json'))?.text(), MODEL_CACHE);
    expect(kept).toBe(original);

    // Offline, a lesson never opened renders from what was saved.
    await context.setOffline(true);
    await server.close();
    await page.goto(`${server.url}/en/cascaded-diffusion/`);
    await expect.poll(() => page.locator('h1').textContent()).toContain('Cascaded diffusion');
  });

  test('the Vietnamese page offers the same control in Vietnamese', async () => {
    const { server } = await serveCopy();
    const { page } = await newPage();
    await page.goto(`${server.url}/vi/`);
    await controlled(page);
    await page.locator('.save-course').scrollIntoViewIfNeeded();
    await expect.poll(() => page.locator('.save-course').textContent(), { timeout: 30_000 }).toMatch(/khoảng \d+,\d MB/);
    expect(await saveButton(page, 'vi').isVisible()).toBe(true);
    await screenshot(page, 'offline-save-vi', '.save-course');
  });
});

describe('without service workers', () => {
  test('over plain http from a LAN name lesson 2 still runs, and the control says why it cannot save', async () => {
    const { page, errors } = await newPage();
    const lan = new URL('/en/removing-noise/', inject('baseUrl'));
    lan.hostname = LAN_HOST;
    await page.goto(lan.href);
    expect(await page.evaluate(() => [isSecureContext, 'serviceWorker' in navigator, 'caches' in globalThis])).toEqual([false, false, false]);
    await waitForRun(page, { done: 0, error: 0 });
    expect(structure(await x0Pixels(page)).correlation).toBeGreaterThan(0.75);
    await expect.poll(() => page.locator('.save-course').textContent()).toContain(ui.en.offlineUnsupported);
    await screenshot(page, 'offline-unsupported', '.save-course');
    expect(pageErrors(errors)).toEqual([]);
  });

  test('a browser that blocks registration gets the same plain message, and the lesson runs', async () => {
    const { page, errors } = await newPage({ serviceWorkers: 'block' });
    await page.goto(new URL('/en/removing-noise/', inject('baseUrl')).href);
    await waitForRun(page, { done: 0, error: 0 });
    await expect.poll(() => page.locator('.save-course').textContent()).toContain(ui.en.offlineUnsupported);
    expect(pageErrors(errors)).toEqual([]);
  });
});
