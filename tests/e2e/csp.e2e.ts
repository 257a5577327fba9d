// The Content-Security-Policy of the static site (svelte.config.js kit.csp): every prerendered page
// carries it in a <meta> tag, names no origin but its own, hashes every inline script it has, and no
// page breaks it: not the index, not any lesson in any language, not a lesson that runs a model in
// its engine worker, not the service worker's registration. Controls show the listener would see a
// violation: an unhashed inline script and a request to another origin are both blocked and counted.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { LESSONS } from '../../src/lib/i18n/catalog';
import { LANGS } from '../../src/lib/i18n/lang';
import { useBrowser } from './browser';
import { RUN_STATE, countRuns, waitForRun } from './engine-probe';

const LESSON_PAGES = LANGS.flatMap((lang) => LESSONS.filter((l) => existsSync(`lessons/${lang}/${l.slug}.svx`)).map((l) => `/${lang}/${l.slug}/`));
const PAGES = ['/', ...LANGS.map((lang) => `/${lang}/`), ...LESSON_PAGES];

/** Installed before any page script: every violation the document reports, as one line each. */
function listenForViolations(): void {
  const w = window as unknown as { __csp: string[] };
  w.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`));
}

/** Violation events plus console lines about the policy (an ignored directive is only logged). */
async function violations(page: Page, consoleLines: string[]): Promise<string[]> {
  const events = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  return [...events, ...consoleLines.filter((line) => /content[- ]security[- ]policy/i.test(line))];
}

function recordConsole(page: Page): string[] {
  const lines: string[] = [];
  page.on('console', (m) => lines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => lines.push(`page error: ${e.message}`));
  return lines;
}

/** The policy of a page's HTML, directive → sources; fails when the page has none or two. */
function policyOf(html: string): Map<string, string[]> {
  const metas = [...html.matchAll(/<meta http-equiv="content-security-policy" content="([^"]*)"/gi)];
  expect(metas).toHaveLength(1);
  return new Map(
    metas[0][1]
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name, sources]),
  );
}

/** The sha256 sources of the inline scripts the browser would run (JSON data blocks are not run). */
function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script>/g)]
    .filter(([, attrs = '', body]) => body.length > 0 && !/\bsrc=/.test(attrs) && !/type="application\/(ld\+)?json"/.test(attrs))
    .map(([, , body]) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`);
}

describe('Content-Security-Policy', () => {
  const { openPage } = useBrowser();

  test.each(PAGES)('%s: a strict policy in its <meta>, and no violation', async (path) => {
    let lines: string[] = [];
    const { page, response } = await openPage(path, {
      before: async (p) => {
        lines = recordConsole(p);
        await p.addInitScript(listenForViolations);
      },
      waitUntil: 'networkidle',
    });
    expect(response?.status()).toBe(200);
    const html = (await response?.text()) ?? '';
    const policy = policyOf(html);
    const allowed = /^('self'|'none'|'wasm-unsafe-eval'|'unsafe-inline'|'sha256-[A-Za-z0-9+/=]+'|data:)$/;
    for (const [name, sources] of policy) expect(sources.filter((s) => !allowed.test(s)), name).toEqual([]);
    // 'unsafe-inline' only for styles (KaTeX's style attributes); scripts only by hash.
    expect([...policy].filter(([name, sources]) => name !== 'style-src' && sources.includes("'unsafe-inline'"))).toEqual([]);
    const scripts = policy.get('script-src') ?? [];
    expect(inlineScriptHashes(html).filter((hash) => !scripts.includes(hash))).toEqual([]);
    for (const name of ['default-src', 'object-src', 'base-uri', 'worker-src']) expect(policy.has(name), name).toBe(true);
    // A <meta> policy ignores these (and Chromium logs an error for each): they must not be there.
    for (const name of ['frame-ancestors', 'report-uri', 'report-to', 'sandbox']) expect(policy.has(name), name).toBe(false);
    expect(await violations(page, lines)).toEqual([]);
  });

  test('lesson 2 samples with its model in the engine worker, and the policy holds', async () => {
    let lines: string[] = [];
    const { page } = await openPage('/en/removing-noise/', {
      before: async (p) => {
        lines = recordConsole(p);
        await p.addInitScript(listenForViolations);
        await p.context().addInitScript(countRuns, RUN_STATE);
      },
    });
    await waitForRun(page, { done: 0, error: 0 });
    expect(await page.locator(RUN_STATE).getAttribute('data-arrived')).toBe('20');
    expect(await violations(page, lines)).toEqual([]);
  });

  test('lesson 1’s slider computes in the page under the policy', async () => {
    let lines: string[] = [];
    const { page } = await openPage('/vi/adding-noise/?t=100', {
      before: async (p) => {
        lines = recordConsole(p);
        await p.addInitScript(listenForViolations);
      },
    });
    // A key pressed before hydration moves the bare input, and hydration then puts back t=100 (CI saw '100'):
    // the page is hydrated once it has marked the lesson visited (an effect).
    await page.waitForFunction(() => (localStorage.getItem('noisebook:progress:v1') ?? '').includes('adding-noise'), undefined, { timeout: 90_000 });
    const slider = page.locator('input[type="range"]').first();
    await slider.focus();
    await page.keyboard.press('End');
    // The URL follows the slider after a 250 ms debounce: allow a loaded machine time (expect.poll's default is 1 s).
    await expect.poll(() => page.evaluate(() => new URL(location.href).searchParams.get('t')), { timeout: 10_000 }).toBe('1000');
    expect(await violations(page, lines)).toEqual([]);
  });

  test('the service worker registers and takes control under the policy', async () => {
    let lines: string[] = [];
    const { page } = await openPage('/en/adding-noise/', {
      serviceWorkers: 'allow',
      before: async (p) => {
        lines = recordConsole(p);
        await p.context().addInitScript(listenForViolations);
      },
    });
    await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active !== null, undefined, { timeout: 60_000 });
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
    expect(await violations(page, lines)).toEqual([]);
  });

  test('controls: an unhashed inline script and another origin are blocked, and counted', async () => {
    let lines: string[] = [];
    const { page } = await openPage('/en/', {
      before: async (p) => {
        lines = recordConsole(p);
        await p.addInitScript(listenForViolations);
        // The same page with one inline script SvelteKit did not hash.
        await p.route('**/en/', async (route) => {
          const original = await route.fetch();
          const html = (await original.text()).replace('</body>', '<script>window.__injected = true;</script></body>');
          await route.fulfill({ response: original, body: html });
        });
      },
    });
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected === true)).toBe(false);
    await page.evaluate(() => fetch('https://example.com/tracker.js').catch(() => undefined));
    await expect.poll(async () => (await violations(page, lines)).join('\n')).toMatch(/script-src-elem blocked inline/);
    expect((await violations(page, lines)).join('\n')).toMatch(/connect-src blocked https:\/\/example\.com/);
  });
});
