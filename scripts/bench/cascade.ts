// Benchmark section: lesson 3's cascade (base-64 → sr-256 → sr-1024) in Chromium on wasm, through the
// engine's Web Worker on the lesson's own page: the lesson's first run with its default steps (20, 10, 5),
// then warm whole cascades; ms per net pass of each stage (its denoising steps, and an SR stage's predictor pass); the wasm heap afterwards (it never
// shrinks, so it is the most the cascade needed at once). Targets: the lesson's first run under 10 s, and a
// warm cascade to 1024² under 4 s (issue 18).
import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import type { CascadeResult } from '../../src/lib/engine/client';
import type { CascadeJob } from '../../src/lib/engine/protocol';
import { CASCADE_MODELS, DEFAULT_AUG, DEFAULT_STEPS, STAGE_SIZES } from '../../src/lib/widgets/cascade-settings';
import { newPage, openSite, referenceMatmulMs } from './browser';
import { waitForEngine, type Probe } from './lesson-page';
import { median, type BenchSection, type Row } from './section';

export const LESSON3 = '/en/cascaded-diffusion/';
const RUN = '[data-testid="cascade-run-state"]';
/** Waits for the lesson's cascade to finish (throws on its error state); its stage times from the page. */
async function lessonRun(page: Page): Promise<{ totalMs: number; stageMs: number[] }> {
  await page.waitForFunction(
    (sel) => {
      const el = document.querySelector<HTMLElement>(sel);
      if (el?.dataset.state === 'error') throw new Error(`the lesson's cascade failed: ${el.textContent}`);
      return el?.dataset.state === 'done';
    },
    RUN,
    { timeout: 300_000, polling: 100 },
  );
  return page.evaluate((sel) => {
    const stages = [...document.querySelectorAll<HTMLElement>('[data-widget="cascade-run"] [data-testid="cascade-stage"]')];
    return { totalMs: Number(document.querySelector<HTMLElement>(sel)?.dataset.totalMs), stageMs: stages.map((s) => Number(s.dataset.ms)) };
  }, RUN);
}

/** `runs` whole cascades with nothing sent back but the times (what the engine itself spends). */
function timeCascades(page: Page, job: CascadeJob, runs: number): Promise<Pick<CascadeResult, 'ms' | 'stages'>[]> {
  return page.evaluate(
    async ({ job, runs }) => {
      const engine = (globalThis as unknown as Probe).__noisebookEngine;
      const out = [];
      for (let i = 0; i < runs; i++) {
        const r = await engine.runCascade('bench-cascade', { ...job, seed: job.seed + i });
        out.push({ ms: r.ms, stages: r.stages.map((s) => ({ chain: s.chain, stage: s.stage, size: s.size, seed: s.seed, ms: s.ms })) });
      }
      return out;
    },
    { job, runs },
  ) as Promise<Pick<CascadeResult, 'ms' | 'stages'>[]>;
}

export const cascade: BenchSection = {
  name: 'cascade',
  title: `Lesson 3: the cascade 64² → 256² → 1024² in Chromium, engine worker on wasm (steps ${DEFAULT_STEPS.join(', ')})`,
  async run({ n }) {
    const page = await newPage(`${LESSON3}?defect=none`);
    await waitForEngine(page);
    const first = await lessonRun(page);
    if ((await page.evaluate(() => (globalThis as unknown as Probe).__noisebookEngine.ready?.backend)) !== 'wasm') {
      await page.evaluate(() => (globalThis as unknown as Probe).__noisebookEngine.setOverride('wasm'));
      await page.waitForFunction(() => (globalThis as unknown as Probe).__noisebookEngine.ready?.backend === 'wasm', undefined, { timeout: 60_000 });
    }
    const aug = Number(DEFAULT_AUG);
    const job: CascadeJob = {
      kind: 'cascade', base: CASCADE_MODELS[0], sr: [...CASCADE_MODELS.slice(1)], seed: 500, classIndex: 0, guidance: 1,
      steps: [...DEFAULT_STEPS], aug: [aug, aug], send: [], previewEvery: 0,
    };
    const runs = Math.max(2, Math.min(n, 3)); // a cascade takes seconds: 3 at most
    const warm = await timeCascades(page, job, runs);
    const memory = await page.evaluate(() => (globalThis as unknown as Probe).__noisebookEngine.memory());
    // An SR stage with a predictor (src/lib/pipelines/sr-predictor.ts) runs its net once more before its steps.
    const predictorPasses = await page.evaluate(
      async (models) => Promise.all(models.map(async (m) => ((await (await fetch(`/models/${m}/manifest.json`)).json()).predictorWeights ? 1 : 0))),
      [...CASCADE_MODELS],
    );
    const reference = await referenceMatmulMs(page);
    await page.context().close();

    const ratio = (ms: number) => ms / reference;
    const total = warm.map((r) => r.ms);
    const rows: Row[] = [
      { label: `first run on the lesson's page (defaults, every image sent and drawn)`, value: first.totalMs, unit: 'ms', details: { ratio: ratio(first.totalMs) }, target: { op: '<', value: 10_000 } },
      { label: 'warm: whole cascade to 1024² (median)', value: median(total), unit: 'ms', details: { ratio: ratio(median(total)), min: Math.min(...total), n: runs }, target: { op: '<', value: 4000 } },
      ...STAGE_SIZES.map((size, i): Row => {
        const passes = DEFAULT_STEPS[i] + predictorPasses[i];
        const perStep = warm.map((r) => (r.stages.find((s) => s.stage === i)?.ms ?? NaN) / passes);
        const what = predictorPasses[i] ? `${DEFAULT_STEPS[i]} steps + the predictor's pass` : `${DEFAULT_STEPS[i]} steps`;
        return { label: `warm: ${CASCADE_MODELS[i]} at ${size}², ms per net pass (${what})`, value: median(perStep), unit: 'ms', details: { ratio: ratio(median(perStep)), min: Math.min(...perStep), n: runs } };
      }),
      { label: 'wasm heap after the runs (its peak: it never shrinks)', value: (memory.heapBytes ?? NaN) / 2 ** 20, unit: 'MiB' },
      { label: 'tensor memory held between jobs (the three models)', value: memory.numBytes / 2 ** 20, unit: 'MiB' },
      { label: 'reference: JS 256³ f32 matmul, min of 7', value: reference, unit: 'ms' },
    ];
    return {
      rows,
      notes: {
        loadavg: loadavg().map((x) => Number(x.toFixed(2))), // other work on the machine (training) inflates every figure
        browser: (await openSite()).browser.version(),
        backend: memory.backend,
        firstRunStageMs: first.stageMs,
        engineTensorsAfter: memory.numTensors,
        ratio: 'ms ÷ reference matmul ms (lower is faster; comparable across machines)',
      },
    };
  },
};
