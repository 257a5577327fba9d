// Drives lesson 1's multi-size widget (data-widget="noise-at-scales") in a page: finds its controls,
// waits for image updates (data-updates counter) and fingerprints its canvases' pixels.
import type { Locator, Page } from 'playwright-core';

export const WIDGET = '[data-widget="noise-at-scales"]';
export const SIZES = ['64', '256', '1024'] as const;
export type Size = (typeof SIZES)[number];
export type Hashes = Record<Size, string>;

/** How long a first render (all three sizes, on a slow laptop or SwiftShader) may take. */
const FIRST_RENDER_MS = 60_000;

export function widget(page: Page): Locator {
  return page.locator(WIDGET).first();
}

/** The t slider: the widget's range input (named t when it says so). */
export function tSlider(page: Page): Locator {
  return page.locator(`${WIDGET} input[type="range"][name="t"], ${WIDGET} input[type="range"]`).first();
}

/** The seed input: a number/text input named or labelled seed. */
export function seedInput(page: Page): Locator {
  return page
    .locator(`${WIDGET} input[name="seed"], ${WIDGET} input[data-control="seed"], ${WIDGET} input[type="number"]`)
    .first();
}

/** The new-scene button. */
export function newSceneButton(page: Page): Locator {
  return page.locator(`${WIDGET} [data-action="new-scene"], ${WIDGET} button[name="new-scene"]`).first();
}

/** Number of image updates the widget has finished so far (its data-updates counter). */
export async function updateCount(page: Page): Promise<number> {
  // evaluate, not a locator: a widget that vanished must fail now, not after a 30 s auto-wait.
  const raw = await page.evaluate((sel) => {
    const root = document.querySelector(sel);
    if (!root) throw new Error(`${sel} is not on the page (any more)`);
    return root.getAttribute('data-updates');
  }, WIDGET);
  return raw === null ? 0 : Number(raw);
}

/** Duration of the last update in ms (the widget's data-update-ms). */
export async function lastUpdateMs(page: Page): Promise<number> {
  return page.evaluate((sel) => Number(document.querySelector(sel)?.getAttribute('data-update-ms')), WIDGET);
}

/** Waits until the widget has drawn at least once. */
export async function waitForWidget(page: Page): Promise<void> {
  await page.waitForSelector(WIDGET, { timeout: FIRST_RENDER_MS });
  await page.waitForFunction(
    (sel) => Number(document.querySelector(sel)?.getAttribute('data-updates') ?? 0) >= 1,
    WIDGET,
    { timeout: FIRST_RENDER_MS },
  );
  await settle(page);
}

/** Waits until the update counter passes `after`, then until it has stopped moving. */
export async function waitForUpdate(page: Page, after: number, timeout = FIRST_RENDER_MS): Promise<void> {
  await page.waitForFunction(
    ({ sel, after }) => Number(document.querySelector(sel)?.getAttribute('data-updates') ?? 0) > after,
    { sel: WIDGET, after },
    { timeout },
  );
  await settle(page);
}

/**
 * Waits until no update has landed for quietMs (a slider drag may queue several). A widget that keeps
 * redrawing on its own (an effect loop) fails here after limitMs instead of hanging the run.
 */
export async function settle(page: Page, quietMs = 250, limitMs = 15_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  let last = await updateCount(page);
  while (Date.now() < deadline) {
    await page.waitForTimeout(quietMs);
    const now = await updateCount(page);
    if (now === last) return;
    last = now;
  }
  throw new Error(`the widget kept redrawing for ${limitMs} ms with no input (data-updates reached ${last})`);
}

/** Runs an action that should redraw the images, and waits for the redraw. */
export async function expectRedraw(page: Page, action: () => Promise<unknown>): Promise<void> {
  const before = await updateCount(page);
  await action();
  await waitForUpdate(page, before);
}

/** FNV-1a fingerprint of each size's canvas pixels, read back with getImageData. */
export async function canvasHashes(page: Page): Promise<Hashes> {
  return page.evaluate(
    ({ sel, sizes }) => {
      const out: Record<string, string> = {};
      for (const size of sizes) {
        const canvas = document.querySelector<HTMLCanvasElement>(`${sel} canvas[data-size="${size}"]`);
        if (!canvas) throw new Error(`no canvas[data-size="${size}"] in the widget`);
        const ctx = canvas.getContext('2d');
        if (!ctx) throw new Error(`canvas[data-size="${size}"] has no 2d context`);
        const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let h = 0x811c9dc5;
        for (let i = 0; i < data.length; i++) {
          h ^= data[i];
          h = Math.imul(h, 0x01000193);
        }
        out[size] = `${canvas.width}x${canvas.height}:${(h >>> 0).toString(16)}`;
      }
      return out;
    },
    { sel: WIDGET, sizes: [...SIZES] },
  ) as Promise<Hashes>;
}

/** Range attributes of the t slider, and a value `fraction` of the way along it, on its step grid. */
export async function sliderValueAt(slider: Locator, fraction: number): Promise<string> {
  return slider.evaluate((el, f) => {
    const input = el as HTMLInputElement;
    const min = Number(input.min || 0);
    const max = Number(input.max || 100);
    const step = input.step === 'any' || !input.step ? 0 : Number(input.step);
    let v = min + f * (max - min);
    if (step > 0) v = min + Math.round((v - min) / step) * step;
    return String(Number(v.toFixed(6)));
  }, fraction);
}

/** The schedule picker: a <select>, or a radio group, whose values include 'cosine'. */
export async function scheduleValue(page: Page): Promise<string> {
  return page.evaluate((sel) => {
    const root = document.querySelector(sel)!;
    const select = [...root.querySelectorAll('select')].find((s) => [...s.options].some((o) => o.value === 'cosine'));
    if (select) return select.value;
    const radio = root.querySelector<HTMLInputElement>('input[type="radio"][value="cosine"]');
    if (!radio) throw new Error('no schedule picker (select or radios with a "cosine" value) in the widget');
    const checked = root.querySelector<HTMLInputElement>(`input[type="radio"][name="${radio.name}"]:checked`);
    return checked?.value ?? '';
  }, WIDGET);
}

/** Picks a schedule different from the current one (the next option), by mouse-free DOM means. */
export async function chooseOtherSchedule(page: Page): Promise<string> {
  const current = await scheduleValue(page);
  const select = page.locator(`${WIDGET} select:has(option[value="cosine"])`).first();
  if ((await select.count()) > 0) {
    const values = await select.evaluate((s) => [...(s as HTMLSelectElement).options].map((o) => o.value));
    const next = values[(values.indexOf(current) + 1) % values.length];
    await select.selectOption(next);
    return next;
  }
  const name = await page.locator(`${WIDGET} input[type="radio"][value="cosine"]`).first().getAttribute('name');
  const radios = page.locator(`${WIDGET} input[type="radio"][name="${name}"]`);
  const values = await radios.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
  const next = values[(values.indexOf(current) + 1) % values.length];
  await page.locator(`${WIDGET} input[type="radio"][name="${name}"][value="${next}"]`).check();
  return next;
}

/** The widget's visible text (labels, buttons, option texts, captions). */
export async function visibleWidgetText(page: Page): Promise<string> {
  return widget(page).evaluate((root) => {
    const parts = [(root as HTMLElement).innerText];
    for (const el of root.querySelectorAll('[aria-label], [title], [placeholder], option')) {
      for (const attr of ['aria-label', 'title', 'placeholder']) {
        const v = el.getAttribute(attr);
        if (v) parts.push(v);
      }
      if (el.tagName === 'OPTION') parts.push(el.textContent ?? '');
    }
    return parts.join('\n');
  });
}
