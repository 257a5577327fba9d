// The autoencoder's training config (train/configs/vae.ts): the net, the crops it sees, and the two
// phases of LDM's recipe (Rombach et al. 2022 §3.1; ../shared/latent-notes.md §1): reconstruction + KL
// first, then the encoder frozen and the decoder fine-tuned against a patch discriminator.
import type { VaeConfig } from '../../src/lib/models/vae-config';
import { resolveVaeConfig } from '../../src/lib/models/vae-config';
import { applyOverrides, ConfigError, type ConfigTree } from '../overrides';

export interface VaeLossWeights {
  /** Weight of mean |x − x̂| (LDM's pixel term). */
  l1: number;
  /** Weight of the multi-scale gradient term (vae-losses.ts gradientL1), our stand-in for LPIPS. */
  grad: number;
  /** The box sizes the gradient term compares differences at (1 = the pixel grid). */
  gradScales: number[];
  /** Weight of the mean KL per latent value (LDM's 1e-6 on summed losses, rescaled: see configs/vae.ts). */
  kl: number;
}

export interface DiscriminatorConfig {
  /** Channels of D's first layer (pix2pix's ndf); each strided layer doubles it. */
  channels: number;
  /** Strided layers (pix2pix's n_layers): 3 gives a 70-pixel receptive field with 4×4 kernels. */
  layers: number;
  /** GroupNorm groups in D's middle layers (taming uses BatchNorm, whose batch statistics we avoid). */
  groups: number;
}

export interface VaeTrainConfig {
  /** Marks the config kind, so a checkpoint says which trainer wrote it. */
  kind: 'vae';
  model: VaeConfig;
  /** Side of the scene renders the crops come from (the pipeline's target size). */
  fullSize: number;
  /** Side of a training crop, a multiple of f so crop cells sit on the whole image's latent grid. */
  crop: number;
  batch: number;
  /** Phase 1 (reconstruction + KL) steps; the lr decays over these. */
  phase1Steps: number;
  /** Phase 2 steps after phase 1: the discriminator warm-up and then the adversarial fine-tuning. */
  phase2Steps: number;
  /** Phase 2's first steps in which only D learns (the decoder waits), so D is not random when its term enters. */
  discWarmup: number;
  lr: number;
  minLr: number;
  warmup: number;
  beta1: number;
  beta2: number;
  adamEps: number;
  weightDecay: number;
  gradClip: number;
  emaDecay: number;
  loss: VaeLossWeights;
  disc: DiscriminatorConfig;
  /** Phase 2 learning rate of the decoder and of D (constant, as LDM's). */
  phase2Lr: number;
  /** Adam β1, β2 of phase 2 (LDM's GAN setting: 0.5, 0.9). */
  phase2Beta1: number;
  phase2Beta2: number;
  /** LDM's disc_weight: the adversarial gradient at the last layer is this times the reconstruction's. */
  discWeight: number;
  /** Cap on the adaptive weight λ (LDM clamps to 1e4). */
  maxAdaptiveWeight: number;
  seed: number;
  ckptMinutes: number;
  keepCheckpoints: number;
  threads: number;
  backend: 'wasm' | 'cpu';
}

export const VAE_INTEGER_KEYS = [
  'fullSize', 'crop', 'batch', 'phase1Steps', 'phase2Steps', 'discWarmup', 'warmup', 'seed', 'keepCheckpoints', 'threads',
  'model.imageChannels', 'model.latentChannels', 'model.channels', 'model.encoderBlocks', 'model.decoderBlocks',
  'loss.gradScales', 'disc.channels', 'disc.layers', 'disc.groups',
];

/**
 * Keys a resumed run may change: how the run is kept, and the phase lengths (a phase not yet
 * finished may be lengthened or shortened; phase 1's cosine is re-stretched from the current step).
 */
export const VAE_RESUMABLE_KEYS = ['ckptMinutes', 'keepCheckpoints', 'threads', 'phase1Steps', 'phase2Steps', 'discWarmup'];

export function totalSteps(c: VaeTrainConfig): number {
  return c.phase1Steps + c.phase2Steps;
}

export function overrideVaeConfig(c: VaeTrainConfig, overrides: Record<string, string>, resuming = false): VaeTrainConfig {
  const out = applyOverrides(c as unknown as ConfigTree, overrides, {
    integers: VAE_INTEGER_KEYS,
    allowed: resuming ? VAE_RESUMABLE_KEYS : undefined,
  }) as unknown as VaeTrainConfig;
  checkVaeConfig(out);
  return out;
}

export function checkVaeConfig(c: VaeTrainConfig): void {
  const need = (ok: boolean, key: string, what: string) => {
    if (!ok) throw new ConfigError(`config key "${key}" ${what}`);
  };
  try {
    resolveVaeConfig(c.model);
  } catch (e) {
    throw new ConfigError(`model config: ${(e as Error).message}`);
  }
  const f = 2 ** (c.model.channels.length - 1);
  need(c.crop % f === 0 && c.crop <= c.fullSize && c.fullSize % f === 0, 'crop', `must be a multiple of f = ${f}, at most fullSize`);
  need(c.batch >= 1, 'batch', 'must be ≥ 1');
  need(c.phase1Steps >= 1, 'phase1Steps', 'must be ≥ 1');
  need(c.phase2Steps >= 0, 'phase2Steps', 'must be ≥ 0');
  need(c.discWarmup >= 0 && c.discWarmup <= c.phase2Steps, 'discWarmup', 'must be in [0, phase2Steps]');
  need(c.lr > 0 && c.minLr >= 0 && c.minLr <= c.lr, 'minLr', 'must be in [0, lr]');
  need(c.warmup >= 0 && c.warmup <= c.phase1Steps, 'warmup', 'must be in [0, phase1Steps]');
  need(c.loss.gradScales.every((s) => Number.isInteger(s) && s >= 1 && c.crop % s === 0), 'loss.gradScales', 'must be whole box sizes dividing crop');
  need(c.disc.channels % c.disc.groups === 0, 'disc.groups', 'must divide disc.channels');
  need(c.discWeight >= 0, 'discWeight', 'must be ≥ 0');
  need(c.emaDecay >= 0 && c.emaDecay < 1, 'emaDecay', 'must be in [0, 1)');
  need(['wasm', 'cpu'].includes(c.backend), 'backend', 'must be wasm or cpu');
}
