// Lesson 6's settings (issue 16): one request, the scene kind, the seed and the step count of the two 64²
// diffusion models, for both pipelines: the cascade (CDM, Ho et al. 2022, Fig. 1: base-64 → sr-256 →
// sr-1024) and the latent pipeline (LDM, Rombach et al. 2022: latent-64, then the autoencoder's decoder once).
// The super-resolution stages keep lesson 3's step counts; the defect and the mid-way step are lesson 5's.
// What a shared link may hold is made valid here; what had to change is said (latent-settings.ts linkNotes).
import type { ChainRequest } from '../cascade-engine';
import { DEFAULT_STEPS as CASCADE_STEPS, DEFECT_PRESETS, type DefectPreset } from '../cascade-settings';
import { classIndexOf, type KindChoice } from '../reverse-settings';
import { DEFAULT_STEPS, latentJob, midStep, snapLatentSteps, STEP_CHOICES } from '../latent-diffusion/latent-settings';
import type { LatentJob } from '$lib/engine/latent-job';

export { DEFECT_PRESETS, midStep, snapLatentSteps as snapCompareSteps, STEP_CHOICES, DEFAULT_STEPS, type DefectPreset };

export const CASCADE = ['base-64', 'sr-256', 'sr-1024'] as const;
export const LATENT = ['latent-64', 'vae'] as const;
export type CompareModel = (typeof CASCADE)[number] | (typeof LATENT)[number];
export type Pipeline = 'cascade' | 'latent';

/** The engine channels of the lesson's runs: a newer run on one cancels the one in flight there only. */
export const CHANNELS = { cascade: 'compare-cascade', latent: 'compare-latent', cascadeDefect: 'compare-cascade-defect', mid: 'compare-latent-mid', late: 'compare-latent-late' } as const;

/** The SR stages' DDIM steps: lesson 3's defaults (few: the low-res input already fixes the layout). */
export const SR_STEPS = [CASCADE_STEPS[1], CASCADE_STEPS[2]] as const;

export interface CompareSettings {
  kind: KindChoice;
  seed: number;
  /** DDIM steps of base-64 and of latent-64, the two models that start from noise. */
  steps: number;
}

/** The cascade request: `steps` for the base, lesson 3's counts for the SR stages, aug 0 (lesson 3's default). */
export function cascadeRequest(s: CompareSettings): ChainRequest {
  return { classIndex: classIndexOf(s.kind), seed: s.seed, steps: [s.steps, SR_STEPS[0], SR_STEPS[1]], aug: [0, 0] };
}

/**
 * The latent job: lesson 5's (DDIM η = 0, guidance 1) with every step's frame sent, so the mid-way defect can be
 * measured against the clean run's latent at any step; the frames' read-backs are not in the steps' time
 * (latent-run.ts counts each step's own work only).
 */
export function compareLatentJob(s: CompareSettings, extra: Parameters<typeof latentJob>[1] = {}): LatentJob {
  return latentJob(s, extra);
}

/** A key that changes exactly when both pipelines must run again. */
export function compareKey(s: CompareSettings): string {
  return JSON.stringify([s.kind, s.seed, s.steps]);
}
