// `npm run latents -- [--train=N] [--heldout=M] [--root=SEED] [--vae-dir=pretrained/vae] [--out=DIR]`:
// builds (or finishes building) the latent data set of latent-64 (latent-set.ts) with the shipped
// encoder, outside git (default .latents/vae-<first 12 hex of the encoder's SHA-256>/), then fits the
// colour preview map on its training latents and writes it beside the set (preview.json).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { initTrainingBackend } from '../backend';
import { buildLatentSet } from './latent-set';
import { defaultLatentDir, encoderShaOf } from './latent-data';
import { writePreview } from './preview-fit';

const FLAGS = ['train', 'heldout', 'root', 'vae-dir', 'out', 'threads'] as const;

export async function main(argv: readonly string[]): Promise<number> {
  const v: Partial<Record<(typeof FLAGS)[number], string>> = {};
  for (const arg of argv) {
    const m = /^--([^=]+)=(.+)$/.exec(arg);
    if (!m || !(FLAGS as readonly string[]).includes(m[1])) {
      process.stderr.write(`latents: unknown argument "${arg}" (have ${FLAGS.map((f) => `--${f}=…`).join(', ')})\n`);
      return 1;
    }
    v[m[1] as (typeof FLAGS)[number]] = m[2];
  }
  const int = (k: (typeof FLAGS)[number], d: number) => {
    const n = v[k] === undefined ? d : Number(v[k]);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${k}: "${v[k]}" is not a whole number`);
    return n;
  };
  const vaeDir = v['vae-dir'] ?? join('pretrained', 'vae');
  const sha = encoderShaOf(vaeDir);
  const outDir = v.out ?? defaultLatentDir(sha);
  await initTrainingBackend({ threads: int('threads', 1) === 2 ? 2 : 1, verbose: false });
  const log = (line: string) => process.stderr.write(line + '\n');
  // The base model's root seed by default, so latent-64 and base-64 draw their scenes from one stream.
  const meta = await buildLatentSet({ vaeDir, outDir, root: int('root', 20250101), counts: { train: int('train', 3072), heldout: int('heldout', 256) }, log });
  const preview = writePreview(outDir, meta);
  log(`${outDir}: ${meta.counts.train} + ${meta.counts.heldout} latents (${meta.seconds.toFixed(0)} s); preview map held-out MSE ${preview.heldOutMse.toFixed(4)}`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`latents: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
