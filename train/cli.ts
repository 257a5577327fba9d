// `npm run train -- <model> [--key=value …] [--resume] [--fresh] [--until=N] [--export-only]
// [--no-export] [--ckpt-dir=PATH] [--pretrained-dir=PATH] [--predictor-ckpt-dir=PATH]`: train a model from train/configs/<model>.ts,
// checkpointing to .checkpoints/<model>/ and exporting to pretrained/<model>/ when the run completes.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, latestCheckpoint, readCheckpoint, type CheckpointState } from './checkpoint';
import { describeMachine, exportModel, ExportError } from './export';
import { findPredictor } from './sr-predictor-pack';
import { DivergedError, train } from './loop';
import { closestKey, ConfigError, leafKeys, type ConfigTree } from './overrides';
import { registerCoreGradients } from './kernels/core-gradients';
import { Progress } from './progress';
import { vaeMain } from './vae/vae-cli';
import { encoderShaOf } from './latent/latent-data';
import { adoptFutureSchedule, FUTURE_SCHEDULE_KEYS, loadTrainConfig, MODEL_NAMES, overrideConfig, type TrainConfig } from './train-config';

/** Flags of the CLI itself (not config keys). Boolean flags take no value. */
const FLAGS = { resume: 'bool', fresh: 'bool', 'export-only': 'bool', 'phase1-only': 'bool', 'no-export': 'bool', until: 'int', 'ckpt-dir': 'str', 'pretrained-dir': 'str', 'predictor-ckpt-dir': 'str', 'restart-phase2': 'str' } as const;
type Flag = keyof typeof FLAGS;

export interface ParsedArgs {
  model: string;
  flags: Partial<Record<Flag, string | boolean>>;
  overrides: Record<string, string>;
}

/** Splits argv into the model name, CLI flags and config overrides (checked against `config` later). */
export function parseArgs(argv: readonly string[], configKeys: readonly string[] = []): ParsedArgs {
  const [model, ...rest] = argv;
  if (!model || model.startsWith('--')) throw new ConfigError('usage: npm run train -- <model> [--key=value …] (models: ' + [...MODEL_NAMES, 'vae'].join(', ') + ')');
  const flags: ParsedArgs['flags'] = {};
  const overrides: Record<string, string> = {};
  for (const arg of rest) {
    const m = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
    if (!m) throw new ConfigError(`unexpected argument "${arg}" (options look like --key=value)`);
    const [, key, value] = m;
    if (key in FLAGS) {
      const kind = FLAGS[key as Flag];
      if (kind === 'bool') {
        if (value !== undefined) throw new ConfigError(`--${key} takes no value`);
        flags[key as Flag] = true;
      } else {
        if (value === undefined || value === '') throw new ConfigError(`--${key} needs a value (--${key}=…)`);
        if (kind === 'int' && !/^\d+$/.test(value)) throw new ConfigError(`--${key}: "${value}" must be a whole number`);
        flags[key as Flag] = value;
      }
    } else if (configKeys.length > 0 && !configKeys.includes(key)) {
      const near = closestKey(key, [...configKeys, ...Object.keys(FLAGS)]);
      throw new ConfigError(`unknown config key "${key}"${near ? ` (did you mean "${near}"?)` : ''}`);
    } else {
      if (value === undefined) throw new ConfigError(`--${key} needs a value (--${key}=…)`);
      overrides[key] = value;
    }
  }
  if (flags.resume && flags.fresh) throw new ConfigError('--resume and --fresh contradict each other');
  return { model, flags, overrides };
}

async function initBackend(config: TrainConfig): Promise<string> {
  if (config.backend === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    await registerCoreGradients(); // the Node bundle of tfjs-core ships no gradients
    return describeMachine(1);
  }
  const { initTrainingBackend } = await import('./backend');
  const info = await initTrainingBackend({ threads: config.threads === 2 ? 2 : 1, verbose: false });
  return describeMachine(info.threads) + (info.note ? ` (${info.note})` : '');
}

/** Runs the CLI; returns the exit code. Errors the user can fix print one line naming the file or key. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const model = argv[0] ?? '';
    if (!model || model.startsWith('--')) parseArgs(argv); // throws the usage line
    if (model === 'vae') return await vaeMain(argv, parseArgs); // the autoencoder has its own loop (train/vae/)
    const base = await loadTrainConfig(model);
    const args = parseArgs(argv, leafKeys(base as unknown as ConfigTree));
    if (args.flags['restart-phase2'] !== undefined) throw new ConfigError('--restart-phase2 is for the autoencoder (npm run train -- vae …)');
    const dir = typeof args.flags['ckpt-dir'] === 'string' ? args.flags['ckpt-dir'] : join('.checkpoints', args.model);
    const pretrainedDir = typeof args.flags['pretrained-dir'] === 'string' ? args.flags['pretrained-dir'] : 'pretrained';
    const latest = latestCheckpoint(dir);
    // An SR stage's predictor, packed beside it at export (train/sr-predictor-pack.ts); found when exporting.
    const predictorDir = typeof args.flags['predictor-ckpt-dir'] === 'string' ? args.flags['predictor-ckpt-dir'] : undefined;
    // Checked against the net of the checkpoint being exported, not the file's.
    const predictor = (denoiser: CheckpointState) => findPredictor(base, denoiser.config.model, predictorDir);

    // A predictor has no model folder of its own: its denoiser's export packs it (sr-predictor-pack.ts).
    let packedBy: string | undefined;
    for (const n of base.sr?.regression ? MODEL_NAMES : []) if ((await loadTrainConfig(n)).sr?.predictor === args.model) packedBy = n;
    const packNote = `${args.model} is a predictor: its denoiser's export packs it (npm run train -- ${packedBy ?? '<denoiser>'} --export-only)`;
    if (args.flags['export-only']) {
      if (base.sr?.regression) throw new ConfigError(`--export-only: ${packNote}`);
      if (!latest) throw new CheckpointError(`--export-only: no checkpoint in ${dir}`);
      const state = readCheckpoint(latest);
      await initBackend(state.config);
      const out = await exportModel(state, { pretrainedDir, predictor: predictor(state) });
      process.stderr.write(`exported ${latest} (step ${state.step}) → ${out}\n`);
      return 0;
    }

    let resume: CheckpointState | undefined;
    let config: TrainConfig;
    if (args.flags.resume) {
      if (!latest) throw new CheckpointError(`--resume: no checkpoint in ${dir} (nothing to resume; drop --resume to start)`);
      resume = readCheckpoint(latest);
      const resumed = overrideConfig(resume.config, args.overrides, true);
      config = adoptFutureSchedule(resumed, base, resume.step);
      if (config !== resumed) {
        const adopted = Object.fromEntries(FUTURE_SCHEDULE_KEYS.map((k) => [k, config.sr?.[k]]));
        process.stderr.write(`adopted from the config file (not yet reached): ${JSON.stringify(adopted)}\n`);
      }
      if (config.steps <= resume.step) {
        throw new ConfigError(`--steps=${config.steps}: the checkpoint is already at step ${resume.step}; use --export-only to export it`);
      }
      if (config.steps !== resume.config.steps) {
        process.stderr.write(`steps ${resume.config.steps} → ${config.steps}: the learning-rate decay is re-stretched from step ${resume.step}\n`);
      }
      resume.config = config;
    } else {
      config = overrideConfig(base, args.overrides);
      // A latent run is tied to the encoder shipped when it starts: its SHA goes into every checkpoint.
      if (config.latent && !config.latent.encoderSha256) config = { ...config, latent: { ...config.latent, encoderSha256: encoderShaOf(config.latent.vaeDir) } };
      if (latest && !args.flags.fresh) {
        throw new ConfigError(`${dir} already holds checkpoints (latest ${latest}); pass --resume to continue or --fresh to start over`);
      }
      if (latest && args.flags.fresh && existsSync(dir)) {
        const aside = `${dir}.old-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        renameSync(dir, aside); // never delete a run: move it aside
        process.stderr.write(`moved the previous run to ${aside}\n`);
      }
    }

    const machine = await initBackend(config);
    let stop = false;
    const onSignal = (sig: string) => {
      if (stop) process.exit(130); // second signal: the last checkpoint on disk is intact
      stop = true;
      process.stderr.write(`\n${sig}: finishing this step and checkpointing…\n`);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // `kill $(cat <dir>/trainer.pid)` stops a background run cleanly (checkpoint, then exit 0).
    const pidFile = join(dir, 'trainer.pid');
    mkdirSync(dir, { recursive: true });
    writeFileSync(pidFile, `${process.pid}\n`);
    const start = resume?.step ?? 0;
    const until = typeof args.flags.until === 'string' ? Number(args.flags.until) : undefined;
    process.stderr.write(`training ${args.model} from step ${start} to ${Math.min(config.steps, until ?? config.steps)} of ${config.steps} in ${dir}; ${machine}\n`);
    const result = await train({
      model: args.model, config, dir, resume, until, machine,
      shouldStop: () => stop,
      progress: new Progress({ total: config.steps, start }),
    });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(pidFile, { force: true });
    process.stderr.write(`stopped at step ${result.step}; checkpoint ${result.checkpoint}\n`);
    if (result.finished && config.sr?.regression) process.stderr.write(`${packNote}\n`);
    else if (result.finished && !args.flags['no-export']) {
      const finished = readCheckpoint(result.checkpoint);
      const out = await exportModel(finished, { pretrainedDir, machine, predictor: predictor(finished) });
      process.stderr.write(`exported → ${out}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof CheckpointError || e instanceof ExportError || e instanceof DivergedError) {
      process.stderr.write(`train: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/**
 * Under `tsx` (npm run train), a parent process relays signals and SIGKILLs a child that does not
 * acknowledge one within 30 ms — and a training step holds the event loop for a second or more. So the
 * tsx child only supervises: it starts the trainer as a plain `node --import tsx` process in its own
 * process group, forwards SIGINT/SIGTERM to it once, and exits with its code.
 */
function supervise(argv: readonly string[]): void {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), fileURLToPath(import.meta.url), ...argv], {
    stdio: 'inherit',
    detached: true, // a terminal's Ctrl-C reaches only us; we forward it exactly once
    env: { ...process.env, NOISEBOOK_TRAINER: '1' },
  });
  let forwarded = 0;
  const forward = (sig: NodeJS.Signals) => {
    forwarded += 1;
    child.kill(forwarded > 1 ? 'SIGKILL' : sig);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : 1)));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const underTsxCli = process.execArgv.some((a) => a.includes('tsx/dist/preflight'));
  if (underTsxCli && !process.env.NOISEBOOK_TRAINER) supervise(process.argv.slice(2));
  else main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`train: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
