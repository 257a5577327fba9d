// Benchmark section: one training step of the base-64 U-Net at batch 16 on the wasm backend in Node,
// on one thread and on two (measurements.md §1.4–1.5). Each thread count runs in its own process,
// because the wasm module fixes its thread pool when it first starts. Target: ≥ 35 effective
// GFLOP/s on two threads (3 × forward FLOPs / time per step).
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import type { BenchSection, Row } from './section';

interface StepFigures {
  threads: number;
  batch: number;
  firstMs: number;
  medianMs: number;
  minMs: number;
  effectiveGflops: number;
  renderMsPerBatch: number;
  note: string;
}

function measure(threads: 1 | 2, steps: number): StepFigures {
  const out = execFileSync('npx', ['tsx', 'train/bench-step.ts', '--model=base-64', `--threads=${threads}`, `--steps=${steps}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 15 * 60_000,
  });
  const line = out.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as StepFigures;
}

export const trainStep: BenchSection = {
  name: 'train-step',
  title: 'Training step of base-64 in Node, wasm, batch 16 (ms per step)',
  async run({ n }) {
    const steps = Math.min(n, 6); // a step is seconds long; 5 warm steps give a stable median
    const rows: Row[] = [];
    const notes: Record<string, unknown> = { cpu: cpus()[0]?.model, cores: cpus().length, steps };
    for (const threads of [1, 2] as const) {
      const f = measure(threads, steps);
      if (f.threads !== threads) notes[`threads${threads}`] = `asked for ${threads}, ran ${f.threads}: ${f.note}`;
      rows.push({
        label: `train step, ${f.threads} thread(s)`,
        value: f.medianMs,
        unit: 'ms',
        details: { first: f.firstMs, min: f.minMs, 'GFLOP/s': f.effectiveGflops, 'render ms': f.renderMsPerBatch },
      });
      rows.push({
        label: `effective GFLOP/s, ${f.threads} thread(s)`,
        value: f.effectiveGflops,
        unit: 'GFLOP/s',
        target: threads === 2 ? { op: '>', value: 35 } : undefined,
      });
    }
    return { rows, notes };
  },
};
