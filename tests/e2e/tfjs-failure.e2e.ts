// When TensorFlow.js cannot start at all (no WebAssembly, the .wasm binaries unreachable and the cpu
// backend's code failing to load), lesson 1 must still read: prose and math render, the images (plain
// typed-array code) still draw, and the engine line says what went wrong in plain words.
import { describe, expect, test } from 'vitest';
import type { Page, Route } from 'playwright-core';
import { addingNoise } from '../../src/lib/i18n/adding-noise';
import { screenshot, useBrowser } from './browser';
import { SIZES, WIDGET, canvasHashes, waitForWidget } from './noise-widget';

/**
 * Recognises the chunk that registers tfjs's cpu backend: minified, registerBackend('cpu', () => new
 * MathBackendCPU(), 1) keeps the literal "cpu", an arrow that constructs, and the priority 1.
 */
const CPU_BACKEND_REGISTRATION = /\(\s*["']cpu["']\s*,\s*\(\)\s*=>\s*new\s+[\w$]+(\(\))?\s*,\s*1\s*\)/;

/** Breaks every way tfjs could start: WebAssembly gone, .wasm requests aborted, the cpu chunk aborted. */
async function breakTfjs(page: Page): Promise<{ abortedCpuChunks: string[] }> {
  const abortedCpuChunks: string[] = [];
  await page.addInitScript(() => {
    // @ts-expect-error: simulating a browser without WebAssembly
    delete globalThis.WebAssembly;
  });
  await page.route('**/*.wasm', (route) => route.abort());
  await page.route(/\.m?js(\?.*)?$/, async (route: Route) => {
    const response = await route.fetch();
    const body = await response.text();
    if (CPU_BACKEND_REGISTRATION.test(body)) {
      abortedCpuChunks.push(new URL(route.request().url()).pathname);
      return route.abort();
    }
    return route.fulfill({ response, body });
  });
  return { abortedCpuChunks };
}

describe('lesson 1 when TensorFlow.js cannot start (wasm and cpu both fail)', () => {
  const { openPage } = useBrowser();
  const failed = addingNoise.en.engineFailed.split('{reason}')[0];

  test('prose and math still render, the images still draw, and a plain error message says tfjs failed', async () => {
    let broken: { abortedCpuChunks: string[] } = { abortedCpuChunks: [] };
    const { page, errors } = await openPage('/en/adding-noise/', {
      before: async (p) => {
        broken = await breakTfjs(p);
      },
    });
    await waitForWidget(page);
    const alert = page.locator(`${WIDGET} [role="alert"]`);
    await alert.waitFor({ timeout: 30_000 });
    const message = await alert.innerText();
    expect(message.startsWith(failed), `"${message}" starts with "${failed}"`).toBe(true);
    // The reason names both backends that were tried.
    expect(message).toMatch(/wasm:/);
    expect(message).toMatch(/cpu:/);
    expect(broken.abortedCpuChunks.length, 'the cpu backend chunk was found and blocked').toBeGreaterThan(0);

    // Prose: the lesson's paragraphs are there; math: KaTeX produced its markup.
    const prose = await page.locator('main p').allInnerTexts();
    expect(prose.join(' ').length).toBeGreaterThan(1000);
    expect(await page.locator('main .katex').count()).toBeGreaterThan(5);
    expect(await page.locator('main .katex-error').count()).toBe(0);

    // The images do not need tfjs: all three sizes are drawn and differ.
    expect(new Set(Object.values(await canvasHashes(page))).size).toBe(SIZES.length);
    await screenshot(page, 'lesson1-en-tfjs-failed');
    await screenshot(page, 'lesson1-en-tfjs-failed-widget', WIDGET);

    // Only the blocked downloads may complain; nothing may throw.
    const unexpected = errors.filter((e) => !/Failed to load resource|net::ERR_FAILED/.test(e));
    expect(unexpected).toEqual([]);
  });

  test('with only WebAssembly broken, tfjs falls back to the cpu backend and the page says so', async () => {
    const { page } = await openPage('/en/adding-noise/', {
      before: async (p) => {
        await p.addInitScript(() => {
          // @ts-expect-error: simulating a browser without WebAssembly
          delete globalThis.WebAssembly;
        });
        await p.route('**/*.wasm', (route) => route.abort());
      },
    });
    await waitForWidget(page);
    const fallback = addingNoise.en.engineFallback.split('{reason}')[0];
    await page.waitForFunction((text) => document.body.innerText.includes(text), fallback, { timeout: 60_000 });
    expect(await page.locator(`${WIDGET} [role="alert"]`).count()).toBe(0);
  });
});
