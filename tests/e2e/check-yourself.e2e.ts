// "Check yourself" at the end of lesson 1, in English and Vietnamese: a wrong answer says so at once
// and links back to the heading that explains it (the link lands there); the right answer says why;
// a prediction sets the lesson's own widget up; a reload keeps the answers (localStorage, beside the
// reading progress) and "forget my progress" on the index clears them. Screenshots for people to look at.
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { checkYourself } from '../../src/lib/i18n/check-yourself';
import { ui } from '../../src/lib/i18n/ui';
import { checkA11y, formatViolations, screenshot, useBrowser } from './browser';

const LANGS = ['en', 'vi'] as const;
const SECTION = 'section.check-yourself';
const question = (page: Page, id: string) => page.locator(`${SECTION} [data-question="${id}"]`);

/** Polls long enough for a page that hydrates slowly on a loaded machine (vitest's default is 1 s). */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 60_000, interval: 200 });

/** The page is hydrated once it has marked the lesson visited (an effect): only then do clicks answer. */
async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(() => (localStorage.getItem('noisebook:progress:v1') ?? '').includes('adding-noise'), undefined, { timeout: 90_000 });
}

describe.each(LANGS)('check yourself, /%s/adding-noise/', (lang) => {
  const { openPage } = useBrowser();
  const t = checkYourself[lang];
  // English runs every case; Vietnamese, the same code with other words, runs the cases whose words it
  // checks (the test command must stay under 15 minutes on two cores).
  const enOnly = test.skipIf(lang !== 'en');

  test('a wrong answer: feedback at once and a link back that lands on the explaining heading', async () => {
    const { page, expectNoConsoleErrors } = await openPage(`/${lang}/adding-noise/`);
    await hydrated(page);
    await poll(() => page.locator(`${SECTION} [data-question]`).count()).toBe(4);
    await poll(() => page.locator(`${SECTION} h2#check-yourself`).textContent()).toBe(t.heading);
    const pooling = question(page, 'pooling');
    await pooling.scrollIntoViewIfNeeded();
    await pooling.locator('[data-choice="side"]').click();
    const verdict = pooling.locator('[data-verdict]');
    await poll(() => verdict.getAttribute('data-verdict')).toBe('wrong');
    expect(await verdict.textContent()).toContain(t.wrong);
    expect(await pooling.locator('[data-choice="side"]').getAttribute('aria-pressed')).toBe('true');
    await screenshot(page, `check-yourself-${lang}-wrong`, SECTION);

    const back = pooling.locator('a[data-see]');
    expect(await back.getAttribute('href')).toBe('#small-images');
    await back.click();
    await poll(() => page.evaluate(() => location.hash)).toBe('#small-images');
    // The heading is now at the top of the viewport: the link really leads back into the lesson.
    await poll(() => page.evaluate(() => Math.round(document.getElementById('small-images')!.getBoundingClientRect().top))).toBeLessThan(120);
    expect(formatViolations(await checkA11y(page, SECTION))).toEqual([]);
    expectNoConsoleErrors();
  });

  enOnly('the right answer says why; a prediction sets up the lesson’s widget', async () => {
    const { page, expectNoConsoleErrors } = await openPage(`/${lang}/adding-noise/`);
    await hydrated(page);
    const pooling = question(page, 'pooling');
    await pooling.scrollIntoViewIfNeeded();
    await pooling.locator('[data-choice="area"]').click();
    await poll(() => pooling.locator('[data-verdict]').getAttribute('data-verdict')).toBe('right');
    expect(await pooling.locator('[data-verdict]').textContent()).toMatch(/256/);

    const sameT = question(page, 'same-t');
    await sameT.locator('[data-choice="1024"]').click();
    await sameT.locator('a.set-up').click();
    await poll(() => page.evaluate(() => new URL(location.href).searchParams.get('t'))).toBe('500');
    expect(await page.evaluate(() => new URL(location.href).searchParams.get('schedule'))).toBe('cosine');
    await poll(() => page.locator(`${SECTION} .score`).textContent()).toBe(t.score.replace('{n}', '2').replace('{total}', '4'));
    await page.locator(SECTION).scrollIntoViewIfNeeded();
    await screenshot(page, `check-yourself-${lang}-right`, SECTION);
    expectNoConsoleErrors();
  });

  enOnly('a reload keeps the answers; forgetting the progress clears them', async () => {
    const { page, expectNoConsoleErrors } = await openPage(`/${lang}/adding-noise/`);
    await hydrated(page);
    const shift = question(page, 'shift');
    await shift.scrollIntoViewIfNeeded();
    await shift.locator('[data-choice="up"]').click();
    await shift.locator('[data-choice="down"]').click(); // a second try replaces the first
    await poll(() => shift.locator('[data-verdict]').getAttribute('data-verdict')).toBe('right');

    await page.reload();
    await hydrated(page);
    const again = question(page, 'shift');
    await poll(() => again.locator('[data-choice="down"]').getAttribute('aria-pressed')).toBe('true');
    expect(await again.locator('[data-choice="up"]').getAttribute('aria-pressed')).toBe('false');
    expect(await again.locator('[data-verdict]').getAttribute('data-verdict')).toBe('right');

    // The other language's page shows the same answer: answers are per lesson, like the progress.
    const other = lang === 'en' ? 'vi' : 'en';
    await page.goto(new URL(`/${other}/adding-noise/`, page.url()).href);
    await poll(() => question(page, 'shift').locator('[data-choice="down"]').getAttribute('aria-pressed')).toBe('true');

    await page.goto(new URL(`/${lang}/`, page.url()).href);
    await page.getByRole('button', { name: ui[lang].forgetProgress }).click();
    expect(await page.evaluate(() => localStorage.getItem('noisebook:answers:v1'))).toBeNull();
    await page.goto(new URL(`/${lang}/adding-noise/`, page.url()).href);
    await page.waitForSelector(`${SECTION} [data-question="shift"]`);
    expect(await question(page, 'shift').locator('[aria-pressed="true"]').count()).toBe(0);
    expectNoConsoleErrors();
  });
});
