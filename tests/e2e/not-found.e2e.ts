// Unknown paths answer with a real 404 status and the site's 404 page, which leads back to the index.
import { describe, expect, test } from 'vitest';
import { langFromPath } from '../../src/lib/i18n/lang';
import { ui } from '../../src/lib/i18n/ui';
import { screenshot, useBrowser } from './browser';

const MISSING = ['/xx/adding-noise/', '/en/no-such-lesson/'];

describe('404 page', () => {
  const { openPage, baseUrl } = useBrowser();

  test.each(MISSING)('%s answers 404 with a page that links back to the index', async (path) => {
    const { page, response } = await openPage(path, { waitUntil: 'networkidle' });
    expect(response?.status()).toBe(404);
    // The 404 page is SvelteKit's client-rendered fallback: wait for it to render its link home.
    await page.waitForFunction(
      (origin) =>
        [...document.querySelectorAll<HTMLAnchorElement>('a[href]')].some((a) => {
          const url = new URL(a.href);
          return url.origin === origin && /^\/((en|vi)\/)?$/.test(url.pathname);
        }),
      baseUrl,
      { timeout: 15_000 },
    );
    const lang = langFromPath(path);
    expect(await page.locator('body').innerText()).toContain(ui[lang].notFoundTitle);
    await screenshot(page, `404${path.replace(/\//g, '_')}`);
  });

  test('the 404 page link leads to a page that answers 200', async () => {
    const { page } = await openPage('/en/no-such-lesson/', { waitUntil: 'networkidle' });
    const href = await page.evaluate((origin) => {
      const a = [...document.querySelectorAll<HTMLAnchorElement>('a[href]')].find((a) => {
        const url = new URL(a.href);
        return url.origin === origin && /^\/((en|vi)\/)?$/.test(url.pathname);
      });
      return a?.href ?? null;
    }, baseUrl);
    expect(href).not.toBeNull();
    expect((await page.request.get(href!)).status()).toBe(200);
  });
});
