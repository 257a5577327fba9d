// What lesson 3 reads from the three models' manifests (pretrained/<model>/manifest.json, served at
// /models/<model>/manifest.json): the parameter count, the training loss curve, and, for the SR models,
// the propagation table train/eval wrote (train/eval/propagation-record.ts; rows of
// src/lib/pipelines/propagation.ts propagationTable). A figure that is missing is reported as missing,
// never filled in: the lesson then says "not measured yet".

export interface ModelFacts {
  name: string;
  paramCount: number;
  steps: number;
  wallTimeSeconds: number;
  lossCurve: { step: number; loss: number }[];
  propagation: PropagationFigures | null;
  /** A super-resolution model's evaluation against bicubic (clean input, aug 0); null when absent. */
  quality: SrQuality | null;
  /** An SR stage's predictor run (data.details.sr.predictor, src/lib/pipelines/sr-predictor.ts); null when it has none. */
  predictor: PredictorRun | null;
}

/** The predictor's own training run, recorded beside the denoiser's by train/export.ts. */
export interface PredictorRun {
  steps: number;
  wallTimeSeconds: number;
  lossCurve: { step: number; loss: number }[];
  /** The t at which the denoiser takes over from the predictor's noised mean. */
  refineFrom: number;
}

/** train/eval/super-resolution.ts's headline figures: given the true low-res image, at aug level 0. */
export interface SrQuality {
  scenes: number;
  psnr: number;
  /** High-frequency energy as a share of the truth's (1 = as detailed as the truth). */
  hfRatio: number;
  bicubicPsnr: number;
  bicubicHfRatio: number;
  /** The preconditioning's first guess alone (the net's correction off), when evaluated; else null. */
  firstGuess: { psnr: number; hfRatio: number } | null;
  /** Bicubic plus a least-squares linear map of the input (train/eval/sr-linear.ts), when evaluated; else null. */
  linear: { psnr: number; hfRatio: number } | null;
  /** The stage's predictor mean alone (one pass, no noise), when it has one and it was evaluated; else null. */
  predictorOnly: { psnr: number; hfRatio: number } | null;
}

export interface PropagationRow {
  preset: string;
  aug: number;
  injected: number;
  /** Energy / injected at each size of `sizes`. */
  ratio: number[];
}

export interface PropagationFigures {
  /** Sides of the measured later stages (sr-256: [256]; sr-1024: [256, 1024]). */
  sizes: number[];
  augLevels: number[];
  steps: number[];
  seed: number;
  rows: PropagationRow[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const nums = (v: unknown): number[] | null => (Array.isArray(v) && v.every(isNum) ? (v as number[]) : null);

/** The propagation table of a manifest's evaluation, or null when absent or malformed (not measured). */
export function propagationOf(evaluation: unknown): PropagationFigures | null {
  if (!isObj(evaluation) || !isObj(evaluation.propagation)) return null;
  const p = evaluation.propagation;
  const sizes = nums(p.sizes);
  const augLevels = nums(p.augLevels);
  const steps = nums(p.steps);
  if (!sizes || !augLevels || !steps || !isNum(p.seed) || !Array.isArray(p.rows)) return null;
  const rows: PropagationRow[] = [];
  for (const r of p.rows) {
    if (!isObj(r) || typeof r.preset !== 'string' || !isNum(r.aug) || !isNum(r.injected)) return null;
    // A ratio may be Infinity in memory (propagation.ts relative()), which JSON writes as null: not a figure.
    const ratio = nums(r.ratio);
    if (!ratio || ratio.length !== sizes.length) return null;
    rows.push({ preset: r.preset, aug: r.aug, injected: r.injected, ratio });
  }
  return rows.length > 0 ? { sizes, augLevels, steps, seed: p.seed, rows } : null;
}

/** The SR evaluation's aug-0 row beside bicubic's, or null when absent or malformed (not evaluated). */
export function srQualityOf(evaluation: unknown): SrQuality | null {
  if (!isObj(evaluation) || !isObj(evaluation.superResolution)) return null;
  const q = evaluation.superResolution;
  const clean = Array.isArray(q.model) ? q.model.find((r) => isObj(r) && r.aug === 0) : undefined;
  const b = q.bicubic;
  if (!isObj(clean) || !isObj(b) || !isNum(q.heldOutScenes)) return null;
  const [psnr, hfRatio, bicubicPsnr, bicubicHfRatio] = [clean.psnr, clean.hfRatio, b.psnr, b.hfRatio];
  if (!isNum(psnr) || !isNum(hfRatio) || !isNum(bicubicPsnr) || !isNum(bicubicHfRatio)) return null;
  const g = q.firstGuessOnly;
  const firstGuess = isObj(g) && g.aug === 0 && isNum(g.psnr) && isNum(g.hfRatio) ? { psnr: g.psnr, hfRatio: g.hfRatio } : null;
  const l = q.linearLeastSquares;
  const linear = isObj(l) && isNum(l.psnr) && isNum(l.hfRatio) ? { psnr: l.psnr, hfRatio: l.hfRatio } : null;
  const pr = q.predictorOnly;
  const predictorOnly = isObj(pr) && pr.aug === 0 && isNum(pr.psnr) && isNum(pr.hfRatio) ? { psnr: pr.psnr, hfRatio: pr.hfRatio } : null;
  return { scenes: q.heldOutScenes, psnr, hfRatio, bicubicPsnr, bicubicHfRatio, firstGuess, linear, predictorOnly };
}

const curveOf = (v: unknown) => (Array.isArray(v) ? v.filter((p): p is { step: number; loss: number } => isObj(p) && isNum(p.step) && isNum(p.loss)) : []);

/** The predictor run of a manifest's data.details.sr, or null when the stage has none (or it is malformed). */
export function predictorRunOf(data: unknown): PredictorRun | null {
  const sr = isObj(data) && isObj(data.details) && isObj(data.details.sr) ? data.details.sr : null;
  const p = sr?.predictor;
  if (!sr || !isObj(p) || !isNum(p.steps) || !isNum(p.wallTimeSeconds) || !isNum(sr.refineFrom)) return null;
  return { steps: p.steps, wallTimeSeconds: p.wallTimeSeconds, lossCurve: curveOf(p.lossCurve), refineFrom: sr.refineFrom };
}

/** The facts of one manifest (parsed JSON); throws with the field's name when a required one is wrong. */
export function modelFacts(raw: unknown, file: string): ModelFacts {
  if (!isObj(raw)) throw new Error(`${file}: not a JSON object`);
  const need = (key: string): number => {
    const v = raw[key];
    if (!isNum(v) || v < 0) throw new Error(`${file}: field "${key}" must be a number ≥ 0`);
    return v;
  };
  if (typeof raw.name !== 'string') throw new Error(`${file}: field "name" must be a string`);
  if (!Array.isArray(raw.lossCurve)) throw new Error(`${file}: field "lossCurve" must be an array`);
  const lossCurve = curveOf(raw.lossCurve);
  return {
    name: raw.name,
    paramCount: need('paramCount'),
    steps: need('steps'),
    wallTimeSeconds: need('wallTimeSeconds'),
    lossCurve,
    propagation: propagationOf(raw.evaluation),
    quality: srQualityOf(raw.evaluation),
    predictor: predictorRunOf(raw.data),
  };
}

/** The ratio at `size` against the aug level, for one preset: the points of a chart line, by increasing aug. */
export function ratioCurve(p: PropagationFigures, preset: string, size: number): { aug: number; ratio: number }[] {
  const column = p.sizes.indexOf(size);
  if (column < 0) return [];
  return p.rows
    .filter((r) => r.preset === preset)
    .map((r) => ({ aug: r.aug, ratio: r.ratio[column] }))
    .sort((a, b) => a.aug - b.aug);
}

/**
 * The figure at a slider level: the measured value when the level is one of the table's, else linear
 * interpolation between the two measured neighbours (flagged, so the lesson never passes it off as
 * measured); null outside the measured range.
 */
export function ratioAt(curve: readonly { aug: number; ratio: number }[], aug: number): { ratio: number; measured: boolean } | null {
  for (const p of curve) if (Math.abs(p.aug - aug) < 1e-9) return { ratio: p.ratio, measured: true };
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1];
    const b = curve[i];
    if (aug > a.aug && aug < b.aug) return { ratio: a.ratio + ((aug - a.aug) / (b.aug - a.aug)) * (b.ratio - a.ratio), measured: false };
  }
  return null;
}

/** A change smaller than this factor between the lowest and the highest measured level reads as "flat". */
export const FLAT_FACTOR = 1.25;
/** Below this share of the injected energy at every level, the defect has all but vanished: no trend is read into it. */
export const VANISHED = 0.01;

export type Verdict = { trend: 'falls' | 'flat' | 'rises' | 'vanishes'; lo: { aug: number; ratio: number }; hi: { aug: number; ratio: number } };

/**
 * What a measured curve says, in one word, from its two ends: the lesson's sentence comes from the
 * figures, so it stays true whatever the trained models turn out to do (issue 5: "if augmentation does
 * not reduce propagation in our models, say so"). Null with fewer than two levels.
 */
export function verdictOf(curve: readonly { aug: number; ratio: number }[]): Verdict | null {
  if (curve.length < 2) return null;
  const lo = curve[0];
  const hi = curve[curve.length - 1];
  const trend = curve.every((p) => p.ratio < VANISHED) ? 'vanishes' : hi.ratio * FLAT_FACTOR < lo.ratio ? 'falls' : hi.ratio > lo.ratio * FLAT_FACTOR ? 'rises' : 'flat';
  return { trend, lo, hi };
}
