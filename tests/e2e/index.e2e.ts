// The lesson index in a real browser: it loads cleanly, lists the course with a picture per lesson, links
// only to lessons that exist (lessons/<lang>/<slug>.svx), every link answers 200, axe is clean and the keyboard gets in.
import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { LESSONS } from '../../src/lib/i18n/catalog';
import { isLang, LANGS, type Lang } from '../../src/lib/i18n/lang';
import { expectAccessible, screenshot, useBrowser } from './browser';

const lessonFileExists = (lang: Lang, slug: string) => existsSync(`lessons/${lang}/${slug}.svx`);

/** Every link on the page, resolved to absolute URLs, in document order. */
function links(page: Page): Promise<string[]> {
  return page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href));
}

/** Links of the form /<lang>/<slug>/ to a lesson of the catalog. */
function lessonLinks(hrefs: string[], origin: string): { lang: Lang; slug: string; href: string }[] {
  const slugs = new Set(LESSONS.map((l) => l.slug));
  return hrefs.flatMap((href) => {
    const url = new URL(href);
    if (url.origin !== origin) return [];
    const [lang, slug, ...rest] = url.pathname.split('/').filter(Boolean);
    return isLang(lang) && slug && slugs.has(slug) && rest.length === 0 ? [{ lang, slug, href }] : [];
  });
}

describe('lesson index (/)', () => {
  const { openPage, baseUrl } = useBrowser();

  test('loads with status 200 and no console errors, and shows the title of every lesson in every language', async () => {
    const { page, response, expectNoConsoleErrors } = await openPage('/', { waitUntil: 'networkidle' });
    expect(response?.status()).toBe(200);
    const lang = await page.evaluate(() => document.documentElement.lang);
    expect(isLang(lang), `<html lang="${lang}"> is a course language`).toBe(true);
    const text = await page.locator('body').innerText();
    for (const l of LANGS) for (const lesson of LESSONS) expect(text).toContain(lesson.title[l]);
    await screenshot(page, 'index');
    expectNoConsoleErrors();
  });

  test('a lesson is a link exactly when its lesson file exists in that language, and English lesson 1 is one', async () => {
    const { page } = await openPage('/');
    const linked = new Set(lessonLinks(await links(page), baseUrl).map((l) => `${l.lang}/${l.slug}`));
    for (const lang of LANGS) {
      for (const lesson of LESSONS) {
        const key = `${lang}/${lesson.slug}`;
        expect(linked.has(key), `${key}: linked ⇔ lessons/${key}.svx exists`).toBe(lessonFileExists(lang, lesson.slug));
      }
    }
    expect(linked.has('en/adding-noise')).toBe(true);
  });

  test('every lesson shows its picture, in each language with that language\'s alt text, served as a small WebP', async () => {
    const { page } = await openPage('/');
    for (const lang of LANGS) {
      const pictures = page.locator(`section[lang="${lang}"] img.picture`);
      expect(await pictures.evaluateAll((imgs) => imgs.map((i) => i.getAttribute('alt')))).toEqual(LESSONS.map((l) => l.picture[lang]));
    }
    const srcs = [...new Set(await page.locator('img.picture').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src)))];
    expect(srcs).toHaveLength(LESSONS.length);
    for (const src of srcs) {
      const answer = await page.request.get(src);
      expect(answer.status(), src).toBe(200);
      expect(answer.headers()['content-type'], src).toContain('image/webp');
      expect((await answer.body()).length, src).toBeLessThan(30_000);
    }
    // Lazy pictures below the fold load once scrolled to: the last one decodes at its full 2× size.
    const last = page.locator('img.picture').last();
    await last.scrollIntoViewIfNeeded();
    await expect.poll(() => last.evaluate((i) => (i as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(288);
  });

  test('every same-origin link on the index answers 200', async () => {
    const { page } = await openPage('/');
    const targets = [...new Set((await links(page)).filter((h) => new URL(h).origin === baseUrl).map((h) => h.split('#')[0]))];
    expect(targets.length).toBeGreaterThan(0);
    const statuses = await Promise.all(targets.map(async (href) => `${(await page.request.get(href)).status()} ${href}`));
    expect(statuses.filter((s) => !s.startsWith('200 '))).toEqual([]);
  });

  test('axe finds no serious or critical accessibility problems on the index', async () => {
    const { page } = await openPage('/', { waitUntil: 'networkidle' });
    await expectAccessible(page);
  });

  test('pressing Tab from the top of the page reaches the first lesson link', async () => {
    const { page } = await openPage('/', { waitUntil: 'networkidle' });
    const first = lessonLinks(await links(page), baseUrl)[0];
    expect(first, 'the index has a lesson link').toBeDefined();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate((href) => (document.activeElement as HTMLAnchorElement | null)?.href === href, first.href);
    }
    expect(reached, `Tab reaches ${first.href} within 40 presses`).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(first.href);
  });
});
