// Parameter and FLOP counts of a U-Net config, from the same layer list the builder uses.
// FLOPs = 2 × multiply-adds of convs and dense layers, forward, one image (the convention of measurements.md).
import { resolveConfig, sizeMultiple, type UNetConfig, type UNetConfigInput } from './config';
import { unetLayers, type Layer } from './layout';

/** Number of scalar weights in a layer (weights + biases, or gamma + beta, or the table). */
export function layerParams(l: Layer): number {
  if (l.kind === 'conv') return l.k * l.k * l.cin * l.cout + l.cout;
  if (l.kind === 'dense') return l.cin * l.cout + l.cout;
  if (l.kind === 'norm') return 2 * l.c;
  return l.rows * l.cols;
}

/**
 * Forward FLOPs of a layer for one h×w image: 2·k²·cin·cout per output pixel of a conv at its level's
 * resolution, 2·cin·cout for a dense layer. Bias adds, norms, activations, resampling and the class
 * lookup (a row read) are not counted, so this is the work that dominates and that the GFLOP/s
 * figures in measurements.md are computed from.
 */
export function layerFlops(l: Layer, h: number, w: number): number {
  if (l.kind === 'conv') return 2 * l.k * l.k * l.cin * l.cout * (h / 2 ** l.level) * (w / 2 ** l.level);
  if (l.kind === 'dense') return 2 * l.cin * l.cout;
  return 0;
}

export function countParams(config: UNetConfigInput | UNetConfig): number {
  return unetLayers(resolveConfig(config)).reduce((n, l) => n + layerParams(l), 0);
}

/** Forward FLOPs for one image of h×w (multiply one call by the batch size). */
export function countFlops(config: UNetConfigInput | UNetConfig, h: number, w: number): number {
  const c = resolveConfig(config);
  const m = sizeMultiple(c);
  if (h % m !== 0 || w % m !== 0) throw new Error(`countFlops: ${h}×${w} is not divisible by ${m}`);
  return unetLayers(c).reduce((n, l) => n + layerFlops(l, h, w), 0);
}

/** FLOPs per call at each resolution (for manifests and the "cascade vs latent" comparison). */
export function flopsTable(config: UNetConfigInput | UNetConfig, sizes: readonly (readonly [number, number])[]) {
  return sizes.map(([height, width]) => ({ height, width, flopsPerImage: countFlops(config, height, width) }));
}
