// The cascade's jobs in the engine protocol (CDM, Ho et al. 2022, Fig. 1; Imagen §2): a base sample, then
// each super-resolution stage given the previous output, with defects injected between stages as plain
// data (pipelines/defects.ts), and the propagation job that runs the chain clean and defected (CDM §3.3).
import { PRESET_NAMES, PRESETS, type Defect, type Mask, type PresetName } from '../pipelines/defects';

/**
 * One defect as the page sends it: either a full defect (effect + mask, a brush's weights as a
 * Float32Array on a size×size grid, as defects.ts takes it), or a preset by name, optionally with a
 * painted mask in place of the preset's own (the effect of "blob", where the reader painted).
 */
export type DefectSpec = Defect | { preset: PresetName; mask?: Mask };

/**
 * The whole cascade from a seed: stage 0 is the base model, stage i ≥ 1 the i-th super-resolution model.
 * Stage i samples with its own seed, pipelines/cascade.ts stageSeed(seed, i), so the same job gives
 * the same chain, and a run from `start` with a defect differs from the clean run only by the defect.
 */
export interface CascadeJob {
  kind: 'cascade';
  /** The base model's name (loaded); with `start` it only fixes the first size. */
  base: string;
  /** The super-resolution models in order (loaded), e.g. ['sr-256', 'sr-1024']; may be empty. */
  sr: string[];
  seed: number;
  /** Scene kind index of the base stage, or null for the unconditional (null-class) sample. */
  classIndex: number | null;
  /** Classifier-free guidance scale of the base stage (Ho & Salimans 2022, Eq. 6). */
  guidance: number;
  /** Denoising steps per stage, base first: 1 + sr.length entries (the base's is unused with `start`). */
  steps: number[];
  /** Conditioning augmentation level a ∈ [0, 1] per super-resolution stage (CDM §3.3): sr.length entries. */
  aug: number[];
  /** Sampler of every stage (default DDIM) and DDIM's η (default 0). */
  sampler?: 'ddpm' | 'ddim';
  eta?: number;
  /** A base image [res, res, 3] in [−1, 1] to start from instead of sampling: re-runs only the later stages. Transferred. */
  start?: Float32Array | null;
  /** defects[i] are applied to stage i's output before stage i + 1 reads it; at most 1 + sr.length entries. */
  defects?: DefectSpec[][];
  /** The stages whose images come back (every stage reports its time either way). */
  send: number[];
  /** Send x̂₀ as a preview every k-th step of each stage (0: none). Reading it back costs time at 1024². */
  previewEvery: number;
}

/**
 * The cascade run twice with the same seeds, clean and with the job's defects, and the difference at
 * every stage: its energy (mean square per value), its ratio to the injected energy, and if asked the
 * per-pixel difference map (pipelines/propagation.ts). `clean` skips the clean run when the page already
 * has that chain's stage images (same seed, steps, aug and start): then only the defected run is paid for.
 */
export interface PropagationJob extends Omit<CascadeJob, 'kind'> {
  kind: 'propagation';
  /** The clean chain's images, one per stage (1 + sr.length), or null to run it. Transferred. */
  clean?: Float32Array[] | null;
  /** Send the difference maps ([size·size] each), not only the energies. */
  maps: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
const isInt = (v: unknown): v is number => Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isName = (v: unknown): v is string => typeof v === 'string' && v !== '';
const triple = (v: unknown): boolean => Array.isArray(v) && v.length === 3 && v.every(isNum);
const finiteArray = (v: unknown): v is Float32Array => v instanceof Float32Array && v.every((x) => Number.isFinite(x));

/** Largest brush grid and blur σ accepted: a painted mask finer than the 1024 stage, a blur wider than the image, only cost time. */
const MAX_BRUSH = 1024;
const MAX_BLUR = 0.25;

/** Why a mask is not one, or null (lesson 5's latent edits use the same masks). */
export function maskProblem(m: unknown): string | null {
  if (!isObj(m)) return 'mask is not an object';
  switch (m.kind) {
    case 'all':
      return null;
    case 'disc':
      return [m.cx, m.cy, m.r].every(isNum) && (m.r as number) >= 0 ? null : 'a disc mask needs finite cx, cy and r ≥ 0';
    case 'rect':
      return [m.x, m.y, m.w, m.h].every(isNum) ? null : 'a rect mask needs finite x, y, w, h';
    case 'brush':
      if (!isInt(m.size) || m.size < 1 || m.size > MAX_BRUSH) return `a brush size must be an integer in [1, ${MAX_BRUSH}]`;
      if (!finiteArray(m.alpha) || m.alpha.length !== m.size * m.size) return `a brush of size ${m.size} needs a Float32Array of ${m.size * m.size} finite weights`;
      return null;
    default:
      return `unknown mask kind ${String(m.kind)}`;
  }
}

function effectProblem(e: unknown): string | null {
  if (!isObj(e)) return 'effect is not an object';
  switch (e.kind) {
    case 'paint':
      return triple(e.color) ? null : 'a paint effect needs a colour of 3 finite numbers';
    case 'shift':
      return triple(e.delta) ? null : 'a shift effect needs a delta of 3 finite numbers';
    case 'noise':
      return isNum(e.sigma) && e.sigma >= 0 && isInt(e.seed) ? null : 'a noise effect needs sigma ≥ 0 and an integer seed';
    case 'blur':
      return isNum(e.sigma) && e.sigma >= 0 && e.sigma <= MAX_BLUR ? null : `a blur effect needs sigma in [0, ${MAX_BLUR}] (a fraction of the side)`;
    default:
      return `unknown effect kind ${String(e.kind)}`;
  }
}

/** Why a defect spec is not one, or null. */
export function defectProblem(d: unknown): string | null {
  if (!isObj(d)) return 'defect is not an object';
  if ('preset' in d) {
    if (!(PRESET_NAMES as readonly unknown[]).includes(d.preset)) return `unknown preset ${String(d.preset)} (known: ${PRESET_NAMES.join(', ')})`;
    return d.mask === undefined ? null : maskProblem(d.mask);
  }
  return effectProblem(d.effect) ?? maskProblem(d.mask);
}

/** Checks a cascade or propagation job's fields before the worker spends time on it; returns why not, or null. */
export function cascadeJobProblem(job: Obj): string | null {
  if (!isName(job.base)) return 'base must be a model name';
  if (!Array.isArray(job.sr) || !job.sr.every(isName)) return 'sr must be a list of model names';
  const stages = 1 + job.sr.length;
  if (!isInt(job.seed)) return 'seed must be an integer';
  if (job.classIndex !== null && !(isInt(job.classIndex) && job.classIndex >= 0)) return 'classIndex must be an index or null';
  if (!isNum(job.guidance) || job.guidance < 0) return 'guidance must be ≥ 0';
  if (!Array.isArray(job.steps) || job.steps.length !== stages || !job.steps.every((s) => isInt(s) && s >= 1)) return `steps must be ${stages} positive integers (base first, then one per sr model)`;
  if (!Array.isArray(job.aug) || job.aug.length !== job.sr.length || !job.aug.every((a) => isNum(a) && a >= 0 && a <= 1)) return `aug must be ${job.sr.length} levels in [0, 1] (one per sr model)`;
  if (job.sampler !== undefined && job.sampler !== 'ddpm' && job.sampler !== 'ddim') return `unknown sampler ${String(job.sampler)}`;
  if (job.eta !== undefined && !(isNum(job.eta) && job.eta >= 0 && job.eta <= 1)) return 'eta must lie in [0, 1]';
  if (job.start !== undefined && job.start !== null && !finiteArray(job.start)) return 'start must be a Float32Array of finite values';
  if (job.defects !== undefined) {
    if (!Array.isArray(job.defects) || job.defects.length > stages) return `defects must be a list of at most ${stages} lists (one per stage)`;
    for (const [i, list] of job.defects.entries()) {
      if (!Array.isArray(list)) return `defects[${i}] must be a list`;
      for (const d of list) {
        const problem = defectProblem(d);
        if (problem) return `defects[${i}]: ${problem}`;
      }
    }
  }
  if (!Array.isArray(job.send) || !job.send.every((s) => isInt(s) && s >= 0 && s < stages)) return `send must list stage indices in [0, ${stages - 1}]`;
  if (!isInt(job.previewEvery) || job.previewEvery < 0) return 'previewEvery must be an integer ≥ 0';
  if (job.kind === 'propagation') {
    if (typeof job.maps !== 'boolean') return 'maps must be true or false';
    if (job.clean !== undefined && job.clean !== null && !(Array.isArray(job.clean) && job.clean.length === stages && job.clean.every(finiteArray))) {
      return `clean must be null or ${stages} Float32Arrays (one per stage)`;
    }
  }
  return null;
}

/** The defect a spec stands for: a preset's effect with its own mask or the painted one. */
export function resolveDefect(spec: DefectSpec): Defect {
  if ('preset' in spec) {
    const p: Defect = PRESETS[spec.preset];
    return { effect: p.effect, mask: spec.mask ?? p.mask };
  }
  return spec;
}

// The page paints and picks defects with these (widgets reach the pipelines only through the engine).
export { emptyBrush, PRESET_NAMES, PRESETS, stampBrush, strokeBrush, type Defect, type Mask, type PresetName } from '../pipelines/defects';
