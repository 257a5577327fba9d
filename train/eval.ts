// `npm run eval -- <model> [--pretrained-dir=pretrained] [--classifier-dir=pretrained/scene-classifier]
// [--held-out=256] [--stats=2000] [--samples=500] [--steps=20] [--guidance=1] [--threads=1] [--seed=1]`:
// evaluates <pretrained-dir>/<model>/ and writes the results into its manifest (train/eval/run.ts).
// A super-resolution model (manifest data.details.sr: sr-256, sr-1024) goes to train/eval/super-resolution.ts
// instead, with [--held-out=N] [--steps=20] [--aug=0,0.1] [--base-dir=<pretrained-dir>/base-64, else
// pretrained/base-64] [--earlier-dir=<pretrained-dir>/sr-256 for a model whose input is not the base's size].
// `npm run eval -- vae [--held-out=7] [--steps=20]` evaluates the autoencoder (train/vae/vae-eval.ts).
// A latent model (manifest data.details.latent: latent-64) goes to train/eval/latent.ts, with [--gap=256]
// [--samples=70] [--truth=4] [--cascade=1] [--disturb=3] [--steps=20] [--guidance=1] [--vae-dir=pretrained/vae]
// [--latent-dir=.latents/vae-<encoder>] [--base-dir] and the SR stages <pretrained-dir>/sr-256, sr-1024 (else pretrained/).
// base-64 also takes [--gap=256]: the scenes per set of its overfitting gap (train/eval/loss-gap.ts).
// `npm run eval -- --train-classifier [--classifier-steps=200]` trains and ships
// <pretrained-dir>/scene-classifier/, the feature extractor of the Fréchet distance.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { initTrainingBackend } from './backend';
import { describeMachine } from './export';
import { CLASSIFIER_NAME, classifierTrainConfig } from './eval/classifier-config';
import { exportClassifier } from './eval/classifier-export';
import { trainClassifier } from './eval/classifier-train';
import { runLatentEvaluation } from './eval/latent';
import { runEvaluation } from './eval/run';
import { runSrEvaluation } from './eval/super-resolution';
import { runVaeEvaluation } from './vae/vae-eval';
import { parseManifest } from '../src/lib/models/manifest';

const VALUE_FLAGS = ['pretrained-dir', 'classifier-dir', 'held-out', 'stats', 'samples', 'steps', 'guidance', 'threads', 'seed', 'classifier-steps', 'aug', 'base-dir', 'earlier-dir', 'gap', 'vae-dir', 'latent-dir', 'truth', 'cascade', 'disturb'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];
const NUMERIC: readonly ValueFlag[] = ['held-out', 'stats', 'samples', 'steps', 'guidance', 'threads', 'seed', 'classifier-steps', 'gap', 'truth', 'cascade', 'disturb'];

export interface EvalArgs {
  model: string | null;
  trainClassifier: boolean;
  values: Partial<Record<ValueFlag, string>>;
}

/** Parses argv; throws an Error with a one-line message for anything unknown or malformed. */
export function parseEvalArgs(argv: readonly string[]): EvalArgs {
  const out: EvalArgs = { model: null, trainClassifier: false, values: {} };
  for (const arg of argv) {
    if (arg === '--train-classifier') out.trainClassifier = true;
    else if (arg.startsWith('--')) {
      const m = /^--([^=]+)=(.+)$/.exec(arg);
      if (!m || !(VALUE_FLAGS as readonly string[]).includes(m[1])) throw new Error(`unknown option "${arg}" (have --train-classifier, ${VALUE_FLAGS.map((f) => `--${f}=…`).join(', ')})`);
      if (NUMERIC.includes(m[1] as ValueFlag) && !Number.isFinite(Number(m[2]))) throw new Error(`--${m[1]}: "${m[2]}" is not a number`);
      out.values[m[1] as ValueFlag] = m[2];
    } else if (out.model === null) out.model = arg;
    else throw new Error(`unexpected argument "${arg}"`);
  }
  if (!out.trainClassifier && !out.model) throw new Error('usage: npm run eval -- <model> [--option=value …]  |  npm run eval -- --train-classifier');
  return out;
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: EvalArgs;
  try {
    args = parseEvalArgs(argv);
  } catch (e) {
    process.stderr.write(`eval: ${(e as Error).message}\n`);
    return 1;
  }
  const v = args.values;
  const num = (k: ValueFlag) => (v[k] === undefined ? undefined : Number(v[k]));
  const pretrainedDir = v['pretrained-dir'] ?? 'pretrained';
  const info = await initTrainingBackend({ threads: num('threads') === 2 ? 2 : 1, verbose: false });
  const log = (line: string) => process.stderr.write(line + '\n');
  if (args.trainClassifier) {
    const config = { ...classifierTrainConfig, steps: num('classifier-steps') ?? classifierTrainConfig.steps };
    log(`training ${CLASSIFIER_NAME}: ${config.steps} steps of ${config.batch} scenes`);
    const run = trainClassifier(config, (r) => {
      if (r.step % 25 === 0 || r.step === config.steps) log(`  step ${r.step}: loss ${r.loss.toFixed(4)} (${r.secPerStep.toFixed(2)} s/step)`);
    });
    const { dir, manifest } = await exportClassifier(run, config, { pretrainedDir, machine: describeMachine(info.threads) });
    log(`${dir}: held-out accuracy ${String(manifest.evaluation.heldOutAccuracy)} after ${run.wallSeconds.toFixed(0)} s`);
    if (!args.model) return 0;
  }
  const modelDir = join(pretrainedDir, args.model as string);
  const manifestPath = join(modelDir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    process.stderr.write(`eval: ${manifestPath} does not exist: no model "${args.model}" in ${pretrainedDir} (train and export it first: npm run train -- ${args.model})\n`);
    return 1;
  }
  if ((JSON.parse(readFileSync(manifestPath, 'utf8')) as { architecture?: string }).architecture === 'vae') {
    const evaluation = await runVaeEvaluation({ modelDir, sr256Dir: join(pretrainedDir, 'sr-256'), sr1024Dir: join(pretrainedDir, 'sr-1024'), heldOut: num('held-out'), steps: num('steps'), log });
    log(`wrote the evaluation into ${manifestPath}`);
    process.stdout.write(JSON.stringify(evaluation, null, 1) + '\n');
    return 0;
  }
  const details = parseManifest(readFileSync(manifestPath, 'utf8'), manifestPath).data.details;
  // Another model's folder: the one beside this model, else the shipped one.
  const beside = (name: string) => [join(pretrainedDir, name), join('pretrained', name)].find((d) => existsSync(join(d, 'manifest.json'))) ?? join(pretrainedDir, name);
  if (details?.latent !== undefined) {
    const evaluation = await runLatentEvaluation({
      modelDir,
      classifierDir: v['classifier-dir'] ?? join('pretrained', CLASSIFIER_NAME),
      vaeDir: v['vae-dir'] ?? beside('vae'),
      latentDir: v['latent-dir'],
      baseDir: v['base-dir'] ?? beside('base-64'),
      srDirs: [beside('sr-256'), beside('sr-1024')],
      gapCount: num('gap'),
      fdCount: num('samples'),
      truthPerKind: num('truth'),
      cascadePerKind: num('cascade'),
      disturbCount: num('disturb'),
      steps: num('steps'),
      guidance: num('guidance'),
      seed: num('seed'),
      log,
    });
    log(`wrote the evaluation into ${manifestPath}`);
    process.stdout.write(JSON.stringify(evaluation, null, 1) + '\n');
    return 0;
  }
  if (details?.sr !== undefined) {
    const aug = v.aug?.split(',').map(Number);
    if (aug?.some((a) => !(a >= 0 && a <= 1))) throw new Error(`--aug: "${v.aug}" is not a comma-separated list of levels in [0, 1]`);
    const baseDir = v['base-dir'] ?? [join(pretrainedDir, 'base-64'), join('pretrained', 'base-64')].find((d) => existsSync(join(d, 'manifest.json'))) ?? join(pretrainedDir, 'base-64');
    const sr = details.sr as { fullSize?: number; factor?: number };
    const baseRes = existsSync(join(baseDir, 'manifest.json')) ? parseManifest(readFileSync(join(baseDir, 'manifest.json'), 'utf8'), baseDir).data.details?.resolution : undefined;
    // The input side tells the chain: the base's size → base → this model; otherwise sr-256 comes first.
    const needsEarlier = typeof sr.fullSize === 'number' && typeof sr.factor === 'number' && sr.fullSize / sr.factor !== (baseRes ?? 64);
    const evaluation = await runSrEvaluation({
      modelDir,
      baseDir,
      earlierDirs: needsEarlier ? [v['earlier-dir'] ?? join(pretrainedDir, 'sr-256')] : [],
      heldOut: num('held-out'),
      steps: num('steps'),
      augLevels: aug,
      seed: num('seed'),
      log,
    });
    log(`wrote the evaluation into ${manifestPath}`);
    process.stdout.write(JSON.stringify(evaluation, null, 1) + '\n');
    return 0;
  }
  const evaluation = await runEvaluation({
    modelDir,
    classifierDir: v['classifier-dir'] ?? join('pretrained', CLASSIFIER_NAME), // the shipped one, wherever the model lies
    heldOut: num('held-out'),
    gapCount: num('gap'),
    statsCount: num('stats'),
    fdCount: num('samples'),
    steps: num('steps'),
    guidance: num('guidance'),
    seed: num('seed'),
    log,
  });
  log(`wrote the evaluation into ${join(pretrainedDir, args.model as string, 'manifest.json')}`);
  process.stdout.write(JSON.stringify(evaluation, null, 1) + '\n');
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`eval: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
