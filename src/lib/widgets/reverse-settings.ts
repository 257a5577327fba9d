// The settings of lesson 2's reverse process as a sampling job, and how a shared link's values are made
// valid: DDPM (Ho et al. 2020, Alg. 2) or DDIM (Song et al. 2021, Eq. 12, η of Eq. 16), the step count,
// the scene kind the model is conditioned on, and the classifier-free guidance scale w (Ho & Salimans 2022).
import { SCENE_KINDS, type SceneKind } from '$lib/data';
import type { SampleJob } from '$lib/engine/protocol';

export const MODEL = 'base-64';
export const SAMPLERS = ['ddim', 'ddpm'] as const;
export type Sampler = (typeof SAMPLERS)[number];
/** 'any' asks the model without a class (the null class it learned with condition dropout). */
export const KINDS = ['any', ...SCENE_KINDS] as const;
export type KindChoice = 'any' | SceneKind;
export const MAX_SEED = 99_999;
/** Step counts offered: a few to show the failure, 20 as the lessons' default, up to every step of T = 1000. */
export const STEP_CHOICES = [2, 5, 10, 20, 50, 100, 250, 1000] as const;
export const MAX_STEPS = 1000;

/** A number on a grid: the slider's values, and what a link's odd value snaps to. */
export interface Grid {
  min: number;
  max: number;
  step: number;
}
export const ETA_GRID: Grid = { min: 0, max: 1, step: 0.1 };
export const GUIDANCE_GRID: Grid = { min: 0, max: 8, step: 0.5 };

/** Every value of a grid as the string the URL holds ('0', '0.1', …): no float noise like 0.30000000000000004. */
export function gridValues(grid: Grid): string[] {
  const n = Math.round((grid.max - grid.min) / grid.step);
  return Array.from({ length: n + 1 }, (_, i) => formatGrid(grid.min + i * grid.step));
}

export function formatGrid(value: number): string {
  return String(Number(value.toFixed(6)));
}

/** A link's raw value on `grid`: clamped into range and snapped to the nearest grid value; undefined if not a number. */
export function snapToGrid(grid: Grid, raw: string | null): string | undefined {
  if (raw === null || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) return undefined;
  const clamped = Math.min(grid.max, Math.max(grid.min, value));
  return formatGrid(grid.min + Math.round((clamped - grid.min) / grid.step) * grid.step);
}

/** The offered step count nearest to `steps` (in log scale: 30 is nearer 20 than 50). */
export function nearestStepChoice(steps: number): number {
  let best: number = STEP_CHOICES[0];
  for (const c of STEP_CHOICES) if (Math.abs(Math.log(c / steps)) < Math.abs(Math.log(best / steps))) best = c;
  return best;
}

/** The scene kind's class index in the model (SCENE_KINDS order, as trained), or null for 'any'. */
export function classIndexOf(kind: KindChoice): number | null {
  return kind === 'any' ? null : SCENE_KINDS.indexOf(kind);
}

export interface ReverseSettings {
  kind: KindChoice;
  seed: number;
  sampler: Sampler;
  steps: number;
  /** η and w as numbers (the URL holds them as grid strings). */
  eta: number;
  guidance: number;
}

/** The engine job for these settings; every step's frames are sent (tapEvery 1), for stepping and scrubbing. */
export function sampleJob(s: ReverseSettings, tapEvery = 1): SampleJob {
  return {
    kind: 'sample',
    model: MODEL,
    sampler: s.sampler,
    steps: s.steps,
    eta: s.sampler === 'ddim' ? s.eta : 1,
    seed: s.seed,
    classIndex: classIndexOf(s.kind),
    guidance: s.kind === 'any' ? 1 : s.guidance,
    batch: 1,
    tapEvery,
  };
}

/** A key that changes exactly when the job would (the player reruns on it). */
export function jobKey(job: SampleJob): string {
  return [job.model, job.sampler, job.steps, job.eta, job.seed, job.classIndex, job.guidance, job.tapEvery].join('|');
}
