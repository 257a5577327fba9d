// The autoencoder's typed configuration and its layer list (LDM's KL autoencoder, Rombach et al. 2022
// §3.1 and App. G, cut down to run at 1024² in a browser: no normalisation, no attention, a tapered width).
import { layerFlops, layerParams } from './count';
import type { Layer } from './layout';

export interface VaeConfig {
  /** Channels of the image (3: RGB in [-1, 1]). */
  imageChannels: number;
  /** c, the latent's channels: a 1024² image becomes 64×64×c (LDM's "f16, c" autoencoders). */
  latentChannels: number;
  /**
   * Channels at each resolution level, full resolution first; level l runs at H/2^l. The number of
   * levels sets the downsampling factor f = 2^(levels − 1): five levels give f = 16.
   */
  channels: number[];
  /** Residual blocks per level in the encoder (full resolution first). */
  encoderBlocks: number[];
  /** Residual blocks per level in the decoder (full resolution first; run coarsest first). */
  decoderBlocks: number[];
}

/** f, the side of the image patch one latent cell stands for. */
export function vaeFactor(c: VaeConfig): number {
  return 2 ** (c.channels.length - 1);
}

const KNOWN = ['imageChannels', 'latentChannels', 'channels', 'encoderBlocks', 'decoderBlocks'];

/** Validates a config; throws an Error naming the field. Returns a copy. */
export function resolveVaeConfig(c: VaeConfig): VaeConfig {
  for (const key of Object.keys(c)) if (!KNOWN.includes(key)) throw new Error(`VaeConfig has no field "${key}"`);
  const int = (name: string, v: unknown, min: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new Error(`VaeConfig.${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    return v;
  };
  int('imageChannels', c.imageChannels, 1);
  int('latentChannels', c.latentChannels, 1);
  if (!Array.isArray(c.channels) || c.channels.length < 2) throw new Error(`VaeConfig.channels must list at least 2 levels, got ${JSON.stringify(c.channels)}`);
  c.channels.forEach((v, i) => int(`channels[${i}]`, v, 1));
  for (const key of ['encoderBlocks', 'decoderBlocks'] as const) {
    const b = c[key];
    if (!Array.isArray(b) || b.length !== c.channels.length) throw new Error(`VaeConfig.${key} must have one entry per level (${c.channels.length}), got ${JSON.stringify(b)}`);
    b.forEach((v, i) => int(`${key}[${i}]`, v, 0));
  }
  return { ...c, channels: [...c.channels], encoderBlocks: [...c.encoderBlocks], decoderBlocks: [...c.decoderBlocks] };
}

/** A residual block without normalisation: x + conv2(SiLU(conv1(SiLU(x)))), conv2 starting at zero (SkipInit, De & Smith 2020). */
function blockLayers(name: string, ch: number, level: number): Layer[] {
  return [
    { kind: 'conv', name: `${name}.conv1`, k: 3, cin: ch, cout: ch, level, init: 'he' },
    { kind: 'conv', name: `${name}.conv2`, k: 3, cin: ch, cout: ch, level, init: 'zero' },
  ];
}

/**
 * The encoder's layers in weight-file order. A conv's `level` is the level of its output (the
 * stride-2 `down` convs land one level lower), which is what the FLOP count reads.
 */
export function encoderLayers(c: VaeConfig): Layer[] {
  const L = c.channels.length;
  const layers: Layer[] = [{ kind: 'conv', name: 'enc.in', k: 3, cin: c.imageChannels, cout: c.channels[0], level: 0, init: 'glorot' }];
  for (let l = 0; l < L; l++) {
    for (let i = 0; i < c.encoderBlocks[l]; i++) layers.push(...blockLayers(`enc.${l}.block.${i}`, c.channels[l], l));
    if (l < L - 1) layers.push({ kind: 'conv', name: `enc.${l}.down`, k: 3, cin: c.channels[l], cout: c.channels[l + 1], level: l + 1, init: 'he' });
  }
  // Mean and log-variance of each latent value: 2c channels (LDM's double_z).
  layers.push({ kind: 'conv', name: 'enc.out', k: 3, cin: c.channels[L - 1], cout: 2 * c.latentChannels, level: L - 1, init: 'glorot' });
  return layers;
}

/** The decoder's layers in weight-file order: latent → coarsest level, then 2× nearest up + conv per level. */
export function decoderLayers(c: VaeConfig): Layer[] {
  const L = c.channels.length;
  const layers: Layer[] = [{ kind: 'conv', name: 'dec.in', k: 3, cin: c.latentChannels, cout: c.channels[L - 1], level: L - 1, init: 'glorot' }];
  for (let l = L - 1; l >= 0; l--) {
    if (l < L - 1) layers.push({ kind: 'conv', name: `dec.${l}.up`, k: 3, cin: c.channels[l + 1], cout: c.channels[l], level: l, init: 'he' });
    for (let i = 0; i < c.decoderBlocks[l]; i++) layers.push(...blockLayers(`dec.${l}.block.${i}`, c.channels[l], l));
  }
  layers.push({ kind: 'conv', name: 'dec.out', k: 3, cin: c.channels[0], cout: c.imageChannels, level: 0, init: 'glorot' });
  return layers;
}

/** Scalars and forward FLOPs (2 × multiply-adds of the convs) of each half for one h×w image. */
export function vaeCounts(c: VaeConfig, h: number, w: number): { encoderParams: number; decoderParams: number; encoderFlops: number; decoderFlops: number } {
  const enc = encoderLayers(c);
  const dec = decoderLayers(c);
  const params = (ls: Layer[]) => ls.reduce((n, l) => n + layerParams(l), 0);
  const flops = (ls: Layer[]) => ls.reduce((n, l) => n + layerFlops(l, h, w), 0);
  return { encoderParams: params(enc), decoderParams: params(dec), encoderFlops: flops(enc), decoderFlops: flops(dec) };
}
