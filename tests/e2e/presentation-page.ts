// Drives presentation mode in a page (PresentationMode.svelte): which widget fills the screen, the
// bar, the key list, and the widgets each lesson must offer. Shared by presentation.e2e.ts.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { SCREENSHOT_DIR } from './browser';

/** Every presentable widget of each lesson, by the id its URL uses (?present=<id>). */
export const LESSON_WIDGETS: Record<string, readonly string[]> = {
  'adding-noise': ['noise-at-scales', 'forward-formula', 'schedule-curves', 'pixel-histogram', 'pooling-and-snr'],
  'removing-noise': ['reverse-process', 'step-counts', 'same-seed'],
  'cascaded-diffusion': ['cascade-run', 'cascade-models', 'defect-painter', 'cascade-compare', 'augmentation-levels'],
  'the-autoencoder': ['squeeze-restore', 'own-image', 'decoder-compare', 'loss-curves', 'latent-prior', 'latent-patch'],
  'latent-diffusion': ['latent-steps', 'latent-disturb', 'seed-walk'],
  'cascade-vs-latent': ['run-both', 'defect-both', 'cost-table'],
};

/**
 * The lesson state each presentation test's link carries beside ?present: the fewest sampling steps the
 * lesson tests use. The pages start their models on load, and these tests are about the mode, not the
 * pictures: at the default step counts the runs would take the CPU from the clicks for a minute or more.
 */
export const LESSON_QUERY: Record<string, string> = {
  'adding-noise': '',
  'removing-noise': 'steps=5&',
  'cascaded-diffusion': 's64=5&s256=2&s1024=2&',
  'the-autoencoder': '',
  'latent-diffusion': 'steps=10&at=5&',
  'cascade-vs-latent': 'steps=10&at=5&',
};

export const BAR = '[data-testid="present-bar"]';
export const KEYS = '[data-testid="present-keys"]';
export const NOTICE = '[data-testid="present-notice"]';

/** The id of the widget on screen, or null outside presentation mode. */
export function presented(page: Page): Promise<string | null> {
  return page.evaluate(() => document.querySelector('[data-presenting]')?.getAttribute('data-presenting') ?? null);
}

/** Waits until `id` (or nothing, for null) is the presented widget. */
export async function expectPresented(page: Page, id: string | null): Promise<void> {
  await expect.poll(() => presented(page), { timeout: 30_000 }).toBe(id);
  // A key pressed in the same instant as a freshly hydrated page shows the widget was seen to be lost
  // on this busy machine; a person never presses that fast.
  await page.waitForTimeout(300);
}

/** The Present buttons of the page, in page order, by widget id. */
export function presentButtons(page: Page): Promise<string[]> {
  return page.evaluate(() => [...document.querySelectorAll('.nb-present-button')].map((b) => b.getAttribute('data-present') ?? ''));
}

export function param(page: Page, name: string): string | null {
  return new URL(page.url()).searchParams.get(name);
}

/** Where the presented widget and the bar are, and whether anything spills out sideways. */
export function layout(page: Page) {
  return page.evaluate(() => {
    const widget = document.querySelector<HTMLElement>('[data-presenting]')!;
    const bar = document.querySelector<HTMLElement>('[data-testid="present-bar"]')!;
    const title = widget.querySelector<HTMLElement>('.nb-widget-title, h3');
    const box = (el: Element) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, left: r.left, right: r.right, bottom: r.bottom, height: r.height };
    };
    // Controls cut off at the bar's right edge, or a widget wider than the screen.
    const barControls = [...bar.querySelectorAll('button')].map((b) => b.getBoundingClientRect().right);
    return {
      viewport: { width: innerWidth, height: innerHeight },
      widget: box(widget),
      bar: box(bar),
      titleHeight: title ? title.getBoundingClientRect().height : 0,
      widgetOverflowX: widget.scrollWidth - widget.clientWidth,
      barRightmost: Math.max(...barControls),
    };
  });
}

/** The presented widget fills the screen under the bar, and neither spills out sideways. */
export async function expectFillsScreen(page: Page): Promise<void> {
  const l = await layout(page);
  expect(l.bar.top).toBe(0);
  expect(l.widget.left).toBeCloseTo(0, 0);
  expect(l.widget.right).toBeCloseTo(l.viewport.width, 0);
  expect(l.widget.bottom).toBeCloseTo(l.viewport.height, 0);
  expect(Math.abs(l.widget.top - l.bar.bottom)).toBeLessThan(2);
  expect(l.widgetOverflowX).toBeLessThanOrEqual(1);
  expect(l.barRightmost).toBeLessThanOrEqual(l.viewport.width);
  // Readable from the back: the widget's title line is at least 3.5% of the screen's height (3.8% as
  // laid out now; a lesson page at 4K draws it at about 1.4%, so a missing zoom fails here).
  expect(l.titleHeight / l.viewport.height).toBeGreaterThan(0.035);
}

/** Saves what the screen shows (not the whole page behind the mode) to screenshots/<name>.png. */
export async function screenshotScreen(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}
