// What lessons 5 and 6 read of latent-64's disturb table (manifest evaluation.disturb, written by
// train/eval/latent-disturb.ts): per lesson-3 preset, the mean injected and 1024² energy and their ratio
// for the defect put in mid-way and after the last step, with the run's steps and starts, so the lesson can
// show the measured table beside the reader's own run. Read defensively, as latent-facts.ts reads the rest:
// an export evaluated before the table existed has none, and a missing figure stays missing (null).

export interface DisturbMean {
  injected: number;
  energy: number;
  ratio: number;
  /** Starts averaged over. */
  n: number;
}

export interface DisturbRecord {
  /** DDIM steps of the runs and the step after which the mid-way defect went in. */
  steps: number;
  midStep: number;
  /** Side of the decoded images the energy was measured at. */
  size: number;
  starts: { kind: string; seed: number }[];
  /** Per preset, in the table's order; a point that was not measured is null. */
  presets: { preset: string; mid: DisturbMean | null; late: DisturbMean | null }[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function meanOf(v: unknown): DisturbMean | null {
  if (!isObj(v) || ![v.injected, v.energy, v.ratio, v.n].every(isNum)) return null;
  return { injected: v.injected as number, energy: v.energy as number, ratio: v.ratio as number, n: v.n as number };
}

/** The table from a parsed manifest, or null when it has none (or one this reader cannot use). */
export function disturbRecord(manifest: unknown): DisturbRecord | null {
  if (!isObj(manifest) || !isObj(manifest.evaluation)) return null;
  const d = manifest.evaluation.disturb;
  if (!isObj(d) || !isObj(d.sampler) || !isObj(d.mean) || !Array.isArray(d.presets)) return null;
  const { steps, midStep } = d.sampler;
  if (!isNum(steps) || !isNum(midStep) || !isNum(d.size)) return null;
  const mean = d.mean;
  const starts = Array.isArray(d.starts) ? d.starts.filter((s): s is { kind: string; seed: number } => isObj(s) && typeof s.kind === 'string' && isNum(s.seed)) : [];
  const presets = d.presets
    .filter((p): p is string => typeof p === 'string')
    .map((preset) => {
      const row = isObj(mean[preset]) ? (mean[preset] as Obj) : {};
      return { preset, mid: meanOf(row.mid), late: meanOf(row.late) };
    });
  return { steps, midStep, size: d.size, starts, presets };
}
