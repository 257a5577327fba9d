// Benchmark section: what lesson 1 costs to download. Loads the page in Chromium, records every
// file it actually fetches (workers and dynamic imports included), and sizes the JS at gzip -9.
// Target: all JS < 250 KB gzipped before any model weights; .wasm binaries are listed on their own.
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { resolvePath, BUILD_DIR } from '../../tests/e2e/static-server';
import { waitForWidget } from '../../tests/e2e/noise-widget';
import { openSite } from './browser';
import type { BenchSection, Row } from './section';

const KB = 1000;
const PAGE = '/en/adding-noise/';

/** What a minified chunk holds, told by strings that survive minification. */
const MARKERS: [string, RegExp][] = [
  ['tfjs-core', /not registered for backend|tfjs-core|Kernel '/],
  ['tfjs-backend-wasm', /setWasmPaths|tfjs-backend-wasm/],
  ['tfjs-backend-cpu', /\(\s*["']cpu["']\s*,\s*\(\)\s*=>\s*new\s/],
  ['katex', /KaTeX/],
  ['d3', /d3-|scaleLinear|curveMonotone/],
];

function contents(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return MARKERS.filter(([, re]) => re.test(text))
    .map(([name]) => name)
    .join('+');
}

function gzip9(bytes: Buffer): number {
  return gzipSync(bytes, { level: 9 }).length;
}

export const bundle: BenchSection = {
  name: 'bundle',
  title: `Lesson 1 download (${PAGE}): files the page loads, gzip -9`,
  async run() {
    const { url, browser } = await openSite();
    // No service worker: its precache of the whole build is not what the page itself loads.
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const fetched = new Set<string>();
    context.on('response', (response) => {
      const u = new URL(response.url());
      if (u.origin === url && response.status() === 200) fetched.add(u.pathname);
    });
    const page = await context.newPage();
    await page.goto(url + PAGE, { waitUntil: 'networkidle' });
    await waitForWidget(page);
    await page.waitForLoadState('networkidle');
    await context.close();

    const files = [...fetched].flatMap((path) => {
      const found = resolvePath(BUILD_DIR, path);
      return found.kind === 'file' && existsSync(found.path) ? [{ path, bytes: readFileSync(found.path) }] : [];
    });
    const js = files.filter((f) => /\.m?js$/.test(f.path));
    const wasm = files.filter((f) => f.path.endsWith('.wasm'));
    const css = files.filter((f) => f.path.endsWith('.css'));
    const sum = (list: typeof files, size: (b: Buffer) => number) => list.reduce((acc, f) => acc + size(f.bytes), 0);

    const rows: Row[] = [
      {
        label: `JS, ${js.length} files`,
        value: sum(js, gzip9) / KB,
        unit: 'KB gz',
        details: { raw: sum(js, (b) => b.length) / KB },
        target: { op: '<', value: 250 },
      },
      ...wasm.map((f) => ({
        label: `wasm ${f.path.split('/').pop()}`,
        value: gzip9(f.bytes) / KB,
        unit: 'KB gz',
        details: { raw: f.bytes.length / KB },
      })),
      { label: `CSS, ${css.length} files`, value: sum(css, gzip9) / KB, unit: 'KB gz', details: { raw: sum(css, (b) => b.length) / KB } },
    ];
    const largest = js
      .map((f) => ({ file: f.path, gzipKB: Math.round(gzip9(f.bytes) / 10) / 100, holds: contents(f.bytes) || 'app' }))
      .sort((a, b) => b.gzipKB - a.gzipKB);
    return { rows, notes: { KB: '1000 bytes', jsFiles: largest, wasmFiles: wasm.map((f) => f.path) } };
  },
};
