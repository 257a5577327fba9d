// Benchmark section: the school laptop of issue 18, emulated in Chromium through the DevTools protocol:
// the CPU slowed 4× (Emulation.setCPUThrottlingRate) and the network at 3 Mbit/s each way with 80 ms of
// latency (Network.emulateNetworkConditions). A first visit each time (fresh profile, no service worker):
// navigation → lesson 2's first finished 20-step sample, and navigation → lesson 3's first finished stage
// (64²) and its second (256²). Beside them, when each download ended, so the figures say where time goes.
import { loadavg } from 'node:os';
import type { BrowserContext, Page, Request } from 'playwright-core';
import type { EngineClient } from '../../src/lib/engine/client';
import { openSite, referenceMatmulMs } from './browser';
import { LESSON2, RUN_STATE } from './lesson-page';
import { median, type BenchSection, type Row } from './section';

const LESSON3 = '/en/cascaded-diffusion/';
const STEPS = 20;
/** The emulated laptop: 3 Mbit/s is 375 000 bytes/s; latency is added to every request's round trip. */
export const LAPTOP = { cpuSlowdown: 4, latencyMs: 80, bytesPerSecond: 3_000_000 / 8 } as const;

/** A download as the page and its worker made it: ms since navigation start, and body bytes. */
interface Download {
  url: string;
  startMs: number;
  endMs: number;
  bytes: number;
}

interface Visit {
  /** ms since navigation start at which each watched element first said "done" (by watch name). */
  done: Record<string, number>;
  downloads: Download[];
  /** The job time the engine reported for lesson 2's run (data-ms), or NaN. */
  runMs: number;
  ready: EngineClient['ready'];
}

/**
 * Installed before the page's scripts: for each [name, selector], records performance.now() (ms since
 * navigation start) when the element first has data-state="done", independent of how often the bench polls.
 */
function recordDone(watch: [string, string][]): void {
  const w = window as unknown as { __doneAt: Record<string, number> };
  w.__doneAt = {};
  const observer = new MutationObserver(() => {
    for (const [name, selector] of watch) {
      if (w.__doneAt[name] === undefined && document.querySelector<HTMLElement>(selector)?.dataset.state === 'done') w.__doneAt[name] = performance.now();
    }
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
}

/** A context with the laptop's CPU and network, applied before the first byte of the page is asked for. */
async function laptopPage(): Promise<{ context: BrowserContext; page: Page }> {
  const { browser } = await openSite();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: LAPTOP.latencyMs,
    downloadThroughput: LAPTOP.bytesPerSecond,
    uploadThroughput: LAPTOP.bytesPerSecond,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: LAPTOP.cpuSlowdown });
  return { context, page };
}

/** Opens `path` on an emulated laptop and waits until every watched element is done (throws on an error state). */
async function visit(path: string, watch: [string, string][], errorState: string): Promise<Visit> {
  const { url } = await openSite();
  const { context, page } = await laptopPage();
  try {
    await context.addInitScript(recordDone, watch);
    // Every request, the worker's too (Playwright reports a dedicated worker's fetches on its page).
    const finished: Request[] = [];
    page.on('requestfinished', (r) => void finished.push(r));
    await page.goto(new URL(path, url).href, { waitUntil: 'commit' });
    await page.waitForFunction(
      ({ names, errorState }) => {
        const el = document.querySelector<HTMLElement>(errorState);
        if (el?.dataset.state === 'error') throw new Error(`the lesson's run failed: ${el.textContent}`);
        const at = (window as unknown as { __doneAt?: Record<string, number> }).__doneAt ?? {};
        return names.every((n) => at[n] !== undefined);
      },
      { names: watch.map(([n]) => n), errorState },
      { timeout: 300_000, polling: 100 },
    );
    const page0 = await page.evaluate(
      (sel) => ({
        origin: performance.timeOrigin,
        done: (window as unknown as { __doneAt: Record<string, number> }).__doneAt,
        runMs: Number(document.querySelector<HTMLElement>(sel)?.dataset.ms),
        ready: (globalThis as unknown as { __noisebookEngine?: EngineClient }).__noisebookEngine?.ready ?? null,
      }),
      RUN_STATE,
    );
    const downloads = await Promise.all(
      finished.map(async (r): Promise<Download> => {
        const t = r.timing();
        const sizes = await r.sizes().catch(() => ({ responseBodySize: NaN }));
        return { url: new URL(r.url()).pathname, startMs: t.startTime - page0.origin, endMs: t.startTime + t.responseEnd - page0.origin, bytes: sizes.responseBodySize };
      }),
    );
    return { done: page0.done, downloads: downloads.sort((a, b) => a.startMs - b.startMs), runMs: page0.runMs, ready: page0.ready };
  } finally {
    await context.close();
  }
}

/** When the last request whose path ends with `suffix` finished (ms since navigation), or NaN. */
const arrived = (v: Visit, suffix: string): number => {
  const ends = v.downloads.filter((d) => d.url.endsWith(suffix)).map((d) => d.endMs);
  return ends.length ? Math.max(...ends) : NaN;
};

/** The bytes of the visit by kind: models, wasm binaries, scripts, the rest. */
function bytesByKind(v: Visit): Record<string, number> {
  const kind = (u: string) => (u.startsWith('/models/') ? 'models' : u.endsWith('.wasm') ? 'wasm' : u.endsWith('.js') ? 'js' : 'other');
  const out: Record<string, number> = { models: 0, wasm: 0, js: 0, other: 0 };
  for (const d of v.downloads) out[kind(d.url)] += d.bytes || 0;
  return out;
}

/** A readable timeline of one visit for the notes: "start–end ms  KB  path". */
const timeline = (v: Visit): string[] => v.downloads.map((d) => `${d.startMs.toFixed(0)}–${d.endMs.toFixed(0)} ms  ${(d.bytes / 1024).toFixed(0)} KB  ${d.url}`);

const STAGE = (i: number) => `[data-widget="cascade-run"] [data-testid="cascade-stage"][data-stage="${i}"]`;

export const weakLaptop: BenchSection = {
  name: 'weak-laptop',
  title: `The school laptop (Chromium: CPU ${LAPTOP.cpuSlowdown}× slower, ${(LAPTOP.bytesPerSecond * 8) / 1e6} Mbit/s, ${LAPTOP.latencyMs} ms latency), first visits, ms since navigation`,
  async run({ n }) {
    const runs = Math.max(2, Math.min(n, 3)); // a visit takes 10–30 s here
    const lesson2: Visit[] = [];
    const lesson3: Visit[] = [];
    for (let i = 0; i < runs; i++) {
      // Interleaved, so a change in the machine's load touches both lessons alike.
      lesson2.push(await visit(`${LESSON2}?steps=${STEPS}`, [['sample', RUN_STATE]], RUN_STATE));
      lesson3.push(await visit(`${LESSON3}?defect=none`, [['64', STAGE(0)], ['256', STAGE(1)]], '[data-testid="cascade-run-state"]'));
    }
    // The reference matmul on the throttled page's main thread: shows the 4× slowdown applied.
    const { page, context } = await laptopPage();
    const reference = await referenceMatmulMs(page);
    await context.close();

    const med = (vs: Visit[], f: (v: Visit) => number) => median(vs.map(f));
    const ready = (vs: Visit[]) => vs.map((v) => v.ready).filter((r) => r !== null);
    // The timing before the first job: its warm-up and 3 timed runs; 0 when the backend was chosen untimed
    // and timed after the first job (engine/choice.ts: that report has no warm-up run, firstRunMs null).
    const selectMs = (vs: Visit[]) => median(ready(vs).map((r) => (r.firstRunMs === null ? 0 : r.firstRunMs + 3 * (r.msPerRun ?? 0))));
    const rows: Row[] = [
      {
        label: `lesson 2: the first finished ${STEPS}-step sample`,
        value: med(lesson2, (v) => v.done.sample),
        unit: 'ms',
        target: { op: '<', value: 5000 },
        details: {
          'base-64 in': med(lesson2, (v) => arrived(v, 'base-64/weights.bin')),
          'wasm in': med(lesson2, (v) => arrived(v, '.wasm')),
          'backend choice': selectMs(lesson2),
          'run itself': med(lesson2, (v) => v.runMs),
          'run ÷ ref': med(lesson2, (v) => v.runMs) / reference,
          n: runs,
        },
      },
      {
        label: 'lesson 3: the first finished stage (64²)',
        value: med(lesson3, (v) => v.done['64']),
        unit: 'ms',
        target: { op: '<', value: 7000 },
        details: {
          'base-64 in': med(lesson3, (v) => arrived(v, 'base-64/weights.bin')),
          'wasm in': med(lesson3, (v) => arrived(v, '.wasm')),
          'backend choice': selectMs(lesson3),
          n: runs,
        },
      },
      {
        label: 'lesson 3: the second stage (256²)',
        value: med(lesson3, (v) => v.done['256']),
        unit: 'ms',
        details: { 'sr-256 in': med(lesson3, (v) => arrived(v, 'sr-256/weights.bin')), 'sr-1024 in': med(lesson3, (v) => arrived(v, 'sr-1024/weights.bin')), n: runs },
      },
      ...(['lesson 2', 'lesson 3'] as const).flatMap((name, i): Row[] => {
        const vs = i === 0 ? lesson2 : lesson3;
        return Object.keys(bytesByKind(vs[0])).map((k) => ({ label: `${name}: ${k} bytes downloaded`, value: med(vs, (v) => bytesByKind(v)[k]) / 1024, unit: 'KiB' }));
      }),
      { label: 'reference: JS 256³ f32 matmul on the throttled page, min of 7', value: reference, unit: 'ms' },
    ];
    return {
      rows,
      notes: {
        loadavg: loadavg().map((x) => Number(x.toFixed(2))), // the machine's other work inflates every figure
        browser: (await openSite()).browser.version(),
        backend: ready(lesson2)[0]?.backend ?? null,
        lesson2Timeline: timeline(lesson2[0]),
        lesson3Timeline: timeline(lesson3[0]),
        'run ÷ ref': "lesson 2's job time (engine worker) ÷ the reference matmul (page): about the same as unthrottled when the worker is throttled like the page",
      },
    };
  },
};
