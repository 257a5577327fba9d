// Benchmark section: lesson 1's forward-noising update in Chromium. Moves the t slider n times and
// reads the widget's own data-update-ms after each update; also times the in-page reference matmul so
// the figure can be compared across machines (measurements.md §2.4). Target: 1024 update < 50 ms.
import type { Page } from 'playwright-core';
import { SIZES, WIDGET, tSlider, updateCount, waitForUpdate, waitForWidget } from '../../tests/e2e/noise-widget';
import { newPage, openSite, referenceMatmulMs } from './browser';
import { median, type BenchSection, type Row } from './section';

/** data-update-ms of each size's canvas (or its [data-size] wrapper), falling back to the widget's. */
function readTimings(page: Page): Promise<{ all: number; sizes: Record<string, number> }> {
  return page.evaluate(
    ({ sel, sizes }) => {
      const root = document.querySelector(sel)!;
      const bySize: Record<string, number> = {};
      for (const size of sizes) {
        const el = root.querySelector(`[data-size="${size}"][data-update-ms]`) ?? root.querySelector(`[data-size="${size}"]`)?.closest('[data-update-ms]');
        if (el && el !== root) bySize[size] = Number(el.getAttribute('data-update-ms'));
      }
      return { all: Number(root.getAttribute('data-update-ms')), sizes: bySize };
    },
    { sel: WIDGET, sizes: [...SIZES] },
  );
}

export const noising: BenchSection = {
  name: 'noising',
  title: 'Lesson 1 forward noising in Chromium (ms per widget update)',
  async run({ n }) {
    const page = await newPage('/en/adding-noise/');
    // The first draw at page load has no input to time from (the widget leaves data-update-ms unset).
    await waitForWidget(page);

    const slider = tSlider(page);
    const [min, max] = await slider.evaluate((el) => [Number((el as HTMLInputElement).min), Number((el as HTMLInputElement).max)]);
    const samples: { all: number; sizes: Record<string, number> }[] = [];
    for (let i = 0; i < n; i++) {
      // Spread the values over the range (never the same twice in a row) so every move redraws.
      const value = Math.round(min + ((i * 0.618034) % 1) * (max - min));
      const before = await updateCount(page);
      await slider.fill(String(value === Number(await slider.inputValue()) ? Math.min(max, value + 1) : value));
      await waitForUpdate(page, before);
      samples.push(await readTimings(page));
    }
    const reference = await referenceMatmulMs(page);
    await page.context().close();

    const row = (label: string, pick: (s: { all: number; sizes: Record<string, number> }) => number | undefined, target?: number): Row => {
      const values = samples.map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v));
      const med = median(values);
      return {
        label,
        value: med,
        unit: 'ms',
        details: { first: values[0] ?? NaN, min: Math.min(...values), n: values.length, ratio: med / reference },
        target: target === undefined ? undefined : { op: '<', value: target },
      };
    };
    const perSize = SIZES.filter((s) => samples.every((x) => x.sizes[s] !== undefined));
    const rows: Row[] = perSize.map((s) => row(`update ${s}×${s}`, (x) => x.sizes[s], s === '1024' ? 50 : undefined));
    // Without per-size timings the widget's one figure covers all three sizes, 1024 included.
    rows.push(row('update, all sizes (widget data-update-ms)', (x) => x.all, perSize.includes('1024') ? undefined : 50));
    rows.push({ label: 'reference: JS 256³ f32 matmul, min of 7', value: reference, unit: 'ms' });
    return {
      rows,
      notes: {
        browser: (await openSite()).browser.version(),
        moves: n,
        first: 'the first slider move after load (its 1024 work is cold)',
        ratio: 'median update ms ÷ reference matmul ms (lower is faster; comparable across machines)',
      },
    };
  },
};
