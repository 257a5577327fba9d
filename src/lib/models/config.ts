// The U-Net's typed configuration: every architectural choice in one commented record, with defaults
// and validation. Shape follows the DDPM U-Net (Ho et al. 2020, App. B) trimmed to measurements.md §1.4.
import { GROUP_NORM_EPS } from './ops';

/** What a caller may pass: any subset of the resolved config; `resBlocks` may be one number for all levels. */
export type UNetConfigInput = Partial<Omit<UNetConfig, 'resBlocks'>> & { resBlocks?: number | number[] };

export interface UNetConfig {
  /** Channels of the noisy image x_t that the model denoises (3 for RGB, c for a latent). */
  imageChannels: number;
  /**
   * Extra channels concatenated to x_t before the first conv (channel axis). The super-resolution
   * models pass the bilinearly upsampled low-res image here (CDM §2, Imagen §2.4); 0 = none.
   */
  extraChannels: number;
  /** Channels at full resolution; level l has baseChannels · channelMults[l]. */
  baseChannels: number;
  /** One multiplier per resolution level; levels − 1 halvings, so inputs need H, W divisible by 2^(levels−1). */
  channelMults: number[];
  /** ResBlocks per level on the way down (and again on the way up), one entry per level. */
  resBlocks: number[];
  /** GroupNorm groups; every channel count the net normalises must be divisible by it. */
  groups: number;
  /** GroupNorm epsilon (added to the variance). */
  normEps: number;
  /** Sinusoidal features of t (and of the extra scalar): half sines, half cosines (Vaswani et al. 2017 §3.5). */
  timeFeatures: number;
  /** Width of the conditioning embedding (the MLP output every ResBlock reads). DDPM uses 4 × baseChannels. */
  embedDim: number;
  /** Multiplies t before the sinusoidal features; 1 for integer steps 0..T−1, ~1000 for t in [0, 1]. */
  timeScale: number;
  /**
   * Number of classes; 0 = unconditional. A class-conditional model has a table of classes + 1 rows:
   * index `classes` is the "null" class used for classifier-free guidance dropout (Ho & Salimans 2022).
   */
  classes: number;
  /**
   * Whether the model reads one extra scalar per image (e.g. the noise-augmentation level of the
   * low-res conditioning image, Imagen §2.4). It is embedded like t and added to the time embedding.
   */
  extraScalar: boolean;
  /** Multiplies the extra scalar before its sinusoidal features, so a level in [0, 1] spans t's range. */
  scalarScale: number;
  /**
   * Whether each 2× nearest upsample is followed by a 3×3 conv (DDPM's Upsample block). The net in
   * measurements.md §1.4 had none: the first conv of the next ResBlock followed the concat directly.
   */
  upConv: boolean;
  /** Channels of the output (ε, x0 or v prediction: usually imageChannels). */
  outChannels: number;
  /**
   * Adds the extra channels to the output, so the net predicts only what the conditioning lacks (a
   * super-resolution model predicting x₀: the upsampled low-res image plus the missing detail, as
   * SRDiff, Li et al. 2022, predicts the residual to the upsampled input). Needs outChannels =
   * extraChannels. With out.conv
   * initialised to zero the untrained net returns its conditioning.
   */
  extraResidual: boolean;
}

/** Defaults: the 64×64 RGB base model of measurements.md §1.4 with DDPM's up-conv. */
export const DEFAULT_CONFIG: Readonly<UNetConfig> = Object.freeze({
  imageChannels: 3,
  extraChannels: 0,
  baseChannels: 32,
  channelMults: [1, 2, 2],
  resBlocks: [1, 1, 1],
  groups: 8,
  normEps: GROUP_NORM_EPS,
  timeFeatures: 64,
  embedDim: 128,
  timeScale: 1,
  classes: 0,
  extraScalar: false,
  scalarScale: 1000,
  upConv: true,
  outChannels: 3,
  extraResidual: false,
});

function positiveInt(name: string, v: unknown, allowZero = false): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < (allowZero ? 0 : 1)) {
    throw new Error(`UNetConfig.${name} must be an integer ≥ ${allowZero ? 0 : 1}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function positiveNumber(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new Error(`UNetConfig.${name} must be a finite number > 0, got ${JSON.stringify(v)}`);
  }
  return v;
}

const KNOWN = new Set(Object.keys(DEFAULT_CONFIG));

/**
 * Fills defaults and validates. Defaults that depend on others: embedDim = 4 · baseChannels when
 * baseChannels is given without embedDim, outChannels = imageChannels, resBlocks repeats per level.
 * Throws an Error naming the offending field.
 */
export function resolveConfig(partial: UNetConfigInput = {}): UNetConfig {
  for (const key of Object.keys(partial)) {
    if (!KNOWN.has(key)) throw new Error(`UNetConfig has no field "${key}"`);
  }
  const p = partial;
  const baseChannels = positiveInt('baseChannels', p.baseChannels ?? DEFAULT_CONFIG.baseChannels);
  const imageChannels = positiveInt('imageChannels', p.imageChannels ?? DEFAULT_CONFIG.imageChannels);
  const mults = p.channelMults ?? DEFAULT_CONFIG.channelMults;
  if (!Array.isArray(mults) || mults.length === 0) {
    throw new Error(`UNetConfig.channelMults must be a non-empty array, got ${JSON.stringify(mults)}`);
  }
  mults.forEach((m, i) => positiveInt(`channelMults[${i}]`, m));
  const levels = mults.length;
  const rb = p.resBlocks ?? 1;
  const resBlocks = typeof rb === 'number' ? new Array<number>(levels).fill(rb) : rb;
  if (!Array.isArray(resBlocks) || resBlocks.length !== levels) {
    throw new Error(`UNetConfig.resBlocks must be a number or an array of ${levels} (one per level), got ${JSON.stringify(rb)}`);
  }
  resBlocks.forEach((n, i) => positiveInt(`resBlocks[${i}]`, n));
  const groups = positiveInt('groups', p.groups ?? DEFAULT_CONFIG.groups);
  mults.forEach((m, i) => {
    if ((baseChannels * m) % groups !== 0) {
      throw new Error(`UNetConfig.groups (${groups}) must divide every level's channels; level ${i} has ${baseChannels * m}`);
    }
  });
  const timeFeatures = positiveInt('timeFeatures', p.timeFeatures ?? DEFAULT_CONFIG.timeFeatures);
  if (timeFeatures % 2 !== 0) throw new Error(`UNetConfig.timeFeatures must be even (sin + cos halves), got ${timeFeatures}`);
  const extraScalar = p.extraScalar ?? DEFAULT_CONFIG.extraScalar;
  if (typeof extraScalar !== 'boolean') throw new Error(`UNetConfig.extraScalar must be a boolean, got ${JSON.stringify(extraScalar)}`);
  const upConv = p.upConv ?? DEFAULT_CONFIG.upConv;
  if (typeof upConv !== 'boolean') throw new Error(`UNetConfig.upConv must be a boolean, got ${JSON.stringify(upConv)}`);
  const extraChannels = positiveInt('extraChannels', p.extraChannels ?? 0, true);
  const outChannels = positiveInt('outChannels', p.outChannels ?? imageChannels);
  const extraResidual = p.extraResidual ?? DEFAULT_CONFIG.extraResidual;
  if (typeof extraResidual !== 'boolean') throw new Error(`UNetConfig.extraResidual must be a boolean, got ${JSON.stringify(extraResidual)}`);
  if (extraResidual && extraChannels !== outChannels) {
    throw new Error(`UNetConfig.extraResidual needs extraChannels = outChannels, got ${extraChannels} and ${outChannels}`);
  }
  return {
    imageChannels,
    extraChannels,
    baseChannels,
    channelMults: [...mults],
    resBlocks: [...resBlocks],
    groups,
    normEps: positiveNumber('normEps', p.normEps ?? DEFAULT_CONFIG.normEps),
    timeFeatures,
    embedDim: positiveInt('embedDim', p.embedDim ?? 4 * baseChannels),
    timeScale: positiveNumber('timeScale', p.timeScale ?? DEFAULT_CONFIG.timeScale),
    classes: positiveInt('classes', p.classes ?? 0, true),
    extraScalar,
    scalarScale: positiveNumber('scalarScale', p.scalarScale ?? DEFAULT_CONFIG.scalarScale),
    upConv,
    outChannels,
    extraResidual,
  };
}

/** Channels at level l. */
export function levelChannels(c: UNetConfig, level: number): number {
  return c.baseChannels * c.channelMults[level];
}

/** The factor H and W must be divisible by. */
export function sizeMultiple(c: UNetConfig): number {
  return 2 ** (c.channelMults.length - 1);
}
