// Clean against defected at each stage of the cascade (issue 5, item 4: the energy of the difference at
// every size): a per-pixel squared-difference map, its mean (the energy, per value, as in
// src/lib/pipelines/propagation.ts), one colour scale shared by every stage's map so 64, 256 and 1024
// compare by eye, and that scale painted into canvas bytes.
import type { EnergyGroup } from './energy-bars';

/** Per-pixel squared difference averaged over the 3 channels: [size·size] from two [size, size, 3] images. */
export function squaredDifference(a: Float32Array, b: Float32Array): Float32Array {
  if (a.length !== b.length || a.length % 3 !== 0) throw new RangeError(`the two images differ in size: ${a.length} vs ${b.length} values`);
  const out = new Float32Array(a.length / 3);
  for (let p = 0, i = 0; p < out.length; p++, i += 3) {
    const d0 = a[i] - b[i];
    const d1 = a[i + 1] - b[i + 1];
    const d2 = a[i + 2] - b[i + 2];
    out[p] = (d0 * d0 + d1 * d1 + d2 * d2) / 3;
  }
  return out;
}

/** Mean of a difference map: the mean squared difference per value (what the manifests call energy). */
export function energyOf(map: Float32Array): number {
  if (map.length === 0) return 0;
  let s = 0;
  for (const v of map) s += v;
  return s / map.length;
}

/**
 * The top of the shared colour scale: the largest per-pixel value over all maps, so no stage's map is
 * clipped and equal colours mean equal squared differences at every size. A floor keeps an all-zero
 * run (no defect) from dividing by zero.
 */
export function sharedScale(maps: readonly (Float32Array | null)[], floor = 1e-6): number {
  let top = floor;
  for (const m of maps) if (m) for (const v of m) if (v > top) top = v;
  return top;
}

/**
 * Paints a map into RGBA bytes on the scale [0, top]: black at 0 through magenta (#ff00cc) to yellow (#ffff66) at top.
 * The square root spreads small differences (a faint echo at 1024² next to a strong 64² defect) over
 * more of the ramp; the legend says so.
 */
export function paintDifference(map: Float32Array, top: number, out: Uint8ClampedArray): Uint8ClampedArray {
  if (out.length !== map.length * 4) throw new RangeError(`out holds ${out.length / 4} pixels, the map has ${map.length}`);
  if (!(top > 0)) throw new RangeError(`the scale top must be > 0, got ${top}`);
  for (let p = 0, o = 0; p < map.length; p++, o += 4) {
    const u = Math.sqrt(Math.min(1, Math.max(0, map[p] / top)));
    out[o] = 255 * Math.min(1, 2 * u);
    out[o + 1] = 255 * Math.max(0, 2 * u - 1);
    out[o + 2] = 255 * (u < 0.5 ? 1.6 * u : 0.8 * (1 - u) + 0.4);
    out[o + 3] = 255;
  }
  return out;
}

export interface StageEnergy {
  size: number;
  /** Mean squared difference per value between the defected and the clean chain at this stage. */
  energy: number;
  /** energy / the energy injected at 64² (1: passed on at full strength; 0: gone). */
  ratio: number;
}

/** Energies per stage and their ratio to the first (the injected one); ratio is 0 when nothing was injected. */
export function stageEnergies(sizes: readonly number[], maps: readonly Float32Array[]): StageEnergy[] {
  if (sizes.length !== maps.length) throw new RangeError(`${sizes.length} sizes for ${maps.length} maps`);
  const energies = maps.map(energyOf);
  const injected = energies[0] ?? 0;
  return energies.map((energy, i) => ({ size: sizes[i], energy, ratio: injected > 0 ? energy / injected : 0 }));
}

/**
 * The stages as EnergyBars groups (energy-bars.ts): one bar each, the first (64², what was injected) in
 * the injected colour and named, each later one noted with its ratio to the injected energy.
 */
export function stageGroups(energies: readonly StageEnergy[], words: { injected: string; ratio: (ratio: number) => string }): EnergyGroup[] {
  return energies.map((e, i) => ({
    label: `${e.size}²`,
    bars: [i === 0 ? { energy: e.energy, series: 1, note: words.injected } : { energy: e.energy, series: 2, note: words.ratio(e.ratio) }],
  }));
}
