// Benchmark runner: figures, not pass/fail. Runs each section (scripts/bench/<name>.ts), prints a
// table per section and writes everything to .bench/latest.json.
// Usage: npm run bench [-- <section>...] [-- --n=15]     sections: render, noising, engine-step, first-sample, cascade, vae, latent, bundle, train-step, weak-laptop, webgl
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { bundle } from './bench/bundle';
import { cascade } from './bench/cascade';
import { engineStep } from './bench/engine-step';
import { firstSample } from './bench/first-sample';
import { latent } from './bench/latent';
import { closeSite } from './bench/browser';
import { noising } from './bench/noising';
import { render } from './bench/render';
import { trainStep } from './bench/train-step';
import { vae } from './bench/vae';
import { weakLaptop } from './bench/weak-laptop';
import { webgl } from './bench/webgl';
import { formatTable, type BenchSection, type SectionResult } from './bench/section';

/** Every section, in run order. A new section is one file under scripts/bench/ and one entry here. */
const SECTIONS: BenchSection[] = [render, noising, engineStep, firstSample, cascade, vae, latent, bundle, trainStep, weakLaptop, webgl];

function parseArgs(argv: string[]): { names: string[]; n: number } {
  const nArg = argv.find((a) => a.startsWith('--n='));
  const n = nArg ? Number(nArg.slice(4)) : 15;
  if (!Number.isInteger(n) || n < 2) throw new Error(`--n must be an integer ≥ 2, got ${nArg}`);
  const names = argv.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((name) => !SECTIONS.some((s) => s.name === name));
  if (unknown.length) throw new Error(`unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.map((s) => s.name).join(', ')}`);
  return { names, n };
}

async function main(): Promise<void> {
  const { names, n } = parseArgs(process.argv.slice(2));
  const chosen = names.length ? SECTIONS.filter((s) => names.includes(s.name)) : SECTIONS;
  const results: Record<string, (SectionResult & { title: string; seconds: number }) | { title: string; error: string }> = {};
  let failed = false;
  try {
    for (const section of chosen) {
      const t0 = performance.now();
      try {
        const result = await section.run({ n });
        const seconds = (performance.now() - t0) / 1000;
        results[section.name] = { title: section.title, ...result, seconds };
        console.log(`\n${formatTable(section.title, result)}`);
        if (result.notes) console.log(`notes: ${JSON.stringify(result.notes)}`);
      } catch (error) {
        // One broken section (e.g. a page not built yet) must not hide the others' figures.
        failed = true;
        const message = error instanceof Error ? error.message : String(error);
        results[section.name] = { title: section.title, error: message };
        console.log(`\n## ${section.title}\nFAILED: ${message}`);
      }
    }
  } finally {
    await closeSite();
  }
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    n,
    sections: results,
  };
  mkdirSync('.bench', { recursive: true });
  writeFileSync('.bench/latest.json', JSON.stringify(report, null, 2) + '\n');
  console.log('\nwrote .bench/latest.json');
  if (failed) process.exitCode = 1;
}

await main();
