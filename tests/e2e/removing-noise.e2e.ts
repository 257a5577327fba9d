// Lesson 2 (Removing noise) sampling base-64 live in Chromium, in English and Vietnamese: on wasm the
// page's first run is a picture, not noise (neighbouring pixels correlate as in a scene); one seed gives
// one image; a slider moved mid-run delivers only the newest result; runs leave the engine's tensor
// count where it was. On WebGL (forced: here it is a software renderer), a short run does the same.
import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import type { EngineClient } from '../../src/lib/engine/client';
import { neighbours } from '../../src/lib/i18n/catalog';
import { ui } from '../../src/lib/i18n/ui';
import { screenshot, useBrowser } from './browser';
import { BADGE, MAIN_CHANNEL, NOTICE, RUN_STATE, countRuns, meanAbsDiff, runAfter, runs, setSeed, structure, waitForEngine, waitForRun, x0Pixels } from './engine-probe';

const LANGS = ['en', 'vi'] as const;
type Probe = { __noisebookEngine: EngineClient };

/** Structure a scene has and white noise lacks: neighbours correlate (white noise: ≈ 0), values spread. */
function expectScene(image: { side: number; rgb: number[] }): void {
  const { correlation, std } = structure(image);
  expect(correlation).toBeGreaterThan(0.75);
  expect(std).toBeGreaterThan(12); // not one flat colour
}

describe.each(LANGS)('lesson 2, /%s/removing-noise/', (lang) => {
  const { openPage } = useBrowser();
  // English runs every case; Vietnamese, the same code with other words, runs the cases whose words it
  // checks (the test command must stay under 15 minutes on two cores).
  const enOnly = test.skipIf(lang !== 'en');

  /** The lesson with its first run (started by the page itself) finished. */
  async function openLesson(query = ''): Promise<Page> {
    const before = { done: 0, error: 0 };
    const opened = await openPage(`/${lang}/removing-noise/${query}`, { before: async (page) => void (await page.context().addInitScript(countRuns, RUN_STATE)) });
    expect(opened.response?.status()).toBe(200);
    await waitForRun(opened.page, before);
    await waitForEngine(opened.page);
    return opened.page;
  }

  test('the first run samples a scene on wasm, step by step, with the backend badge showing; the build aside is folded and linked; the foot links both neighbours', async () => {
    const page = await openLesson();
    const state = page.locator(RUN_STATE);
    expect(await state.getAttribute('data-steps')).toBe('20');
    expect(await state.getAttribute('data-arrived')).toBe('20'); // every step's frames arrived
    expect(await page.locator(BADGE).getAttribute('data-backend')).toBe('wasm');
    // Without a GPU wasm is chosen untimed and timed after the first job (engine/choice.ts): wait for that.
    await page.waitForSelector(`${BADGE}[data-state="ready"]`, { timeout: 60_000 });
    expect(Number(await page.locator(BADGE).getAttribute('data-ms'))).toBeGreaterThan(0);
    const image = await x0Pixels(page);
    expect(image.side).toBe(64);
    expectScene(image);
    // the control: white noise of the same spread fails the same check
    const noise = { side: 64, rgb: image.rgb.map((_, i) => Math.floor((Math.sin(i * 12.9898) * 43758.5453 % 1 + 1) % 1 * 256)) };
    expect(structure(noise).correlation).toBeLessThan(0.1);
    await screenshot(page, `removing-noise-${lang}-wasm`, '[data-widget="reverse-process"]');

    // The rest of the page, on the same load (each load starts the model again).
    // How the base model was built is folded away, linked from the text, and opens from its summary.
    const aside = page.locator('details.nb-built');
    expect(await aside.evaluateAll((els) => els.map((e) => e.id))).toEqual(['built']);
    expect(await aside.evaluate((e) => (e as HTMLDetailsElement).open)).toBe(false);
    expect(await page.locator('a[href="#built"]').count()).toBeGreaterThan(0);
    const text = aside.locator('p').first();
    expect(await text.isVisible()).toBe(false);
    await aside.locator('summary').click();
    expect(await text.isVisible()).toBe(true);
    // The foot links the previous and the next lesson written in this language, by title, and both pages exist.
    // Expected from the catalog's order and the lesson files, so the test follows lessons going live.
    const { previous, next } = neighbours('removing-noise', (slug) => existsSync(`lessons/${lang}/${slug}.svx`));
    expect(previous?.slug).toBe('adding-noise');
    expect(next, 'lesson 3 is live').toBeDefined();
    const pager = page.getByRole('navigation', { name: ui[lang].lessonNav });
    const prev = pager.locator('a[rel="prev"]');
    const nextLink = pager.locator('a[rel="next"]');
    expect(new URL(await prev.evaluate((a) => (a as HTMLAnchorElement).href)).pathname).toBe(`/${lang}/${previous!.slug}/`);
    expect(await prev.innerText()).toContain(previous!.title[lang]);
    expect(await prev.innerText()).toContain(ui[lang].previous);
    expect(await nextLink.innerText()).toContain(next!.title[lang]);
    expect(await nextLink.innerText()).toContain(ui[lang].next);
    await screenshot(page, `lesson-pager-${lang}`, 'nav.pager');
    // Both pages answer (fetched, not opened: lesson 3 would start its models for nothing here).
    const href = await nextLink.evaluate((a) => (a as HTMLAnchorElement).href);
    expect(new URL(href).pathname).toBe(`/${lang}/${next!.slug}/`);
    for (const [link, lesson] of [[href, next!], [await prev.evaluate((a) => (a as HTMLAnchorElement).href), previous!]] as const) {
      const answer = await page.request.get(link);
      expect(answer.status(), link).toBe(200);
      expect(await answer.text()).toContain(lesson.title[lang]);
    }
  });

  // One load for both: the seed runs are the repeated jobs whose tensors must all be freed (a leak of a
  // run's tensors shows after one run as well as after five).
  enOnly('one seed gives one image; another seed another; the runs leave the engine\'s tensor count where it was', async () => {
    const page = await openLesson('?seed=7');
    const memory = () => page.evaluate(() => (globalThis as unknown as Probe).__noisebookEngine.memory());
    const start = await memory();
    expect(start.numTensors).toBeGreaterThan(0); // the model's weights
    const first = await x0Pixels(page);
    await runAfter(page, () => setSeed(page, 8));
    const other = await x0Pixels(page);
    await runAfter(page, () => setSeed(page, 7));
    const again = await x0Pixels(page);
    expect(meanAbsDiff(again.rgb, first.rgb)).toBe(0);
    expect(meanAbsDiff(other.rgb, first.rgb)).toBeGreaterThan(5);
    await runAfter(page, () => setSeed(page, 9));
    expect((await memory()).numTensors).toBe(start.numTensors);
  });

  enOnly('moving a slider mid-run delivers only the newest run; its image is that setting\'s', async () => {
    const page = await openLesson('?seed=7&w=2');
    // Log every run the page asks of the engine and how it ended.
    await page.evaluate(() => {
      const engine = (globalThis as unknown as Probe).__noisebookEngine;
      const log: { channel: string; w: number; seed: number; frames: number; end: string }[] = [];
      (window as unknown as { __log: typeof log }).__log = log;
      const run = engine.run.bind(engine);
      engine.run = (channel, job, onFrame) => {
        const entry = { channel, w: job.guidance, seed: job.seed, frames: 0, end: 'pending' };
        log.push(entry);
        return run(channel, job, (f) => (entry.frames++, onFrame?.(f))).then(
          (r) => ((entry.end = 'done'), r),
          (e: { code?: string }) => ((entry.end = e.code ?? 'error'), Promise.reject(e)),
        );
      };
    });
    const before = await runs(page);
    await setSeed(page, 11);
    await page.waitForFunction((sel) => Number(document.querySelector<HTMLElement>(sel)?.dataset.arrived) >= 3, RUN_STATE, { polling: 10 });
    await page.locator('input[type="range"][name="w"]').fill('4');
    await waitForRun(page, before);
    type Entry = { channel: string; w: number; seed: number; frames: number; end: string };
    const log = (await page.evaluate(() => (window as unknown as { __log: Entry[] }).__log)).filter((e) => e.channel === MAIN_CHANNEL); // other widgets run their own
    expect(log.map((e) => [e.seed, e.w, e.end])).toEqual([
      [11, 2, 'cancelled'],
      [11, 4, 'done'],
    ]);
    expect(log[0].frames).toBeLessThan(20);
    expect(log[1].frames).toBe(20);
    expect((await runs(page)).done).toBe(before.done + 1); // one "done", the newest run's
    const shown = await x0Pixels(page);
    // the same settings again, uninterrupted: the image shown was the newest run's
    await runAfter(page, () => setSeed(page, 12));
    await runAfter(page, () => setSeed(page, 11));
    expect(meanAbsDiff((await x0Pixels(page)).rgb, shown.rgb)).toBe(0);
  });
});

describe('lesson 2 on WebGL', () => {
  const { openPage } = useBrowser();

  // WebGL here is SwiftShader on the CPU: compiling its shaders is most of this test's time (on a quiet
  // machine the backend's first step about 40 % of it, the lesson-shaped warm-up most of the rest, each
  // 2-step run at a batch of 2 a tenth). So one run on WebGL, not two: its picture is compared with the
  // same seed's on wasm after the fallback, the run that also shows the lesson keeps working. It runs
  // with half-float textures (?webgl=f16), the format of phones and old GPUs and the one that loses
  // most to rounding; float32 textures are compared with wasm in `npm run bench -- webgl`.
  test('forced WebGL on f16 textures samples a short run too; a lost context moves the lesson to wasm and it keeps working', async () => {
    const { page } = await openPage('/en/removing-noise/?steps=2&seed=5&webgl=f16', { before: async (p) => void (await p.context().addInitScript(countRuns, RUN_STATE)) });
    await waitForRun(page, { done: 0, error: 0 });
    await page.locator(`${BADGE} summary`).click();
    await page.locator(`${BADGE} input[value="webgl"]`).check();
    await page.waitForFunction((sel) => document.querySelector<HTMLElement>(sel)?.dataset.backend === 'webgl', BADGE, { timeout: 200_000 });
    const ready = await page.evaluate(() => (globalThis as unknown as Probe).__noisebookEngine.ready);
    expect(ready?.overridden).toBe(true);
    expect(ready?.warmUpMs).toBeGreaterThan(0); // shaders compiled before the first real step
    await runAfter(page, () => setSeed(page, 6));
    expect(await page.locator(BADGE).getAttribute('data-backend')).toBe('webgl'); // the run was WebGL's
    const gpu = (await page.evaluate(() => (globalThis as unknown as Probe).__noisebookEngine.memory())).gpu;
    expect(gpu?.textures).toBe('f16'); // the URL's texture format reached the worker
    const onGl = await x0Pixels(page);
    expectScene(onGl);
    await screenshot(page, 'removing-noise-en-webgl', '[data-widget="reverse-process"]');

    // WEBGL_lose_context, for real: the next run fails with context-lost, the models move on
    await page.evaluate(() => (globalThis as unknown as Probe).__noisebookEngine.forceFault('context-lost'));
    await runAfter(page, () => setSeed(page, 9), 'any'); // the loss hits whichever widget's job runs next
    await page.locator(`${NOTICE}[data-code="context-lost"]`).waitFor({ state: 'visible', timeout: 60_000 });
    await page.waitForFunction((sel) => document.querySelector<HTMLElement>(sel)?.dataset.backend === 'wasm', BADGE, { timeout: 60_000 });
    // the menu shows what runs: the abandoned WebGL choice is unticked, with a note saying so
    await page.waitForFunction((sel) => document.querySelector<HTMLElement>(sel)?.dataset.choice === 'auto', BADGE, { timeout: 10_000 });
    expect(await page.locator(`${BADGE} input[value="webgl"]`).isChecked()).toBe(false);
    await page.locator('[data-testid="backend-dropped"]').waitFor({ state: 'visible', timeout: 10_000 });
    // It keeps working on wasm: WebGL's seed again, a scene, and the same picture on either backend (float rounding apart).
    await runAfter(page, () => setSeed(page, 6));
    const onWasm = await x0Pixels(page);
    expectScene(onWasm);
    expect(meanAbsDiff(onGl.rgb, onWasm.rgb)).toBeLessThan(3);
  }, 300_000); // past 120 s beside another test file on two cores
});
