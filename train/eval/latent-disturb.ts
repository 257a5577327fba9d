// Lesson 5's "disturb it half-way" measured for the manifest (issue 16 item 2), as train/eval/propagation-record.ts
// measures lesson 3's cascade: each of lesson 3's defect presets (src/lib/pipelines/defects.ts PRESETS) is painted
// on the image the latent holds, (a) after a mid-way step and (b) after the last step, exactly as the lesson's
// edits do (latent-settings.ts disturbEdits: the colour preview, onImage), and the run decoded once to 1024² with
// the shipped autoencoder is compared with the clean run from the same seed. DDIM at η = 0 (Song et al. 2021)
// makes the three runs share every draw, so the difference is the defect's. Energies are defined as in the
// cascade's record (pipelines/propagation.ts: mean squared difference per value), so the two tables compare.
import * as tf from '@tensorflow/tfjs-core';
import { mse, SCENE_KINDS, type SceneKind } from '../../src/lib/data';
import { decodeStandardised, type LatentModels } from '../../src/lib/engine/latent-run';
import type { JsonValue } from '../../src/lib/models/manifest';
import { applyDefects, PRESET_NAMES, PRESETS, type PresetName } from '../../src/lib/pipelines/defects';
import { previewLatent, sampleLatent, type LatentEdit } from '../../src/lib/pipelines/latent';

/**
 * The lesson's defaults (latent-settings.ts DEFAULT_STEPS, the URL's at = steps / 2) and a few starts: a
 * clean run and 8 defected ones per start: 21 s of one wasm thread per start, 38 s wall with the machine shared
 * with a training run (latent-64 at 20 steps, 1024² decodes).
 */
export const LATENT_DISTURB_DEFAULTS = { count: 3, steps: 20, firstSeed: 5, firstKind: 'meadow' as SceneKind } as const;

export type DisturbPoint = 'mid' | 'late';

/** The start scenes: lesson 3's propagation start first (meadow, seed 5), then the next kinds and seeds, so a few cover several kinds. */
export function disturbStarts(count: number, firstKind: SceneKind = LATENT_DISTURB_DEFAULTS.firstKind, firstSeed: number = LATENT_DISTURB_DEFAULTS.firstSeed): { kind: SceneKind; classIndex: number; seed: number }[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`the count of starts must be an integer ≥ 0, got ${count}`);
  const k0 = SCENE_KINDS.indexOf(firstKind);
  return Array.from({ length: count }, (_, i) => {
    const classIndex = (k0 + i) % SCENE_KINDS.length;
    return { kind: SCENE_KINDS[classIndex], classIndex, seed: firstSeed + i };
  });
}

/** The lesson's mid-way step for a run of `steps`: after steps / 2 of them, within [1, steps − 1] (latent-settings.ts midStep). */
export function midwayStep(steps: number): number {
  if (!Number.isInteger(steps) || steps < 2) throw new RangeError(`a mid-way edit needs at least 2 steps, got ${steps}`);
  return Math.min(steps - 1, Math.max(1, Math.round(steps / 2)));
}

/** The edit of one point: the preset on the preview of x̂₀, after step `mid` (index mid − 1) or after the last. */
export function disturbEdit(preset: PresetName, point: DisturbPoint, steps: number): LatentEdit {
  const at = point === 'mid' ? midwayStep(steps) - 1 : steps - 1;
  return { at, space: 'preview', defect: PRESETS[preset], onImage: true };
}

export type DisturbRow = {
  kind: string;
  seed: number;
  preset: PresetName;
  point: DisturbPoint;
  /** Mean squared change per value the preset made to the 64² colour preview of x̂₀ it was painted on. */
  injected: number;
  /** Mean squared difference per value of the 1024² decodes (defected − clean). */
  energy: number;
  ratio: number;
};

/** Mean injected, energy and ratio per preset and point over the starts, in PRESET_NAMES order. */
export function summariseDisturb(rows: readonly DisturbRow[]): { [preset: string]: { [point: string]: { injected: number; energy: number; ratio: number; n: number } } } {
  const out: ReturnType<typeof summariseDisturb> = {};
  for (const preset of PRESET_NAMES) {
    for (const point of ['mid', 'late'] as const) {
      const these = rows.filter((r) => r.preset === preset && r.point === point);
      if (these.length === 0) continue;
      const mean = (f: (r: DisturbRow) => number) => these.reduce((s, r) => s + f(r), 0) / these.length;
      (out[preset] ??= {})[point] = { injected: mean((r) => r.injected), energy: mean((r) => r.energy), ratio: mean((r) => r.ratio), n: these.length };
    }
  }
  return out;
}

export interface LatentDisturbOptions {
  models: LatentModels;
  count?: number;
  steps?: number;
  log?: (line: string) => void;
}

/** One DDIM run (η = 0, guidance 1: the lesson's job) with `edits`, decoded; x̂₀ of the steps in `keep` read back. */
async function run(models: LatentModels, start: { classIndex: number; seed: number }, steps: number, edits: LatentEdit[], keep: readonly number[] = []): Promise<{ image: Float32Array; x0: Map<number, Float32Array> }> {
  const x0 = new Map<number, Float32Array>();
  const z = await sampleLatent(models.latent, {
    classIndex: start.classIndex, guidance: 1, batch: 1, sampler: 'ddim', steps, eta: 0, seed: start.seed, edits,
    onStep: async (tap) => {
      if (keep.includes(tap.i)) x0.set(tap.i, (await tap.x0.data()) as Float32Array);
    },
  });
  try {
    return { image: await decodeStandardised(models, z, `seed ${start.seed}`), x0 };
  } finally {
    z.dispose();
  }
}

/** The table for the manifest's evaluation (rows per start, preset and point, and their means); leaves no tensors behind. */
export async function recordLatentDisturb(o: LatentDisturbOptions): Promise<{ [key: string]: JsonValue }> {
  const log = o.log ?? (() => {});
  const steps = o.steps ?? LATENT_DISTURB_DEFAULTS.steps;
  const starts = disturbStarts(o.count ?? LATENT_DISTURB_DEFAULTS.count);
  const m = o.models.latent;
  const size = m.resolution * o.models.ae.vae.factor;
  const t0 = performance.now();
  const rows: DisturbRow[] = [];
  const atOf = (point: DisturbPoint) => disturbEdit(PRESET_NAMES[0], point, steps).at;
  for (const start of starts) {
    const clean = await run(o.models, start, steps, [], [atOf('mid'), atOf('late')]);
    for (const preset of PRESET_NAMES) {
      for (const point of ['mid', 'late'] as const) {
        const edit = disturbEdit(preset, point, steps);
        // The preview of x̂₀ the defect is painted on; the edit lifts the preview's change into the latent
        // exactly (least-norm through the linear map), so this is the colour change that went in.
        const painted = previewLatent(clean.x0.get(edit.at)!, m, false);
        const injected = mse(applyDefects(painted, m.resolution, [PRESETS[preset]]), painted);
        const energy = mse((await run(o.models, start, steps, [edit])).image, clean.image);
        const row: DisturbRow = { kind: start.kind, seed: start.seed, preset, point, injected, energy, ratio: injected > 0 ? energy / injected : 0 };
        rows.push(row);
        log(`  ${start.kind} seed ${start.seed}, ${preset} ${point}: injected ${injected.toExponential(2)}, ${size}² energy ${energy.toExponential(2)}, ratio ${row.ratio.toPrecision(3)}`);
      }
    }
  }
  return {
    note:
      `Lesson 5's disturb measured as lesson 3's cascade table is: each lesson-3 preset painted on the ${m.resolution}² colour preview of x̂₀ ` +
      `(the latent edit onImage, as the lesson makes it) after step ${midwayStep(steps)} of ${steps} (mid) or after the last step (late), ` +
      `the run decoded once to ${size}² and compared with the clean run of the same seed (DDIM η = 0, guidance 1: the same draws)`,
    definition:
      'injected: mean squared change per value the preset makes to the colour preview of x̂₀ where it is painted (as lesson 3’s injected in the base image); ' +
      `energy: mean squared difference per value of the ${size}² decodes, defected − clean (as lesson 3’s energy at 1024²); ratio = energy / injected`,
    sampler: { name: 'ddim', eta: 0, guidance: 1, steps, midStep: midwayStep(steps), sampledWith: 'src/lib/pipelines/latent.ts sampleLatent' },
    size,
    count: starts.length,
    starts: starts.map((s) => ({ kind: s.kind, seed: s.seed })),
    presets: [...PRESET_NAMES],
    mean: summariseDisturb(rows),
    rows,
    seconds: (performance.now() - t0) / 1000,
    backend: tf.getBackend(),
  };
}
