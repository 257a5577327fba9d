// `npm run train -- vae [--key=value …] [--resume] [--fresh] [--until=N] [--export-only [--phase1-only]] [--no-export]
// [--ckpt-dir=PATH] [--pretrained-dir=PATH] [--restart-phase2=<dir of a phase-2 run> --phase2Lr=… --discWeight=…]`: the autoencoder's run (train/vae/vae-loop.ts), dispatched
// from train/cli.ts, with the same flags, checkpoints, signals and resume rules as the diffusion models.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { latestCheckpoint, readCheckpoint, saveCheckpoint, CheckpointError, type CheckpointState } from '../checkpoint';
import { describeMachine } from '../export';
import { ConfigError, leafKeys, type ConfigTree } from '../overrides';
import { Progress } from '../progress';
import { registerCoreGradients } from '../kernels/core-gradients';
import { restartPhase2 } from './phase2-restart';
import { exportVae } from './vae-export';
import { trainVae } from './vae-loop';
import { overrideVaeConfig, totalSteps, type VaeTrainConfig } from './vae-train-config';

type Flags = Partial<Record<string, string | boolean>>;
type ParseArgs = (argv: readonly string[], keys: readonly string[]) => { model: string; flags: Flags; overrides: Record<string, string> };

export async function loadVaeConfig(): Promise<VaeTrainConfig> {
  const mod = (await import('../configs/vae')) as { default: VaeTrainConfig };
  return structuredClone(mod.default);
}

async function initBackend(c: VaeTrainConfig): Promise<string> {
  if (c.backend === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    await registerCoreGradients();
    return describeMachine(1);
  }
  const { initTrainingBackend } = await import('../backend');
  const info = await initTrainingBackend({ threads: c.threads === 2 ? 2 : 1, verbose: false });
  return describeMachine(info.threads) + (info.note ? ` (${info.note})` : '');
}

/** Runs `train vae`; errors the user can fix are thrown as ConfigError/CheckpointError for cli.ts to print. */
export async function vaeMain(argv: readonly string[], parseArgs: ParseArgs): Promise<number> {
  const base = await loadVaeConfig();
  const args = parseArgs(argv, leafKeys(base as unknown as ConfigTree));
  const dir = typeof args.flags['ckpt-dir'] === 'string' ? args.flags['ckpt-dir'] : join('.checkpoints', 'vae');
  const pretrainedDir = typeof args.flags['pretrained-dir'] === 'string' ? args.flags['pretrained-dir'] : 'pretrained';
  const latest = latestCheckpoint(dir);
  if (args.flags['export-only']) {
    if (!latest) throw new CheckpointError(`--export-only: no checkpoint in ${dir}`);
    const state = readCheckpoint<VaeTrainConfig>(latest);
    await initBackend(state.config);
    const out = await exportVae(state, { pretrainedDir, phase1Only: Boolean(args.flags['phase1-only']) });
    process.stderr.write(`exported ${latest} (step ${state.step}) → ${out}\n`);
    return 0;
  }
  let resume: CheckpointState<VaeTrainConfig> | undefined;
  let config: VaeTrainConfig;
  const restartFrom = args.flags['restart-phase2'];
  if (typeof restartFrom === 'string') {
    // A new phase-2 recipe from an earlier run's phase-2 checkpoint (phase2-restart.ts), written into `dir`.
    if (args.flags.resume || args.flags.fresh) throw new ConfigError('--restart-phase2 starts its own run: drop --resume and --fresh');
    if (latest) throw new ConfigError(`${dir} already holds checkpoints (latest ${latest}); give --restart-phase2 an empty --ckpt-dir`);
    const source = latestCheckpoint(restartFrom);
    if (!source) throw new CheckpointError(`--restart-phase2: no checkpoint in ${restartFrom}`);
    resume = restartPhase2(readCheckpoint<VaeTrainConfig>(source), args.overrides);
    config = resume.config;
    mkdirSync(dir, { recursive: true });
    saveCheckpoint(dir, resume, config.keepCheckpoints); // so that --resume works from the boundary too
    process.stderr.write(`phase 2 restarted from ${source} at step ${resume.step}: decoder 1, a new discriminator, fresh moments\n`);
  } else if (args.flags.resume) {
    if (!latest) throw new CheckpointError(`--resume: no checkpoint in ${dir} (nothing to resume; drop --resume to start)`);
    resume = readCheckpoint<VaeTrainConfig>(latest);
    config = overrideVaeConfig(resume.config, args.overrides, true);
    if (resume.step > config.phase1Steps && config.phase1Steps !== resume.config.phase1Steps) {
      throw new ConfigError(`--phase1Steps: the run is already in phase 2 (step ${resume.step}); phase 1 cannot change`);
    }
    if (totalSteps(config) <= resume.step) throw new ConfigError(`the checkpoint is already at step ${resume.step} of ${totalSteps(config)}; use --export-only`);
    resume.config = config;
  } else {
    config = overrideVaeConfig(base, args.overrides);
    if (latest && !args.flags.fresh) throw new ConfigError(`${dir} already holds checkpoints (latest ${latest}); pass --resume to continue or --fresh to start over`);
    if (latest && args.flags.fresh && existsSync(dir)) {
      const aside = `${dir}.old-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(dir, aside);
      process.stderr.write(`moved the previous run to ${aside}\n`);
    }
  }
  const machine = await initBackend(config);
  let stop = false;
  const onSignal = (sig: string) => {
    if (stop) process.exit(130);
    stop = true;
    process.stderr.write(`\n${sig}: finishing this step and checkpointing…\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  mkdirSync(dir, { recursive: true });
  const pidFile = join(dir, 'trainer.pid');
  writeFileSync(pidFile, `${process.pid}\n`);
  const start = resume?.step ?? 0;
  const until = typeof args.flags.until === 'string' ? Number(args.flags.until) : undefined;
  process.stderr.write(`training vae from step ${start} to ${Math.min(totalSteps(config), until ?? Infinity)} of ${totalSteps(config)} (phase 1: ${config.phase1Steps}) in ${dir}; ${machine}\n`);
  const result = await trainVae({ config, dir, resume, until, machine, shouldStop: () => stop, progress: new Progress({ total: totalSteps(config), start }) });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  rmSync(pidFile, { force: true });
  process.stderr.write(`stopped at step ${result.step}; checkpoint ${result.checkpoint}\n`);
  if (result.finished && !args.flags['no-export']) {
    const out = await exportVae(readCheckpoint<VaeTrainConfig>(result.checkpoint), { pretrainedDir, machine });
    process.stderr.write(`exported → ${out}\n`);
  }
  return 0;
}
