// Helpers for the browser tests: one headless Chromium per test file (playwright-core), pages that
// record console and page errors, axe-core accessibility checks and screenshots for people to look at.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from './chromium';

export const SCREENSHOT_DIR = resolve(process.cwd(), 'screenshots');

/** Launches headless Chromium with the project's flags (measurements.md §4.2). */
export function launchChromium(executablePath: string = findChromium()): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

export interface OpenedPage {
  page: Page;
  /** The main document's response (null only for same-document navigations). */
  response: Response | null;
  /** console.error messages and uncaught page errors, in order, as readable lines. */
  errors: string[];
  /** Fails the test with the list of console/page errors, if there were any. */
  expectNoConsoleErrors(): void;
}

export interface OpenOptions {
  /** Runs on the fresh page before navigation: routes, init scripts. */
  before?: (page: Page) => Promise<void>;
  viewport?: { width: number; height: number };
  waitUntil?: 'load' | 'domcontentloaded' | 'networkidle';
  /**
   * 'block' by default: the course's service worker would answer scripts and wasm from its cache,
   * past page.route (Playwright's advice for routing tests); offline.e2e.ts tests it with its own contexts.
   */
  serviceWorkers?: 'allow' | 'block';
}

/** Listens for console errors and uncaught exceptions on a page. */
export function recordErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location();
    errors.push(`console.error: ${message.text()}${where.url ? ` (${where.url}:${where.lineNumber})` : ''}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  return errors;
}

/**
 * Registers beforeAll/afterAll hooks that launch and close one Chromium for the calling test file,
 * and returns openPage(path): a fresh browser context per page, closed after each test.
 */
export function useBrowser() {
  let browser: Browser | undefined;
  let contexts: BrowserContext[] = [];
  const baseUrl = inject('baseUrl');

  beforeAll(async () => {
    browser = await launchChromium(inject('chromiumPath'));
  });
  afterEach(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    contexts = [];
  });
  afterAll(async () => {
    await browser?.close();
  });

  const url = (path: string): string => new URL(path, baseUrl).href;

  async function openPage(path: string, options: OpenOptions = {}): Promise<OpenedPage> {
    if (!browser) throw new Error('openPage called outside a test (the browser is launched in beforeAll)');
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 }, serviceWorkers: options.serviceWorkers ?? 'block' });
    contexts.push(context);
    const page = await context.newPage();
    const errors = recordErrors(page);
    await options.before?.(page);
    const response = await page.goto(url(path), { waitUntil: options.waitUntil ?? 'load' });
    return {
      page,
      response,
      errors,
      expectNoConsoleErrors: () => expect(errors, `console/page errors on ${path}`).toEqual([]),
    };
  }

  return { openPage, url, baseUrl };
}

export interface A11yViolation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

/**
 * Runs axe-core in the page and returns its serious and critical violations (minor and moderate
 * ones are left to review). `within` limits the check to a CSS selector.
 */
export async function checkA11y(page: Page, within?: string): Promise<A11yViolation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const hasAxe = await page.evaluate(() => 'axe' in window);
  // Evaluated, not added as a <script>: the page's Content-Security-Policy blocks unhashed inline scripts.
  if (!hasAxe) await page.evaluate(axeSource);
  const all = await page.evaluate(async (selector) => {
    type Axe = {
      run(context: unknown, options: unknown): Promise<{
        violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[];
      }>;
    };
    const axe = (window as unknown as { axe: Axe }).axe;
    const result = await axe.run(selector ? { include: [selector] } : document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      nodes: v.nodes.map((n) => n.target.map(String).join(' ')),
    }));
  }, within ?? null);
  return all.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** One readable line per violation, e.g. "[serious] color-contrast: … → .lede, nav a". */
export function formatViolations(violations: A11yViolation[]): string[] {
  return violations.map((v) => `[${v.impact}] ${v.id}: ${v.help} → ${v.nodes.slice(0, 5).join(', ')}${v.nodes.length > 5 ? ', …' : ''}`);
}

/** Fails with the readable list when axe finds serious or critical problems. */
export async function expectAccessible(page: Page, within?: string): Promise<void> {
  expect(formatViolations(await checkA11y(page, within)), `axe serious/critical violations on ${page.url()}`).toEqual([]);
}

/**
 * Saves a PNG to screenshots/<name>.png (git-ignored) for a person to look at: the whole page, or
 * only the element matching `selector`.
 */
export async function screenshot(page: Page, name: string, selector?: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name.replace(/[^a-z0-9._-]+/gi, '-')}.png`);
  if (selector) await page.locator(selector).first().screenshot({ path });
  else await page.screenshot({ path, fullPage: true });
  return path;
}
