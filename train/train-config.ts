// The training config: one typed record per model in train/configs/<model>.ts (nanoGPT style: every
// value carries a comment saying why). The CLI loads one by name and applies typed `--key=value` overrides.
import type { ScheduleName } from '../src/lib/diffusion/schedule';
import type { Prediction } from '../src/lib/diffusion/prediction';
import { resolveConfig, type UNetConfig } from '../src/lib/models/config';
import { applyOverrides, closestKey, ConfigError, type ConfigTree } from './overrides';
import type { SrSettings } from './sr-data';
import type { LatentSettings } from './latent/latent-data';

export interface TrainConfig {
  /** The network, fully spelled out (src/lib/models/config.ts documents each field). */
  model: UNetConfig;
  /** Side of the square training images, in pixels. */
  resolution: number;
  /** Noise schedule name (src/lib/diffusion/schedule.ts). */
  schedule: ScheduleName;
  /** Diffusion steps. */
  T: number;
  /** What the network predicts: 'eps', 'v' or 'x0'. */
  prediction: Prediction;
  /** Probability that an example's class label is replaced by the null class (classifier-free guidance). */
  condDropout: number;
  batch: number;
  /** Total optimizer steps; also where the cosine schedule ends. */
  steps: number;
  /** Peak learning rate. */
  lr: number;
  /** Learning rate at the last step. */
  minLr: number;
  /** Linear warm-up steps. */
  warmup: number;
  beta1: number;
  beta2: number;
  adamEps: number;
  /** Decoupled weight decay λ (applied to rank ≥ 2 weights). */
  weightDecay: number;
  /**
   * Min-SNR-γ loss weighting (src/lib/diffusion/losses.ts minSnrWeights; Hang et al. 2023 use γ = 5); 0 or
   * absent = the plain L_simple of the prediction's target. Base models only; the held-out loss stays unweighted.
   */
  minSnrGamma?: number;
  /** Global-norm gradient clip; 0 disables. */
  gradClip: number;
  emaDecay: number;
  /** Root of every random choice: init, data, t, noise, dropout are all functions of (seed, step). */
  seed: number;
  /** Minutes between checkpoints (plus one at the end and on SIGINT/SIGTERM). */
  ckptMinutes: number;
  /** Checkpoints kept on disk; older ones are deleted only after a newer one has been verified. */
  keepCheckpoints: number;
  /** Threads for the wasm backend. */
  threads: number;
  /** 'wasm' (fast, with train/backend.ts kernels) or 'cpu' (reference, very slow). */
  backend: 'wasm' | 'cpu';
  /** Super-resolution models only (train/sr-data.ts): crops of fullSize renders, conditioned on the low-res crop. */
  sr?: SrSettings;
  /** Latent models only (train/latent/latent-data.ts): the autoencoder's latents instead of pixels. */
  latent?: LatentSettings;
}

/** Keys whose numbers must be whole. */
export const INTEGER_KEYS: readonly string[] = [
  'resolution', 'T', 'batch', 'steps', 'warmup', 'seed', 'keepCheckpoints', 'threads',
  'model.imageChannels', 'model.extraChannels', 'model.baseChannels', 'model.channelMults', 'model.resBlocks',
  'model.groups', 'model.timeFeatures', 'model.embedDim', 'model.classes', 'model.outChannels',
  'sr.fullSize', 'sr.factor', 'sr.spaceToDepth', 'sr.residualPcaCrops', 'sr.augZeroFrom', 'sr.varianceWeightFrom',
  'sr.lowNoiseFrom', 'sr.refineFrom', 'latent.trainCount', 'latent.heldoutCount',
];

/**
 * Keys that may change when resuming. All but `steps` only change how the run is kept. `steps` changes
 * the rest of the run on purpose: the cosine decay (lr-schedule.ts) is re-stretched from the current
 * step to the new end, so the learning rate jumps once (down when shortening) and then decays smoothly.
 * That is how a run that would not fit the time left is brought to an end without starting over.
 */
export const RESUMABLE_KEYS: readonly string[] = ['ckptMinutes', 'keepCheckpoints', 'threads', 'steps'];

/** Model names with a config file (train/configs/<name>.ts). */
export const MODEL_NAMES = ['tiny', 'base-64', 'sr-256', 'sr-1024', 'sr-256-predictor', 'sr-1024-predictor', 'latent-64'] as const;

/** Loads train/configs/<name>.ts. Throws ConfigError naming the closest model for an unknown name. */
export async function loadTrainConfig(name: string): Promise<TrainConfig> {
  if (!(MODEL_NAMES as readonly string[]).includes(name)) {
    const near = closestKey(name, MODEL_NAMES);
    throw new ConfigError(`unknown model "${name}" (have: ${MODEL_NAMES.join(', ')}; did you mean "${near}"?)`);
  }
  const mod = (await import(`./configs/${name}.ts`)) as { default: TrainConfig };
  return structuredClone(mod.default);
}

/** Applies CLI overrides with type checks (see overrides.ts) and sanity checks on the result. */
export function overrideConfig(config: TrainConfig, overrides: Record<string, string>, resuming = false): TrainConfig {
  const out = applyOverrides(config as unknown as ConfigTree, overrides, {
    integers: INTEGER_KEYS,
    allowed: resuming ? RESUMABLE_KEYS : undefined,
  }) as unknown as TrainConfig;
  checkConfig(out);
  return out;
}

/** Range checks that the type alone cannot express. Throws ConfigError naming the key. */
export function checkConfig(c: TrainConfig): void {
  const need = (ok: boolean, key: string, what: string) => {
    if (!ok) throw new ConfigError(`config key "${key}" ${what}`);
  };
  need(c.batch >= 1, 'batch', 'must be ≥ 1');
  need(c.steps >= 1, 'steps', 'must be ≥ 1');
  need(c.lr > 0 && c.minLr >= 0 && c.minLr <= c.lr, 'minLr', 'must be in [0, lr]');
  need(c.warmup >= 0 && c.warmup <= c.steps, 'warmup', 'must be in [0, steps]');
  need(c.beta1 >= 0 && c.beta1 < 1, 'beta1', 'must be in [0, 1)');
  need(c.beta2 >= 0 && c.beta2 < 1, 'beta2', 'must be in [0, 1)');
  need(c.condDropout >= 0 && c.condDropout < 1, 'condDropout', 'must be in [0, 1)');
  need(c.emaDecay >= 0 && c.emaDecay < 1, 'emaDecay', 'must be in [0, 1)');
  need(c.minSnrGamma === undefined || c.minSnrGamma >= 0, 'minSnrGamma', 'must be ≥ 0 (0 = off)');
  need(!c.minSnrGamma || !c.sr, 'minSnrGamma', 'applies to base models only (the SR objective has its own weights)');
  need(['eps', 'v', 'x0'].includes(c.prediction), 'prediction', 'must be eps, v or x0');
  need(['wasm', 'cpu'].includes(c.backend), 'backend', 'must be wasm or cpu');
  need(c.ckptMinutes > 0, 'ckptMinutes', 'must be > 0');
  need(c.keepCheckpoints >= 1, 'keepCheckpoints', 'must be ≥ 1');
  try {
    resolveConfig(c.model);
  } catch (e) {
    throw new ConfigError(`model config: ${(e as Error).message}`);
  }
  need(c.resolution % 2 ** (c.model.channelMults.length - 1) === 0, 'resolution', 'must be divisible by 2^(levels−1)');
  if (c.sr) checkSr(c, c.sr, need);
  if (c.latent) {
    need(!c.sr, 'latent', 'and sr cannot both be set');
    need(c.latent.trainCount >= c.batch, 'latent.trainCount', 'must be at least one batch');
    need(c.latent.heldoutCount >= 1, 'latent.heldoutCount', 'must be ≥ 1');
    need(c.model.imageChannels === c.model.outChannels && c.model.extraChannels === 0, 'model.imageChannels', 'must equal outChannels (the latent channels), with no extra channels');
  }
}

/** A super-resolution config's inputs must match its net: 3k² image, conditioning and output channels, one scalar. */
function checkSr(c: TrainConfig, sr: SrSettings, need: (ok: boolean, key: string, what: string) => void): void {
  const k = sr.spaceToDepth;
  need(sr.factor >= 2, 'sr.factor', 'must be ≥ 2');
  need(k >= 1 && c.resolution % (k * 2 ** (c.model.channelMults.length - 1)) === 0, 'sr.spaceToDepth', 'must divide resolution / 2^(levels−1)');
  need(c.resolution % sr.factor === 0 && c.resolution <= sr.fullSize && sr.fullSize % sr.factor === 0, 'resolution', 'must be a multiple of sr.factor, at most sr.fullSize');
  need(sr.augMax >= 0 && sr.augMax <= 1, 'sr.augMax', 'must be in [0, 1]');
  need(sr.augZeroShare === undefined || (sr.augZeroShare >= 0 && sr.augZeroShare <= 1), 'sr.augZeroShare', 'must be in [0, 1]');
  need(sr.augZeroFrom === undefined || (Number.isInteger(sr.augZeroFrom) && sr.augZeroFrom >= 0), 'sr.augZeroFrom', 'must be a whole step ≥ 0');
  need(sr.varianceWeightFrom === undefined || (Number.isInteger(sr.varianceWeightFrom) && sr.varianceWeightFrom >= 0), 'sr.varianceWeightFrom', 'must be a whole step ≥ 0');
  need(sr.varianceWeightFrom === undefined || sr.residualStd !== undefined, 'sr.varianceWeightFrom', 'needs sr.residualStd (the weights are the preconditioning\'s σ_d²)');
  need(sr.lowNoiseShare === undefined || (sr.lowNoiseShare >= 0 && sr.lowNoiseShare <= 1), 'sr.lowNoiseShare', 'must be in [0, 1]');
  need(sr.lowNoiseShare === undefined || sr.residualStd !== undefined, 'sr.lowNoiseShare', 'needs sr.residualStd (the σ_d the draws centre on)');
  need(!sr.regression || sr.residualStd !== undefined, 'sr.regression', 'needs sr.residualStd (the loss weighs components by σ_d²)');
  need(!sr.regression || !sr.lowNoiseShare, 'sr.regression', 'draws no t (every example is at t = T): drop sr.lowNoiseShare');
  need((sr.predictor === undefined) === (sr.refineFrom === undefined), 'sr.refineFrom', 'goes with sr.predictor: both or neither');
  need(sr.predictor === undefined || ((MODEL_NAMES as readonly string[]).includes(sr.predictor) && !sr.regression), 'sr.predictor', 'must name a model config, on a denoiser');
  need(sr.refineFrom === undefined || (sr.refineFrom >= 1 && sr.refineFrom <= c.T), 'sr.refineFrom', `must be a step in [1, ${c.T}]`);
  need(sr.predictor === undefined || sr.residualStd !== undefined, 'sr.predictor', 'needs sr.residualStd (the predictor runs preconditioned, as trained)');
  need(sr.lowNoiseFrom === undefined || (Number.isInteger(sr.lowNoiseFrom) && sr.lowNoiseFrom >= 0), 'sr.lowNoiseFrom', 'must be a whole step ≥ 0');
  need(c.model.imageChannels === 3 * k * k, 'model.imageChannels', `must be 3·spaceToDepth² = ${3 * k * k}`);
  need(c.model.extraChannels === 3 * k * k, 'model.extraChannels', `must be 3·spaceToDepth² = ${3 * k * k} (the upsampled low-res crop)`);
  need(c.model.outChannels === 3 * k * k, 'model.outChannels', `must be 3·spaceToDepth² = ${3 * k * k}`);
  need(c.model.extraScalar, 'model.extraScalar', 'must be true (the aug level)');
  need(c.model.classes === 0, 'model.classes', 'must be 0 (the SR models are conditioned on the low-res image only)');
  if (sr.residualStd !== undefined) {
    need(sr.residualStd > 0 && sr.residualStd < 1, 'sr.residualStd', 'must be in (0, 1)');
    need(!c.model.extraResidual, 'model.extraResidual', 'must be false with sr.residualStd (the preconditioning adds the upsample)');
    need(c.prediction === 'x0', 'prediction', 'must be x0 with sr.residualStd');
    need(sr.residualPcaCrops === undefined || sr.residualPcaCrops >= 1, 'sr.residualPcaCrops', 'must be at least 1');
    need(sr.augResidualGain === undefined || (sr.augResidualGain >= 0 && sr.augResidualGain <= 4), 'sr.augResidualGain', 'must be in [0, 4]');
  }
}

/**
 * The SR schedules that start at a given step, each as [its share key, or null, and its start key]. A share's
 * start defaults to 0; a schedule without a share is on when its start key is set.
 */
export const FUTURE_SCHEDULES = [
  ['augZeroShare', 'augZeroFrom'],
  [null, 'varianceWeightFrom'],
  ['lowNoiseShare', 'lowNoiseFrom'],
] as const;

/** Every config key of FUTURE_SCHEDULES, in order. */
export const FUTURE_SCHEDULE_KEYS = FUTURE_SCHEDULES.flatMap(([share, from]) => (share ? [share, from] : [from]));

/**
 * Schedules that start at a given step: a resumed run adopts each from the config file when its start is at
 * or after the checkpoint's step, so the steps already taken are exactly those the file describes and
 * training from scratch with the file reproduces the whole run. Any other difference still needs --fresh.
 */
export function adoptFutureSchedule(resumed: TrainConfig, file: TrainConfig, step: number): TrainConfig {
  if (!resumed.sr || !file.sr) return resumed;
  const sr = { ...resumed.sr };
  for (const [share, fromKey] of FUTURE_SCHEDULES) {
    const on = share ? Boolean(file.sr[share]) : file.sr[fromKey] !== undefined;
    const from = file.sr[fromKey] ?? 0;
    if (!on || from < step) continue;
    if (share) sr[share] = file.sr[share];
    sr[fromKey] = from;
  }
  if (FUTURE_SCHEDULE_KEYS.every((k) => sr[k] === resumed.sr?.[k])) return resumed;
  const out: TrainConfig = { ...resumed, sr };
  checkConfig(out);
  return out;
}
