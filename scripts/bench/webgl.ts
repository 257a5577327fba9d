// Benchmark section: WebGL as a first-class path (issue 18, item 3), on lesson 2's page in Chromium.
// For each texture format (float32, and float16 forced with ?webgl=f16 as on phones and old GPUs):
//   - the same job on wasm and then on WebGL, from the same seed: how far the final images lie apart;
//   - the shader warm-up the engine runs before WebGL's first visible job (jobs.ts warmUp), and that
//     job's time against the next one's (near 1: nothing was left to compile);
//   - 100 lesson-shaped jobs: the texture pool, bytes and tensors after job 10 and job 100 (a leak grows);
//   - WebGL's speed only as a ratio to wasm's: here WebGL is SwiftShader, a software renderer on the CPU.
import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import type { EngineMemory, ReadyInfo } from '../../src/lib/engine/client';
import type { EngineBackend, SampleJob } from '../../src/lib/engine/protocol';
import { maxDifference } from '../../src/lib/widgets/trajectory';
import { newPage, openSite } from './browser';
import { BADGE, LESSON2, waitForEngine, waitForRunDone, type Probe } from './lesson-page';
import type { BenchSection, Row } from './section';

/** The compared job: guided (a batch of 2, as the lesson's default class runs), 4 DDIM steps, frames off. */
const COMPARED: SampleJob = { kind: 'sample', model: 'base-64', sampler: 'ddim', steps: 4, eta: 0, seed: 100, classIndex: 0, guidance: 2, batch: 1, tapEvery: 0 };
/**
 * The leak check's job: one step with its frames read back, as the lesson's stepper does, at a batch of 1
 * (no class): on SwiftShader a step is about a second, so 100 of the lesson's own guided 20-step jobs would take an hour.
 */
const SMALL: SampleJob = { ...COMPARED, steps: 1, tapEvery: 1, classIndex: null, guidance: 1 };
const JOBS = 100;
/** Display levels per unit of the image's [-1, 1] range. */
const LEVELS = 255 / 2;

/** Chooses `backend` in the page's backend menu, as a reader does (the page keeps its choice in step), and waits for it. */
async function useBackend(page: Page, backend: EngineBackend): Promise<ReadyInfo> {
  if (!(await page.locator(`${BADGE} input[value="${backend}"]`).isVisible())) await page.locator(`${BADGE} summary`).click();
  await page.locator(`${BADGE} input[value="${backend}"]`).check();
  await page.waitForFunction((b) => {
    const ready = (globalThis as unknown as Probe).__noisebookEngine.ready;
    return ready?.backend === b && ready.overridden;
  }, backend, { timeout: 600_000, polling: 100 });
  return page.evaluate(() => (globalThis as unknown as Probe).__noisebookEngine.ready as ReadyInfo);
}

/** Runs `job` once: its final image (values in [-1, 1]) and the engine's time for it. */
function runOnce(page: Page, job: SampleJob): Promise<{ x: number[]; ms: number }> {
  return page.evaluate(async (j) => {
    const r = await (globalThis as unknown as Probe).__noisebookEngine.run('bench', j);
    return { x: Array.from(r.x), ms: r.ms };
  }, job);
}

/** Runs `count` small jobs with their frames, and returns the engine's memory after the last. */
function runMany(page: Page, count: number): Promise<EngineMemory> {
  return page.evaluate(async ({ job, count }) => {
    const engine = (globalThis as unknown as Probe).__noisebookEngine;
    for (let i = 0; i < count; i++) await engine.run('bench', { ...job, seed: job.seed + i }, () => undefined);
    return engine.memory();
  }, { job: SMALL, count });
}

/** Mean and largest |a − b| over two images (the largest from the lesson's own trajectory.ts). */
function differences(a: Float32Array, b: Float32Array): { max: number; mean: number } {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return { max: maxDifference(a, b), mean: sum / a.length };
}

/** Every figure of one texture format, on a fresh page. */
async function measure(textures: 'f32' | 'f16'): Promise<{ rows: Row[]; notes: Record<string, unknown> }> {
  const say = (what: string) => process.stderr.write(`  webgl ${textures}: ${what}\n`);
  const page = await newPage(`${LESSON2}?steps=2${textures === 'f16' ? '&webgl=f16' : ''}`);
  await waitForEngine(page);
  await waitForRunDone(page, 2);
  await useBackend(page, 'wasm');
  const onWasm = await runOnce(page, COMPARED);
  const wasmAgain = await runOnce(page, COMPARED);
  say('wasm done; starting WebGL (shader warm-up takes a minute here)');
  const ready = await useBackend(page, 'webgl');
  say(`on WebGL after a ${((ready.warmUpMs ?? 0) / 1000).toFixed(0)} s warm-up`);
  const first = await runOnce(page, COMPARED);
  const second = await runOnce(page, COMPARED);
  const diff = differences(Float32Array.from(first.x), Float32Array.from(onWasm.x));
  say(`compared; ${JOBS} jobs for the leak check`);
  const after10 = await runMany(page, 10);
  const after100 = await runMany(page, JOBS - 10);
  await page.context().close();
  const gpu10 = after10.gpu, gpu100 = after100.gpu;
  if (!gpu10 || !gpu100) throw new Error(`the engine left WebGL during the jobs (on ${after100.backend})`);
  const tag = textures === 'f16' ? 'float16 textures (?webgl=f16)' : 'float32 textures';
  const wasmMs = Math.min(onWasm.ms, wasmAgain.ms);
  const rows: Row[] = [
    // In steps of an 8-bit display (the image's [-1, 1] is 255 levels). f32: float rounding in another order
    // only; f16 keeps 11 bits of mantissa (≈ 5e-4 relative) in every texture, so a level is its tolerance.
    { label: `${tag}: final image vs wasm, mean |Δ| in 8-bit levels`, value: diff.mean * LEVELS, unit: 'levels', details: { max: diff.max * LEVELS }, target: { op: '<', value: textures === 'f16' ? 1 : 0.1 } },
    { label: `${tag}: texture format the engine ran`, value: gpu100.textures === textures ? 1 : 0, unit: gpu100.textures, target: { op: '>', value: 0.5 } },
    { label: `${tag}: shader warm-up before the first job`, value: ready.warmUpMs ?? NaN, unit: 'ms', details: { firstRun: ready.firstRunMs ?? NaN } },
    { label: `${tag}: first visible job ÷ the next (1 = nothing left to compile)`, value: first.ms / second.ms, unit: '×', details: { first: first.ms, next: second.ms }, target: { op: '<', value: 1.5 } },
    { label: `${tag}: texture bytes, job ${JOBS} − job 10`, value: gpu100.bytesAllocated - gpu10.bytesAllocated, unit: 'B', details: { atJob10: gpu10.bytesAllocated }, target: { op: '<', value: 1 } },
    { label: `${tag}: textures (in use + pooled), job ${JOBS} − job 10`, value: gpu100.usedTextures + gpu100.freeTextures - gpu10.usedTextures - gpu10.freeTextures, unit: '', details: { atJob10: gpu10.usedTextures + gpu10.freeTextures, inUse: gpu100.usedTextures }, target: { op: '<', value: 1 } },
    { label: `${tag}: tensors, job ${JOBS} − job 10`, value: after100.numTensors - after10.numTensors, unit: '', target: { op: '<', value: 1 } },
    { label: `${tag}: WebGL job ÷ wasm job (software renderer: a ratio, not a speed)`, value: second.ms / wasmMs, unit: '×', details: { wasmMs } },
  ];
  return { rows, notes: { [textures]: { timings: ready.timings, overridden: ready.overridden } } };
}

export const webgl: BenchSection = {
  name: 'webgl',
  title: 'WebGL beside wasm on lesson 2 (SwiftShader here: images, shader warm-up and leaks; speed only as a ratio)',
  async run() {
    const f32 = await measure('f32');
    const f16 = await measure('f16');
    return {
      rows: [...f32.rows, ...f16.rows],
      notes: {
        loadavg: loadavg().map((x) => Number(x.toFixed(2))),
        browser: (await openSite()).browser.version(),
        job: `${COMPARED.steps}-step DDIM, class 0, w = ${COMPARED.guidance}, seed ${COMPARED.seed}; leak check: ${JOBS} one-step jobs with frames, no class`,
        ...f32.notes,
        ...f16.notes,
      },
    };
  },
};
