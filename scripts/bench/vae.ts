// Benchmark section: the autoencoder in Chromium, through the engine's Web Worker on wasm: encode and
// decode of a 1024² image (issue 14 item 4: each at most 1.5 s here, the wasm heap under 512 MiB), each
// also as a ratio to the in-page reference matmul, so figures compare across machines.
import { loadavg } from 'node:os';
import type { VaeResult } from '../../src/lib/engine/client';
import type { VaeJob } from '../../src/lib/engine/protocol';
import { newPage, openSite, referenceMatmulMs } from './browser';
import { LESSON2, waitForEngine, type Probe } from './lesson-page';
import { median, type BenchSection, type Row } from './section';

export const vae: BenchSection = {
  name: 'vae',
  title: 'autoencoder at 1024² in Chromium, engine worker on wasm (ms)',
  async run({ n }) {
    const page = await newPage(LESSON2);
    await waitForEngine(page);
    await page.evaluate(() => (globalThis as unknown as Probe).__noisebookEngine.setOverride('wasm'));
    await page.waitForFunction(() => (globalThis as unknown as Probe).__noisebookEngine.ready?.backend === 'wasm', undefined, { timeout: 60_000 });
    const runs = Math.max(3, Math.min(n, 6));
    const job: VaeJob = { kind: 'vae', model: 'vae', source: { type: 'scene', sceneKind: 2, seed: 1, size: 1024 }, decoders: ['final'], sendImage: false };
    const results = await page.evaluate(
      async ({ job, runs }) => {
        const engine = (globalThis as unknown as Probe).__noisebookEngine;
        await engine.load('vae', '/models/vae/');
        const out: Omit<VaeResult, 'decoded' | 'latent' | 'logvar' | 'image'>[] = [];
        for (let i = 0; i < runs + 1; i++) {
          const { decoded: _d, latent: _l, logvar: _v, image: _i, ...times } = await engine.runVae('bench', { ...job, source: { ...job.source, seed: i } as VaeJob['source'] });
          out.push(times);
        }
        return out;
      },
      { job, runs },
    );
    const reference = await referenceMatmulMs(page);
    const memory = await page.evaluate(() => (globalThis as unknown as Probe).__noisebookEngine.memory());
    await page.context().close();
    const [first, ...warm] = results;
    const encode = warm.map((r) => r.ms.encode ?? NaN);
    const decode = warm.map((r) => r.ms.decode.final ?? NaN);
    const target = { op: '<' as const, value: 1500 };
    const rows: Row[] = [
      { label: 'first job: encode 1024² (includes wasm warm-up of these shapes)', value: first.ms.encode ?? NaN, unit: 'ms', details: { ratio: (first.ms.encode ?? NaN) / reference } },
      { label: 'first job: decode to 1024²', value: first.ms.decode.final ?? NaN, unit: 'ms', details: { ratio: (first.ms.decode.final ?? NaN) / reference } },
      { label: 'warm: encode 1024² → 64×64×c', value: median(encode), unit: 'ms', details: { ratio: median(encode) / reference, min: Math.min(...encode), n: runs }, target },
      { label: 'warm: decode 64×64×c → 1024²', value: median(decode), unit: 'ms', details: { ratio: median(decode) / reference, min: Math.min(...decode), n: runs }, target },
      { label: 'wasm heap after the jobs (the most they needed at once)', value: (memory.heapBytes ?? NaN) / 2 ** 20, unit: 'MiB', target: { op: '<', value: 512 } },
      { label: 'reference: JS 256³ f32 matmul, min of 7', value: reference, unit: 'ms' },
    ];
    return {
      rows,
      notes: {
        loadavg: loadavg().map((x) => Number(x.toFixed(2))),
        browser: (await openSite()).browser.version(),
        renderMs: median(warm.map((r) => r.ms.render ?? NaN)),
        engineTensorsAfter: memory.numTensors,
        ratio: 'ms ÷ reference matmul ms (lower is faster; comparable across machines)',
      },
    };
  },
};
