// Measured error propagation through the cascade (the compounding error that conditioning augmentation
// is meant to absorb, CDM §1 and §3.3; science.md §2.1–2.3): the same chain with the same seeds, run on a
// clean image and on the same image with a defect; the difference at each later size against the
// injected difference carried to that size.
import { mse } from '../data';
import { runCascade, type CascadeModels, type SrStageSettings, type StageOutput } from './cascade';
import { PRESETS, type Defect, type PresetName } from './defects';

/**
 * "Carried" means nearest-upsampled to the later size: that is the defect exactly as the next stage's
 * conditioning channels see it (super-resolution.ts srConditioning), i.e. what an SR stage that only
 * copied its input would pass on. Nearest upsampling repeats each value factor² times, so its mean
 * square equals the injected one at every size, and ratio = energy / injected: 1 passes the defect on
 * at full strength, 0 removes it, above 1 amplifies it (or adds detail that differs).
 */
export interface Propagation {
  /** Mean squared injected difference per value, at the stage it was injected. */
  injected: number;
  /** Sides of the later stages. */
  sizes: number[];
  /** Mean squared difference (defected − clean) per value at each later stage. */
  energy: number[];
  /** energy / injected per later stage (0 when nothing was injected and nothing differs). */
  ratio: number[];
}

/** Per-pixel squared difference, summed over channels / 3: [size·size], for difference maps. */
export function differenceMap(a: Float32Array, b: Float32Array): Float32Array {
  if (a.length !== b.length || a.length % 3 !== 0) throw new RangeError(`images differ in size: ${a.length} vs ${b.length} values`);
  const out = new Float32Array(a.length / 3);
  for (let p = 0; p < out.length; p++) {
    let s = 0;
    for (let c = 0; c < 3; c++) s += (a[p * 3 + c] - b[p * 3 + c]) ** 2;
    out[p] = s / 3;
  }
  return out;
}

function relative(energy: number, injected: number): number {
  if (injected === 0) return energy === 0 ? 0 : Infinity; // Infinity would mean the chain is not deterministic
  return energy / injected;
}

export interface PropagationOptions {
  seed: number;
  /** The clean base image the chain starts from, [res, res, 3]. */
  start: Float32Array;
  /** Injected into stage `at`'s output (0: the base image, 1: the first SR output). */
  defects: readonly Defect[];
  at?: number;
  /** Steps and aug level per super-resolution stage. */
  sr: readonly SrStageSettings[];
  signal?: AbortSignal;
}

/** Runs the chain clean and defected with the same seeds and measures the difference at every later stage. */
export async function measurePropagation(models: CascadeModels, o: PropagationOptions): Promise<Propagation> {
  const at = o.at ?? 0;
  if (!Number.isInteger(at) || at < 0 || at >= o.sr.length) throw new RangeError(`a defect at stage ${at} has no later stage to measure (${o.sr.length} SR stages)`);
  const run = (defects: readonly Defect[]) =>
    runCascade(models, { seed: o.seed, sr: o.sr, start: o.start, defects: Array.from({ length: at + 1 }, (_, i) => (i === at ? defects : [])), signal: o.signal });
  const clean = await run([]);
  return compare(clean, await run(o.defects), at);
}

/** The injected difference at stage `at` and the differences at every later stage of two runs. */
function compare(clean: StageOutput[], bad: StageOutput[], at: number): Propagation {
  const injected = mse(bad[at].fed, clean[at].fed);
  const later = clean.slice(at + 1);
  const energy = later.map((s) => mse(bad[s.stage].image, s.image));
  return { injected, sizes: later.map((s) => s.size), energy, ratio: energy.map((e) => relative(e, injected)) };
}

/** The augmentation levels the lesson and the manifests report (issue 5, item 4). */
export const PROPAGATION_AUG_LEVELS = [0, 0.1, 0.3, 0.5] as const;

// Type aliases, not interfaces, so a table is assignable to the manifest's JsonValue as it is.
export type PropagationRow = {
  preset: PresetName;
  aug: number;
  injected: number;
  energy: number[];
  ratio: number[];
};

/** JSON for a manifest's evaluation: the rows and everything needed to reproduce them. */
export type PropagationTable = {
  definition: string;
  seed: number;
  steps: number[];
  sizes: number[];
  augLevels: number[];
  rows: PropagationRow[];
};

export interface PropagationTableOptions {
  seed: number;
  start: Float32Array;
  /** Steps per super-resolution stage (every stage runs at the same aug level in a row). */
  steps: readonly number[];
  augLevels?: readonly number[];
  presets?: readonly PresetName[];
  signal?: AbortSignal;
  onRow?: (row: PropagationRow) => void | Promise<void>;
}

/**
 * Every preset (injected into the base image) at every aug level, the same level at every SR stage.
 * The clean chain is run once per level and shared by the presets.
 */
export async function propagationTable(models: CascadeModels, o: PropagationTableOptions): Promise<PropagationTable> {
  const augLevels = [...(o.augLevels ?? PROPAGATION_AUG_LEVELS)];
  const presets = [...(o.presets ?? (Object.keys(PRESETS) as PresetName[]))];
  const rows: PropagationRow[] = [];
  let sizes: number[] = [];
  for (const aug of augLevels) {
    const sr = o.steps.map((steps) => ({ steps, aug }));
    const run = (defects: readonly Defect[]) =>
      runCascade(models, { seed: o.seed, sr, start: o.start, defects: [defects], signal: o.signal });
    const clean = await run([]);
    sizes = clean.slice(1).map((s) => s.size);
    for (const preset of presets) {
      const { injected, energy, ratio } = compare(clean, await run([PRESETS[preset]]), 0);
      const row = { preset, aug, injected, energy, ratio };
      rows.push(row);
      await o.onRow?.(row);
    }
  }
  return {
    definition:
      'injected: mean squared difference per value that the preset makes in the base image; energy: mean squared difference ' +
      '(defected − clean chain, same seeds) per value at each later size; ratio = energy / injected, the injected difference ' +
      'being carried to each size by nearest upsampling (what the next stage’s conditioning sees), which keeps its mean square',
    seed: o.seed,
    steps: [...o.steps],
    sizes,
    augLevels,
    rows,
  };
}
