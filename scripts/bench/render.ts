// Benchmark section: how long the procedural world (src/lib/data) takes to render one scene at 64,
// 256 and 1024 in Node. Target: 1024×1024 under 300 ms, so a new scene feels immediate.
import { renderScene, sampleScene } from '../../src/lib/data';
import { median, type BenchSection, type Row } from './section';

export const render: BenchSection = {
  name: 'render',
  title: 'Procedural world: renderScene in Node (ms per scene)',
  async run({ n }) {
    const seeds = Array.from({ length: n }, (_, i) => 1000 + i);
    const rows: Row[] = [];
    for (const size of [64, 256, 1024]) {
      // A different scene each run (all kinds come up), so no one scene flatters the figure.
      const times = seeds.map((seed) => {
        const scene = sampleScene(seed);
        const t0 = performance.now();
        const pixels = renderScene(scene, size); // [size, size, 3]
        const ms = performance.now() - t0;
        if (pixels.length !== size * size * 3) throw new Error(`renderScene(…, ${size}) gave ${pixels.length} values`);
        return ms;
      });
      rows.push({
        label: `render ${size}×${size}`,
        value: median(times.slice(1)),
        unit: 'ms',
        details: { first: times[0], min: Math.min(...times), max: Math.max(...times.slice(1)), n: times.length - 1 },
        target: size === 1024 ? { op: '<', value: 300 } : undefined,
      });
    }
    return {
      rows,
      notes: { node: process.version, seeds: `${seeds[0]}–${seeds.at(-1)}`, statistic: 'median of runs 2..n (run 1 is "first")' },
    };
  },
};
