// A new phase-2 recipe without re-running phase 1: from any checkpoint of a run already in phase 2, a
// checkpoint at the phase boundary (step phase1Steps) whose decoder is decoder 1 again, with a freshly
// initialised discriminator and fresh Adam moments, and the phase-2 settings changed. Resumed like any
// checkpoint, it takes exactly the steps a run entering phase 2 with those settings takes (vae-loop.ts
// enterPhase2), and it keeps the frozen encoder's bytes, so latent sets and latent-64 stay valid.
// Why: the first phase-2 recipe (LDM's adaptive λ at disc_weight 0.5) drew halos and blotches (README,
// "The autoencoder"); the next recipes differ only in phase-2 keys, and phase 1 cost three hours.
import { deriveSeed, makeRng } from '../../src/lib/math/rng';
import { buildVae } from '../../src/lib/models/vae';
import { CheckpointError, type CheckpointState, type NamedArray } from '../checkpoint';
import { applyOverrides, ConfigError, type ConfigTree } from '../overrides';
import { buildDiscriminator } from './discriminator';
import { DISC_INIT_STREAM } from './vae-loop';
import { checkVaeConfig, VAE_INTEGER_KEYS, type VaeTrainConfig } from './vae-train-config';

/** The keys a restarted phase 2 may change: phase 2's own settings and how the run is kept. */
export const PHASE2_KEYS = [
  'phase2Steps', 'discWarmup', 'phase2Lr', 'phase2Beta1', 'phase2Beta2', 'discWeight', 'maxAdaptiveWeight',
  'disc.channels', 'disc.layers', 'disc.groups', 'ckptMinutes', 'keepCheckpoints', 'threads',
];

/**
 * The phase-boundary checkpoint of `state` (a phase-2 checkpoint) with `overrides` applied to phase 2's
 * keys. The loss log is cut at the boundary; wallSeconds keeps phase 1's share (its steps' own times).
 */
export function restartPhase2(state: CheckpointState<VaeTrainConfig>, overrides: Record<string, string>): CheckpointState<VaeTrainConfig> {
  const old = state.config;
  if (state.step <= old.phase1Steps) {
    throw new CheckpointError(`--restart-phase2: the checkpoint is at step ${state.step}, still in phase 1 (${old.phase1Steps} steps); resume it instead`);
  }
  const config = applyOverrides(structuredClone(old) as unknown as ConfigTree, overrides, { integers: VAE_INTEGER_KEYS, allowed: PHASE2_KEYS }) as unknown as VaeTrainConfig;
  try {
    checkVaeConfig(config);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const P1 = config.phase1Steps;
  const vae = buildVae(config.model);
  const tensors = new Map<string, NamedArray>();
  const copy = (from: string, to: string, names: string[]) => {
    for (const n of names) {
      const a = state.tensors.get(from + n);
      if (!a) throw new CheckpointError(`--restart-phase2: the checkpoint at step ${state.step} lacks ${from}${n}`);
      tensors.set(to + n, { shape: [...a.shape], data: a.data.slice() });
    }
  };
  const enc = vae.encoderSpecs.map((s) => s.name);
  const dec = vae.decoderSpecs.map((s) => s.name);
  copy('frozen/', 'frozen/', enc);
  copy('phase1/', 'phase1/', dec);
  // enterPhase2: the decoder to fine-tune and its EMA both start as decoder 1.
  copy('phase1/', 'param/', dec);
  copy('phase1/', 'ema/', dec);
  const disc = buildDiscriminator(config.disc);
  const init = disc.init(makeRng(deriveSeed(config.seed, DISC_INIT_STREAM)));
  for (const s of disc.specs) tensors.set(`disc/${s.name}`, { shape: [...s.shape], data: init.get(s.name) as Float32Array });
  // No adam.* or d.adam.* tensors: AdamW.load of an empty state gives fresh moments, as enterPhase2's adam2().
  const lossLog = state.lossLog.filter((r) => r.step <= P1);
  const wallSeconds = lossLog.reduce((s, r) => s + (r.secPerStep ?? 0), 0);
  return { ...state, step: P1, config, lossLog, wallSeconds, tensors };
}
