// Helpers for the browser tests of lesson 2 and its engine: the page's run state (counted by an init
// script, so a fast run is never missed between two polls), the x̂₀ image as pixels, its structure,
// and the engine client the page exposes for tests (globalThis.__noisebookEngine).
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { engineErrors } from '../../src/lib/i18n/engine';
import type { Lang } from '../../src/lib/i18n/lang';
import type { EngineErrorCode } from '../../src/lib/engine/protocol';

export const RUN_STATE = '[data-testid="reverse-run-state"]';
export const X0 = 'canvas[data-testid="reverse-x0"]';
export const NOTICE = '[data-testid="engine-notice"]';
export const BADGE = '[data-testid="backend-badge"]';
/** The reverse-process widget's engine channel (src/lib/widgets/reverse-process.svelte.ts CHANNEL). */
export const MAIN_CHANNEL = 'reverse-process';

/** Installed before the page's scripts: counts the run-state element's turns to "done" and "error". */
export function countRuns(selector: string): void {
  const w = window as unknown as { __runs: { done: number; error: number } };
  w.__runs = { done: 0, error: 0 };
  let last = '';
  new MutationObserver(() => {
    const state = document.querySelector<HTMLElement>(selector)?.dataset.state ?? '';
    if (state !== last && (state === 'done' || state === 'error')) w.__runs[state]++;
    last = state;
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
}

export interface Runs {
  done: number;
  error: number;
}

export function runs(page: Page): Promise<Runs> {
  return page.evaluate(() => ({ ...(window as unknown as { __runs: Runs }).__runs }));
}

/** Waits for the run after `before` to end in `outcome` (default done; 'any': either); fails fast on the other outcome. */
export async function waitForRun(page: Page, before: Runs, outcome: 'done' | 'error' | 'any' = 'done', timeout = 90_000): Promise<void> {
  await page
    .waitForFunction(
    ({ before, outcome }) => {
      const now = (window as unknown as { __runs: Runs }).__runs;
      if (outcome === 'any') return now.done + now.error > before.done + before.error;
      const other = outcome === 'done' ? 'error' : 'done';
      if (now[other] > before[other]) throw new Error(`the run ended in ${other}: ${document.querySelector('[data-testid="reverse-run-state"]')?.textContent}`);
      return now[outcome] > before[outcome];
    },
    { before, outcome },
    { timeout, polling: 50 },
  )
    .catch(async (error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\npage then: ${await pageStatus(page)}`);
    });
}

/** What the lesson and its engine showed, for a failure message. */
export function pageStatus(page: Page): Promise<string> {
  return page
    .evaluate(() => {
      const el = (sel: string) => document.querySelector<HTMLElement>(sel);
      const data = (sel: string) => JSON.stringify({ ...el(sel)?.dataset, text: el(sel)?.textContent?.trim().slice(0, 120) });
      const engine = (globalThis as { __noisebookEngine?: { ready: unknown } }).__noisebookEngine;
      return `run ${data('[data-testid="reverse-run-state"]')}; load ${data('[data-testid="load-progress"]')}; engine ${engine ? JSON.stringify(engine.ready) : 'not started'}; runs ${JSON.stringify((window as unknown as { __runs: Runs }).__runs)}`;
    })
    .catch((e: unknown) => `(page unreadable: ${String(e)})`);
}

/** Does `action` (which starts a run) and waits for that run to end in `outcome`. */
export async function runAfter(page: Page, action: () => Promise<unknown>, outcome: 'done' | 'error' | 'any' = 'done'): Promise<void> {
  const before = await runs(page);
  await action();
  await waitForRun(page, before, outcome);
}

/** Types a seed into the seed field (it applies on change, like Enter or leaving the field). */
export async function setSeed(page: Page, seed: number): Promise<void> {
  const input = page.locator('input[name="seed"]');
  await input.fill(String(seed));
  await input.dispatchEvent('change');
}

/** The x̂₀ canvas as RGB bytes, once it shows the last step (two frames after the run ended, so it has been drawn). */
export async function x0Pixels(page: Page): Promise<{ side: number; rgb: number[] }> {
  return page.evaluate(async (sel) => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const canvas = document.querySelector<HTMLCanvasElement>(sel)!;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const rgb: number[] = [];
    for (let i = 0; i < data.length; i += 4) rgb.push(data[i], data[i + 1], data[i + 2]);
    return { side: canvas.width, rgb };
  }, X0);
}

/**
 * Correlation of horizontally and vertically neighbouring pixel values (per channel, pooled): about 0
 * for white noise, near 1 for a picture made of regions (sky, sea, walls). Also the spread (std) of
 * the values, so a flat grey image does not pass as "smooth".
 */
export function structure({ side, rgb }: { side: number; rgb: number[] }): { correlation: number; std: number } {
  const at = (x: number, y: number, c: number) => rgb[(y * side + x) * 3 + c];
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (const v of rgb) {
    sum += v;
    sumSq += v * v;
    n++;
  }
  const mean = sum / n;
  const variance = sumSq / n - mean * mean;
  let cov = 0;
  let pairs = 0;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      for (let c = 0; c < 3; c++) {
        if (x + 1 < side) {
          cov += (at(x, y, c) - mean) * (at(x + 1, y, c) - mean);
          pairs++;
        }
        if (y + 1 < side) {
          cov += (at(x, y, c) - mean) * (at(x, y + 1, c) - mean);
          pairs++;
        }
      }
    }
  }
  return { correlation: cov / pairs / variance, std: Math.sqrt(variance) };
}

/** Mean absolute difference of two images, in 8-bit levels. */
export function meanAbsDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(a[i] - b[i]);
  return d / a.length;
}

/** The longest stretch of a fault's sentence with no placeholder: text that must be on the page. */
export function faultText(lang: Lang, code: EngineErrorCode): string {
  return engineErrors[lang][code]
    .split(/\{[a-z]+\}/)
    .reduce((a, b) => (b.trim().length > a.length ? b.trim() : a), '');
}

/** Waits for the page's engine client to exist and to have reported a backend. */
export async function waitForEngine(page: Page): Promise<void> {
  await page.waitForFunction(() => Boolean((globalThis as { __noisebookEngine?: { ready: unknown } }).__noisebookEngine?.ready), undefined, { timeout: 60_000, polling: 50 });
}
