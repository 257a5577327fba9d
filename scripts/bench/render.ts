// Benchmark section: how long the procedural world (src/lib/data) takes to render one scene at 64,
// 256 and 1024 in Node. Target: 1024×1024 under 300 ms, so a new scene feels immediate.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median, type BenchSection } from './section';

type SampleScene = (seed: number) => unknown;
type RenderScene = (scene: unknown, size: number) => Float32Array;

/** Finds sampleScene and renderScene among the modules of src/lib/data, wherever they live. */
async function worldApi(): Promise<{ sampleScene: SampleScene; renderScene: RenderScene }> {
  const dir = resolve('src/lib/data');
  const found: { sampleScene?: SampleScene; renderScene?: RenderScene } = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>;
    if (typeof mod.sampleScene === 'function') found.sampleScene ??= mod.sampleScene as SampleScene;
    if (typeof mod.renderScene === 'function') found.renderScene ??= mod.renderScene as RenderScene;
  }
  if (!found.sampleScene || !found.renderScene) throw new Error('src/lib/data exports no sampleScene/renderScene yet');
  return { sampleScene: found.sampleScene, renderScene: found.renderScene };
}

export const render: BenchSection = {
  name: 'render',
  title: 'Procedural world: renderScene in Node (ms per scene)',
  async run({ n }) {
    const { sampleScene, renderScene } = await worldApi();
    const seeds = Array.from({ length: n }, (_, i) => 1000 + i);
    const rows = [];
    for (const size of [64, 256, 1024]) {
      // A different scene each run, so no scene-specific cache flatters the figure.
      const times = seeds.map((seed) => {
        const scene = sampleScene(seed);
        const t0 = performance.now();
        const pixels = renderScene(scene, size);
        const ms = performance.now() - t0;
        if (pixels.length < size * size) throw new Error(`renderScene(…, ${size}) returned ${pixels.length} values`);
        return ms;
      });
      rows.push({
        label: `render ${size}×${size}`,
        value: median(times.slice(1)),
        unit: 'ms',
        details: { first: times[0], min: Math.min(...times), n: times.length - 1 },
        target: size === 1024 ? { op: '<' as const, value: 300 } : undefined,
      });
    }
    return { rows, notes: { node: process.version, scenes: `seeds ${seeds[0]}–${seeds.at(-1)}`, statistic: 'median of runs 2..n' } };
  },
};
