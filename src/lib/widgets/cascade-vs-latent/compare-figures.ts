// Lesson 6's timeline in numbers (issue 16 item 1): every stage of both pipelines with what the manifests
// count (forward FLOPs of one network call at the stage's size, src/lib/models/count.ts; parameters) and
// what this device measured (the stage's time and its peak tensor memory, engine/memory-peak.ts). A stage's
// arithmetic is its calls × one call's FLOPs: base-64 and latent-64 call their U-Net once a step (guidance 1),
// an SR stage once for its predictor's mean and once per step from t₀ = refineFrom down (pipelines/
// super-resolution.ts), the decoder once (LDM, Rombach et al. 2022 §3: pixels appear only at the end).
// A figure a manifest lacks is null and shown as missing, never filled in.
import { CASCADE, LATENT, SR_STEPS, type CompareModel, type Pipeline } from './compare-settings';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});

/** Side of the image each stage makes. */
export const STAGE_SIDE: Record<CompareModel, number> = { 'base-64': 64, 'sr-256': 256, 'sr-1024': 1024, 'latent-64': 64, vae: 1024 };

export interface StageFacts {
  model: CompareModel;
  pipeline: Pipeline;
  /** Network calls the stage makes for the request. */
  calls: number;
  /** Forward FLOPs of one call at the stage's size (multiply-adds × 2), or null when the manifest lacks them. */
  flopsPerCall: number | null;
  /** Parameters the stage runs (an SR stage: its denoiser and its predictor, two nets of one config). */
  params: number | null;
  /** Nets of paramCount each the stage runs (2 for an SR stage with a predictor). */
  nets: number;
}

/** A U-Net's FLOPs row for the grid it works on: an SR stage's network sees side / spaceToDepth. */
function unetFlops(m: Obj, side: number): number | null {
  const sr = obj(obj(obj(m.data).details).sr);
  const grid = side / (num(sr.spaceToDepth) ?? 1);
  const rows = Array.isArray(m.flops) ? m.flops.map(obj) : [];
  return num(rows.find((r) => r.height === grid)?.flopsPerImage);
}

/** One stage's facts from its manifest (parsed JSON, or undefined when it could not be read). */
export function stageFacts(model: CompareModel, manifest: unknown, steps: number): StageFacts {
  const m = obj(manifest);
  const side = STAGE_SIDE[model];
  if (model === 'vae') {
    const row = (Array.isArray(m.flops) ? m.flops.map(obj) : []).find((r) => r.height === side);
    return { model, pipeline: 'latent', calls: 1, flopsPerCall: num(row?.decoder), params: num(obj(m.paramCount).decoder), nets: 1 };
  }
  const pipeline: Pipeline = (LATENT as readonly string[]).includes(model) ? 'latent' : 'cascade';
  const sr = obj(obj(obj(m.data).details).sr);
  const refineFrom = num(sr.refineFrom);
  const predictor = refineFrom !== null && Array.isArray(m.predictorWeights);
  const calls = predictor ? Math.min(steps, refineFrom) + 1 : steps;
  const params = num(m.paramCount);
  const nets = predictor ? 2 : 1;
  return { model, pipeline, calls, flopsPerCall: unetFlops(m, side), params: params === null ? null : params * nets, nets };
}

/** Every stage of both pipelines for `steps` base/latent steps (the SR stages take SR_STEPS), cascade first. */
export function allStages(manifests: Partial<Record<CompareModel, unknown>>, steps: number): StageFacts[] {
  const stepsOf: Record<CompareModel, number> = { 'base-64': steps, 'sr-256': SR_STEPS[0], 'sr-1024': SR_STEPS[1], 'latent-64': steps, vae: 1 };
  return [...CASCADE, ...LATENT].map((model) => stageFacts(model, manifests[model], stepsOf[model]));
}

export const stageFlops = (s: StageFacts): number | null => (s.flopsPerCall === null ? null : s.flopsPerCall * s.calls);

/** What the engine measured for one stage. */
export interface StageMeasure {
  ms: number;
  /** Peak tfjs tensor bytes above what was held when the stage began; null when not measured. */
  peakBytes: number | null;
}

export interface PipelineSummary {
  pipeline: Pipeline;
  /** Sum of the stages' times, ms (null until every stage is in). */
  ms: number | null;
  flops: number | null;
  params: number | null;
  /** Weights in memory while it runs: 4 bytes a parameter (tfjs holds float32), every stage's models. */
  weightBytes: number | null;
  /** The pipeline's peak: its weights plus the largest stage's working memory (stages run one after another). */
  peakBytes: number | null;
}

const sumOrNull = (values: (number | null)[]): number | null => (values.length === 0 || values.some((v) => v === null) ? null : (values as number[]).reduce((a, b) => a + b, 0));

/** Per pipeline: total time, arithmetic, parameters and peak memory of its stages. */
export function summarise(stages: readonly StageFacts[], measured: Partial<Record<CompareModel, StageMeasure>>): PipelineSummary[] {
  return (['cascade', 'latent'] as const).map((pipeline) => {
    const mine = stages.filter((s) => s.pipeline === pipeline);
    const ms = sumOrNull(mine.map((s) => measured[s.model]?.ms ?? null));
    const params = sumOrNull(mine.map((s) => s.params));
    const weightBytes = params === null ? null : 4 * params;
    const working = mine.map((s) => measured[s.model]?.peakBytes ?? null);
    const peakBytes = weightBytes === null || working.some((w) => w === null) ? null : weightBytes + Math.max(...(working as number[]));
    return { pipeline, ms, flops: sumOrNull(mine.map(stageFlops)), params, weightBytes, peakBytes };
  });
}

/** t_cascade / t_latent (the lesson's speed-up), or null until both totals are in. */
export function speedUp(summaries: readonly PipelineSummary[]): number | null {
  const c = summaries.find((s) => s.pipeline === 'cascade')?.ms;
  const l = summaries.find((s) => s.pipeline === 'latent')?.ms;
  return c != null && l != null && l > 0 ? c / l : null;
}

/** A byte count in the reader's notation: kB below a megabyte, MB above (decimal units, as downloads show them). */
export function formatBytes(bytes: number, locale: string): string {
  const mb = bytes / 1e6;
  return mb >= 1 ? `${mb.toLocaleString(locale, { maximumFractionDigits: mb >= 10 ? 0 : 1 })} MB` : `${Math.round(bytes / 1e3).toLocaleString(locale)} kB`;
}

/** FLOPs with an SI prefix (M, G, T, P), three significant figures at most, in the reader's notation. */
export function formatFlops(flops: number, locale: string): string {
  const units = [['P', 1e15], ['T', 1e12], ['G', 1e9], ['M', 1e6]] as const;
  const [prefix, size] = units.find(([, u]) => flops >= u) ?? units[3];
  const v = flops / size;
  return `${v.toLocaleString(locale, { maximumFractionDigits: v >= 100 ? 0 : v >= 10 ? 1 : 2 })} ${prefix}FLOP`;
}
