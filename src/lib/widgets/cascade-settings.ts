// Lesson 3's cascade settings (CDM, Ho et al. 2022, Fig. 1; Imagen §2.4): the scene kind and seed of the
// 64² base sample, the DDIM step count of each stage, the noise-conditioning augmentation level of each
// super-resolution stage, and the defect painted on the 64² image. What a shared link may hold is made
// valid here; the widgets read only valid values.
import type { KindChoice } from './reverse-settings';
import { formatGrid, snapToGrid, type Grid } from './reverse-settings';

/** The three models of the cascade, in order: each is trained on its own (science.md §2.1, §2.4). */
export const CASCADE_MODELS = ['base-64', 'sr-256', 'sr-1024'] as const;
export type CascadeModel = (typeof CASCADE_MODELS)[number];
export const STAGE_SIZES = [64, 256, 1024] as const;

/** DDIM step counts a stage may take: the super-resolution stages need few, the input fixes the layout. */
export const STAGE_STEP_CHOICES = [2, 5, 10, 20, 50] as const;
/** Lesson defaults: 20 for the base (lesson 2's), fewer at 256² and 1024², where each step costs more. */
export const DEFAULT_STEPS = [20, 10, 5] as const;

/**
 * The augmentation level a ∈ [0, 0.6] of an SR stage's low-res input. The SR models were trained on
 * levels drawn from U[0, 0.6] (train/configs/sr-*.ts augMax), so the slider stays inside what they saw.
 */
export const AUG_GRID: Grid = { min: 0, max: 0.6, step: 0.05 };
/**
 * The page opens at a = 0: our SR models give their cleanest images there (on held-out crops sr-256's
 * 10-step samples scored 25.9 dB at a = 0 against 23.0 at 0.1, the rest of the aug noise left as grain;
 * the manifests' evaluation has the final figures), and Imagen reports its best FID at 0 too (App. D.2,
 * science.md §2.4); it picks 0.1–0.3 for its best-looking samples, and the lesson's sliders go there.
 */
export const DEFAULT_AUG = '0';

/** The fixed defects (src/lib/pipelines/defects.ts PRESETS), the reader's brush, or none. */
export const DEFECT_PRESETS = ['blob', 'noise', 'shift', 'blur'] as const;
export type DefectPreset = (typeof DEFECT_PRESETS)[number];
export const DEFECT_CHOICES = ['none', ...DEFECT_PRESETS, 'brush'] as const;
export type DefectChoice = (typeof DEFECT_CHOICES)[number];
/** What the brush paints: the effect of one of the presets, through the painted mask. */
export const INKS = DEFECT_PRESETS;

export interface CascadeSettings {
  kind: KindChoice;
  seed: number;
  /** DDIM steps per stage: base, 64→256, 256→1024. */
  steps: [number, number, number];
  /** Augmentation level per SR stage: 64→256, 256→1024. */
  aug: [number, number];
}

/** The nearest offered step count to `raw` (log scale), or undefined when it is not a number. */
export function snapSteps(raw: string | null): number | undefined {
  if (raw === null || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) return undefined;
  const target = Math.max(1, n);
  let best: number = STAGE_STEP_CHOICES[0];
  for (const c of STAGE_STEP_CHOICES) if (Math.abs(Math.log(c / target)) < Math.abs(Math.log(best / target))) best = c;
  return best;
}

/** A link's augmentation level on AUG_GRID ('0.33' → '0.35', '2' → '0.6'), or undefined. */
export function snapAug(raw: string | null): string | undefined {
  return snapToGrid(AUG_GRID, raw);
}

export { formatGrid };

/** A key that changes exactly when the clean cascade must be sampled again. */
export function cascadeKey(s: CascadeSettings): string {
  return JSON.stringify([s.kind, s.seed, s.steps, s.aug]);
}
