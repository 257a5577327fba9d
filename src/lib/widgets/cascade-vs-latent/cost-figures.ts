// Lesson 6's "what each cost to make" (issue 16 item 3), read from the five manifests: every training run
// behind each pipeline (training-cost.ts), the overfitting gap of the two diffusion models that start from
// noise (train/eval/loss-gap.ts: held-out minus training loss, same t and ε; base-64's own
// `evaluation.overfitting`, else the one latent-64's evaluation measured for it, `baseGap`), and both
// pipelines' quality by the same rulers (train/eval/latent.ts): the Fréchet distance of their images box-
// reduced to 64² against held-out scenes (latent-64's `frechet`, base-64 rescored at the same count in
// `baseFrechet`), and the fine-detail ratio at 1024² (`highFrequency`). A figure that is absent is null: the
// table says "not measured yet", never a number typed here.
import { propagationOf } from '../cascade-manifests';
import { disturbRecord } from '../latent-diffusion/disturb-record';
import type { CompareModel } from './compare-settings';
import { autoencoderRuns, latentSetRun, pipelineTotals, unetRuns, type PipelineTotal, type TrainingRun } from './training-cost';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});

export type Manifests = Partial<Record<CompareModel, unknown>>;

/** Every training run of both pipelines, in the order they had to happen (the autoencoder before the latent set). */
export function trainingRuns(m: Manifests): TrainingRun[] {
  const runs: TrainingRun[] = [];
  for (const model of ['base-64', 'sr-256', 'sr-1024'] as const) if (m[model]) runs.push(...unetRuns(m[model], 'cascade'));
  if (m.vae) runs.push(...autoencoderRuns(m.vae));
  if (m['latent-64'] && m.vae) {
    const set = latentSetRun(m['latent-64'], m.vae);
    if (set) runs.push(set);
  }
  if (m['latent-64']) runs.push(...unetRuns(m['latent-64'], 'latent'));
  return runs;
}

export interface Gap {
  trainLoss: number;
  heldOutLoss: number;
  gap: number;
  /** gap / held-out loss: comparable across models whose losses are in different units. */
  relativeGap: number;
}

function gapOf(v: unknown): Gap | null {
  const g = obj(v);
  const [trainLoss, heldOutLoss, gap] = [num(g.trainLoss), num(g.heldOutLoss), num(g.gap)];
  if (trainLoss === null || heldOutLoss === null || gap === null) return null;
  return { trainLoss, heldOutLoss, gap, relativeGap: num(g.relativeGap) ?? gap / heldOutLoss };
}

export interface Frechet {
  distance: number;
  /** Two held-out sets against each other: the smallest distance this count can show. */
  floor: number | null;
  count: number | null;
}

function frechetOf(v: unknown): Frechet | null {
  const f = obj(v);
  const distance = num(obj(f.samplesVsHeldOut).distance);
  return distance === null ? null : { distance, floor: num(obj(f.heldOutVsHeldOut).distance), count: num(f.count) };
}

/** A set's fine-detail (1-px) and mid (2–4 px) energy at 1024² as ratios to true renders' (1 = as detailed). */
export interface Detail {
  fine: number;
  mid: number | null;
}

function detailOf(v: unknown): Detail | null {
  const d = obj(v);
  const fine = num(obj(d.fine).ratio);
  return fine === null ? null : { fine, mid: num(obj(d.mid).ratio) };
}

export interface PipelineQuality {
  /** Loss gap of the pipeline's noise-to-image model (base-64 / latent-64). */
  gap: Gap | null;
  /** Its held-out loss: the gap's, else the export's own figure (held-out chunk 0 of the same measure). */
  heldOutLoss: number | null;
  frechet: Frechet | null;
  detail: Detail | null;
}

export interface CostFigures {
  runs: TrainingRun[];
  totals: PipelineTotal[];
  cascade: PipelineQuality;
  latent: PipelineQuality;
}

export function costFigures(m: Manifests): CostFigures {
  const runs = trainingRuns(m);
  const base = obj(obj(m['base-64']).evaluation);
  const lat = obj(obj(m['latent-64']).evaluation);
  const hf = obj(lat.highFrequency);
  const cascadeGap = gapOf(base.overfitting) ?? gapOf(lat.baseGap);
  const latentGap = gapOf(lat.overfitting);
  return {
    runs,
    totals: pipelineTotals(runs),
    cascade: {
      gap: cascadeGap,
      heldOutLoss: cascadeGap?.heldOutLoss ?? num(base.heldOutLoss),
      // The rescoring at latent-64's count first: the floor and every distance grow as the count shrinks, so only
      // figures at one count compare; base-64's own (its count shown beside it) until latent-64's evaluation has run.
      frechet: frechetOf(lat.baseFrechet) ?? frechetOf(base.frechet),
      detail: detailOf(hf.cascadeVsHeldOut),
    },
    latent: { gap: latentGap, heldOutLoss: latentGap?.heldOutLoss ?? num(lat.heldOutLoss), frechet: frechetOf(lat.frechet), detail: detailOf(hf.samplesVsHeldOut) },
  };
}

/** The measured share of a preset that reached 1024², as the manifests record it for both pipelines. */
export interface RecordedDefect {
  /** The cascade's (sr-1024's propagation record at aug 0, the lesson's level), or null when not measured. */
  cascade: number | null;
  /** latent-64's `disturb` means over its starts, half-way and after the last step; null when not measured. */
  mid: number | null;
  late: number | null;
  /** Starts the latent means are over (0 when not measured). */
  starts: number;
}

/** What the evaluations measured for `preset` (train/eval/propagation-record.ts; latent-64's table read by disturb-record.ts). */
export function recordedDefect(m: Manifests, preset: string): RecordedDefect {
  const propagation = propagationOf(obj(m['sr-1024']).evaluation);
  const at1024 = propagation ? propagation.sizes.indexOf(1024) : -1;
  const row = propagation?.rows.find((r) => r.preset === preset && r.aug === 0);
  const record = disturbRecord(m['latent-64']);
  const latent = record?.presets.find((p) => p.preset === preset);
  return {
    cascade: row && at1024 >= 0 ? row.ratio[at1024] : null,
    mid: latent?.mid?.ratio ?? null,
    late: latent?.late?.ratio ?? null,
    starts: record?.starts.length ?? 0,
  };
}
