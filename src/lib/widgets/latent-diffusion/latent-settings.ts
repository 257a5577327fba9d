// Lesson 5's settings as latent jobs (LDM, Rombach et al. 2022: latent-64 samples the 64×64×c latent of the
// frozen autoencoder, which decodes it once): the scene kind and seed, the DDIM step count (Song et al. 2021),
// the step after which the half-way defect goes in, and the walk's second seed, position and blend. What a
// shared link may hold is made valid here, and what had to change is said (linkNotes), never dropped silently.
import type { LatentEditSpec, LatentJob } from '$lib/engine/latent-job';
import type { Blend } from '$lib/math/slerp';
import { DEFECT_PRESETS, type DefectPreset } from '../cascade-settings';
import { classIndexOf, formatGrid, snapToGrid, type Grid, type KindChoice } from '../reverse-settings';

export const LATENT_MODEL = 'latent-64';
export const VAE_MODEL = 'vae';
/** The engine channels of the lesson's runs: a newer run on one cancels the one in flight there only. */
export const CHANNELS = { steps: 'latent-steps', decode: 'latent-decode', mid: 'latent-mid', late: 'latent-late', walk: 'latent-walk' } as const;

/** DDIM step counts offered: 20 is the lessons' default (lesson 2's); 5 and 10 show the few-step blur, 50 the slow end. */
export const STEP_CHOICES = [5, 10, 20, 50] as const;
export const DEFAULT_STEPS = 20;
/** The walk's position u between the two seeds' starting noise. */
export const U_GRID: Grid = { min: 0, max: 1, step: 0.1 };
export const DISTURB_DEFECTS = DEFECT_PRESETS;
export type { DefectPreset };

export interface LatentSettings {
  kind: KindChoice;
  seed: number;
  steps: number;
}

/**
 * The job for the settings: deterministic DDIM (η = 0, so a seed is one image and the walk's start decides
 * the result) at guidance 1, the plain conditional model (one network call per step), as lesson 2's default.
 */
export function latentJob(s: LatentSettings, extra: Partial<Pick<LatentJob, 'edits' | 'decodeAt' | 'previewEvery' | 'start' | 'seed'>> = {}): LatentJob {
  return {
    kind: 'latent',
    model: LATENT_MODEL,
    vae: VAE_MODEL,
    classIndex: classIndexOf(s.kind),
    guidance: 1,
    seed: s.seed,
    steps: s.steps,
    sampler: 'ddim',
    eta: 0,
    edits: [],
    decodeAt: [],
    previewEvery: 1,
    ...extra,
  };
}

/** The offered step count nearest to a link's value (log scale), or undefined when it is not a number. */
export function snapLatentSteps(raw: string | null): number | undefined {
  if (raw === null || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) return undefined;
  const target = Math.max(1, n);
  let best: number = STEP_CHOICES[0];
  for (const c of STEP_CHOICES) if (Math.abs(Math.log(c / target)) < Math.abs(Math.log(best / target))) best = c;
  return best;
}

/** The half-way edit's step: after `at` of `steps` steps, at least 1 and at most steps − 1 (after the last is the other case). */
export function midStep(at: number, steps: number): number {
  return Math.min(steps - 1, Math.max(1, Math.round(at)));
}

/** The two edits of "disturb it half-way": the same lesson-3 preset on the colour preview, after step `mid` and after the last. */
export function disturbEdits(defect: DefectPreset, mid: number, steps: number): { mid: LatentEditSpec; late: LatentEditSpec } {
  // Painted on the image the latent holds (x̂₀), so the half-way defect is the same size relative to the
  // scene as the late one; on x_t as it is, it would be 1/√ᾱ times larger (pipelines/latent.ts onImage).
  const on = (at: number): LatentEditSpec => ({ at, space: 'preview', defect: { preset: defect }, onImage: true });
  return { mid: on(midStep(mid, steps) - 1), late: on(steps - 1) };
}

export function snapU(raw: string | null): string | undefined {
  return snapToGrid(U_GRID, raw);
}

/** The walk's start for the job: u = 0 needs none (the seed's own z_T). */
export function walkStart(seedB: number, u: number, blend: Blend): LatentJob['start'] {
  return u === 0 ? undefined : { seedB, u: Number(formatGrid(u)), blend };
}

/** A link's value that could not be kept as it was: what it said and what the lesson uses instead. */
export interface LinkNote {
  key: string;
  raw: string;
  used: string;
}

/**
 * Compares a link's raw parameters with the values the lesson ended up with: every parameter the link set
 * to something else (an unknown kind, 7 steps, u = 2) gets a note, so the reader is told instead of
 * wondering why the page shows another view. Keys the link leaves out get none.
 */
export function linkNotes(params: URLSearchParams, used: Record<string, string | number>): LinkNote[] {
  const notes: LinkNote[] = [];
  for (const [key, value] of Object.entries(used)) {
    const raw = params.get(key);
    if (raw === null) continue;
    const kept = String(value);
    if (raw.trim() !== kept && Number(raw) !== Number(kept)) notes.push({ key, raw: raw.slice(0, 40), used: kept });
  }
  return notes;
}
