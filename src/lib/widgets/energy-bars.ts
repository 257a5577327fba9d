// What EnergyBars.svelte draws, as data: groups of bars of the energy of a difference (mean squared
// difference per value, stage-difference.ts energyOf) on one log axis. Lesson 3 draws one bar per cascade
// stage (stage-difference.ts stageGroups), lesson 5 a pair per disturb case (latent-diffusion/disturb.ts
// disturbGroups): the same chart, so the two lessons' figures read the same way.

/** Which colour a bar takes: 1 for the energy injected, 2 for what is left of it later on. */
export type EnergySeries = 1 | 2;

export interface EnergyBar {
  energy: number;
  series: EnergySeries;
  /** Written above the bar (its ratio to the injected energy, or what it is). */
  note?: string;
}

export interface EnergyGroup {
  /** Under the group, on the x axis. */
  label: string;
  bars: readonly EnergyBar[];
}

/** Energies below this are drawn at it: a log axis has no zero. */
export const ENERGY_FLOOR = 1e-7;

/** The top of the log axis: the largest energy with room above it for the notes (×3, half a decade). */
export function energyTop(groups: readonly EnergyGroup[]): number {
  return Math.max(ENERGY_FLOOR * 10, ...groups.flatMap((g) => g.bars.map((b) => b.energy))) * 3;
}

/** Bars side by side within a group's band: x offset and width of bar `k` of `n`, `gap` pixels apart. */
export function barSlot(band: number, n: number, k: number, gap = 4): { dx: number; width: number } {
  const width = n > 1 ? (band - gap * (n - 1)) / n : band;
  return { dx: k * (width + gap), width: Math.max(0, width) };
}
