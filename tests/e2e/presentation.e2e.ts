// Presentation mode in a real browser, in English and Vietnamese: every widget of every lesson opens
// from its button and from a link (?present=<id>, with the widget's own state), fills a 1280×720 and a
// 4K screen with readable type, and answers the keys (arrows, Space, Escape, ?, next/previous)
// without taking them from text fields; axe is clean in both contrasts. Screenshots: screenshots/present-*.
import { describe, expect, test } from 'vitest';
import { actionText, presentationText } from '../../src/lib/i18n/presentation';
import { expectAccessible, useBrowser } from './browser';
import { BAR, KEYS, LESSON_QUERY, LESSON_WIDGETS, NOTICE, expectFillsScreen, expectPresented, param, presentButtons, screenshotScreen } from './presentation-page';

const LANGS = ['en', 'vi'] as const;
const PROJECTOR = { width: 1280, height: 720 };
const UHD = { width: 3840, height: 2160 };

describe.each(LANGS)('presentation mode, %s', (lang) => {
  const { openPage } = useBrowser();
  const t = presentationText[lang];
  // English runs every case on every lesson; Vietnamese, the same code with other words, runs each kind of
  // case once, on the last lesson, and the key list, whose words it checks (the test command must stay
  // under 15 minutes on two cores).
  const enOnly = test.skipIf(lang !== 'en');
  const lessons = Object.entries(LESSON_WIDGETS).filter((_, i, all) => lang === 'en' || i === all.length - 1);

  // One page load per lesson for both ways in (the pages start their models on load, seconds of CPU each):
  // the link first, then Escape back to the lesson and every widget's button in turn.
  test.each(lessons)('%s: a link with ?present=<id> opens that widget and next/previous walk the lesson, each step a link; every widget has a Present button that opens it alone, and Escape returns to it', async (slug, ids) => {
    // The link opens the last widget, the deepest in the page; walking back and forth checks each
    // widget's own link is in the address bar.
    const last = ids.at(-1)!;
    const { page, expectNoConsoleErrors } = await openPage(`/${lang}/${slug}/?${LESSON_QUERY[slug]}present=${last}`, { viewport: PROJECTOR });
    await expectPresented(page, last);
    await expectFillsScreen(page);
    await page.waitForTimeout(1500); // the first images, for the screenshot
    await screenshotScreen(page, `present-${last}-${lang}-1280x720`);
    await page.keyboard.press('n');
    await expect.poll(() => page.locator(NOTICE).textContent()).toBe(t.noNext);
    for (let i = ids.length - 1; i >= 0; i--) {
      await expectPresented(page, ids[i]);
      expect(param(page, 'present')).toBe(ids[i]);
      expect(await page.locator('[data-testid="present-position"]').textContent()).toContain(String(i + 1));
      if (i > 0) await page.keyboard.press(i % 2 === 0 ? 'PageUp' : 'p');
    }
    // force: the button is aria-disabled at the first widget (Playwright waits for enabled ones), yet it
    // must still answer a click with the notice.
    await page.locator('[data-testid="present-previous"]').click({ force: true });
    await expect.poll(() => page.locator(NOTICE).textContent()).toBe(t.noPrevious);
    await page.locator('[data-testid="present-next"]').click();
    await expectPresented(page, ids[1] ?? null);
    await page.keyboard.press('PageDown');
    await expectPresented(page, ids[2] ?? ids[1]);
    await expectFillsScreen(page);

    // Back in the lesson: every widget's Present button, in page order, opens it alone.
    await page.keyboard.press('Escape');
    await expectPresented(page, null);
    expect(param(page, 'present')).toBeNull();
    await expect.poll(() => presentButtons(page), { timeout: 60_000 }).toEqual(ids);
    for (const id of ids) {
      const button = page.locator(`.nb-present-button[data-present="${id}"]`);
      expect(await button.getAttribute('aria-label')).toContain(t.present);
      await button.click();
      await expectPresented(page, id);
      expect(param(page, 'present')).toBe(id);
      await expect.poll(() => page.locator(BAR).isVisible()).toBe(true);
      await expectFillsScreen(page);
      await page.keyboard.press('Escape');
      await expectPresented(page, null);
      expect(param(page, 'present')).toBeNull();
      // Back in the lesson at the same widget, the focus on its button for the next one.
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-present'))).toBe(id);
      expect(await page.locator(BAR).isVisible()).toBe(false);
    }
    expectNoConsoleErrors();
  }, 300_000);

  enOnly('lesson 1: ←/→ step t, Space sweeps it and pauses, and the state in the link is the state shown', async () => {
    const { page, expectNoConsoleErrors } = await openPage(`/${lang}/adding-noise/?t=400&schedule=cosine&present=pixel-histogram`, { viewport: PROJECTOR });
    await expectPresented(page, 'pixel-histogram');
    await expect.poll(() => page.locator('[data-presenting] input[type="range"]').first().inputValue()).toBe('400');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => param(page, 't')).toBe('450');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => param(page, 't')).toBe('350');
    expect(param(page, 'schedule')).toBe('cosine');
    expect(param(page, 'present')).toBe('pixel-histogram');
    // The sweep moves the slider at once; the URL is written after it stops (UrlState's debounce).
    const slider = () => page.locator('[data-presenting] input[type="range"]').first().inputValue().then(Number);
    await page.keyboard.press('Space');
    await expect.poll(slider, { timeout: 15_000 }).toBeGreaterThan(400);
    await page.keyboard.press('Space');
    await page.waitForTimeout(300);
    const settled = await slider();
    await page.waitForTimeout(800);
    expect(await slider()).toBe(settled);
    await expect.poll(() => Number(param(page, 't'))).toBe(settled);
    // Keys typed into a text field stay there (no step, run, next or key list); Escape still leaves.
    await page.keyboard.press('PageUp');
    await expectPresented(page, 'schedule-curves');
    await page.keyboard.press('PageUp');
    await page.keyboard.press('PageUp');
    await expectPresented(page, 'noise-at-scales');
    const seed = page.locator('[data-presenting] input[type="number"]').first();
    await seed.click();
    for (const key of ['ArrowLeft', 'n', 'Space', '?', 'c']) await seed.press(key);
    await page.waitForTimeout(400);
    expect(Number(param(page, 't'))).toBe(settled);
    await expectPresented(page, 'noise-at-scales');
    expect(await page.locator(KEYS).isVisible()).toBe(false);
    await seed.press('Escape');
    await expectPresented(page, null);
    expectNoConsoleErrors();
  }, 240_000);

  test('? lists the keys in the page language, says which do nothing here, and Escape closes only the list', async () => {
    const { page, expectNoConsoleErrors } = await openPage(`/${lang}/cascaded-diffusion/?${LESSON_QUERY['cascaded-diffusion']}present=defect-painter`, { viewport: PROJECTOR });
    await expectPresented(page, 'defect-painter');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator(NOTICE).textContent()).toBe(t.noStep);
    await page.keyboard.press('Space');
    await expect.poll(() => page.locator(NOTICE).textContent()).toBe(t.noRun);
    await page.keyboard.press('?');
    const list = page.locator(KEYS);
    await expect.poll(() => list.isVisible()).toBe(true);
    const text = (await list.textContent()) ?? '';
    for (const line of [t.keysTitle, ...Object.values(actionText[lang]), t.noStep, t.noRun]) expect(text).toContain(line);
    expect(await list.locator('tr[data-missing="yes"]').count()).toBe(3);
    await expectAccessible(page);
    await screenshotScreen(page, `present-keys-${lang}-1280x720`);
    await page.keyboard.press('Escape');
    await expect.poll(() => list.isVisible()).toBe(false);
    await expectPresented(page, 'defect-painter');
    // A widget with a run has it listed as working.
    await page.keyboard.press('PageUp');
    await page.keyboard.press('PageUp');
    await expectPresented(page, 'cascade-run');
    await page.keyboard.press('?');
    await expect.poll(() => list.isVisible()).toBe(true);
    expect(await list.locator('tr[data-action="run"]').getAttribute('data-missing')).toBe('no');
    await page.keyboard.press('?');
    await expect.poll(() => list.isVisible()).toBe(false);
    expectNoConsoleErrors();
  }, 240_000);

  enOnly('lesson 2: the arrows step the reverse process and Space plays it', async () => {
    const { page } = await openPage(`/${lang}/removing-noise/?steps=10&present=reverse-process`, { viewport: PROJECTOR });
    await expectPresented(page, 'reverse-process');
    await page.locator('[data-testid="reverse-run-state"][data-state="done"]').waitFor({ timeout: 110_000 });
    const step = () => page.locator('[data-testid="reverse-xt"]').getAttribute('data-step');
    expect(await step()).toBe('10');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(step).toBe('8');
    await page.keyboard.press('ArrowRight');
    await expect.poll(step).toBe('9');
    await page.keyboard.press('Space');
    await expect.poll(step, { timeout: 10_000 }).not.toBe('9');
    await screenshotScreen(page, `present-reverse-process-${lang}-1280x720-stepping`);
  }, 240_000);

  enOnly('high contrast: the button and C switch it, the link keeps it, axe is clean in both', async () => {
    const { page, expectNoConsoleErrors } = await openPage(`/${lang}/adding-noise/?present=noise-at-scales`, { viewport: PROJECTOR });
    await expectPresented(page, 'noise-at-scales');
    await expectAccessible(page);
    const isHigh = () => page.evaluate(() => document.documentElement.classList.contains('nb-high-contrast'));
    await page.locator('[data-testid="present-contrast"]').click();
    await expect.poll(isHigh).toBe(true);
    expect(await page.locator('[data-testid="present-contrast"]').getAttribute('aria-pressed')).toBe('true');
    expect(param(page, 'contrast')).toBe('high');
    const background = await page.evaluate(() => getComputedStyle(document.querySelector('[data-presenting]')!).backgroundColor);
    expect(background).toBe('rgb(0, 0, 0)');
    await expectAccessible(page);
    await screenshotScreen(page, `present-noise-at-scales-${lang}-1280x720-contrast`);
    await page.keyboard.press('c');
    await expect.poll(isHigh).toBe(false);
    await page.keyboard.press('c');
    await page.reload();
    await expectPresented(page, 'noise-at-scales');
    await expect.poll(isHigh).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(isHigh).toBe(false);
    expect(param(page, 'contrast')).toBeNull();
    expectNoConsoleErrors();
  }, 240_000);

  enOnly('at 4K the widget fills the screen with type in the same proportion as at 1280×720', async () => {
    const { page } = await openPage(`/${lang}/adding-noise/?present=noise-at-scales`, { viewport: UHD });
    await expectPresented(page, 'noise-at-scales');
    await expectFillsScreen(page);
    await page.waitForTimeout(1500);
    await screenshotScreen(page, `present-noise-at-scales-${lang}-3840x2160`);
  }, 240_000);
});
