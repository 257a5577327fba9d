// Lesson 6's "what each cost to make" (issue 16 item 3): every training run behind each pipeline, read
// from the models' manifests (train/export.ts, train/vae/vae-export.ts), with its steps, batch, wall time
// on our machine and an estimate of its arithmetic. The estimate is the usual rule that a training step
// costs about three forward passes (one forward, a backward of about twice that: Kaplan et al. 2020,
// "Scaling Laws for Neural Language Models", §2.1, C ≈ 6N per token against 2N forward), applied to the
// forward FLOPs the manifest counted for the training input size (src/lib/models/count.ts). Figures a
// manifest lacks are null and shown as missing, never filled in.

export type Pipeline = 'cascade' | 'latent';

/** One training run: a denoiser, an SR stage's predictor, a phase of the autoencoder, or the latent set's encoding. */
export interface TrainingRun {
  model: string;
  pipeline: Pipeline;
  /** What the run trained (or, for the latent set, computed once). */
  part: 'denoiser' | 'predictor' | 'autoencoder, phase 1' | 'autoencoder, phase 2' | 'latent set';
  steps: number;
  batch: number | null;
  wallTimeSeconds: number | null;
  /** Estimated FLOPs of the whole run (3 × forward per example), or null when the manifest lacks the counts. */
  flops: number | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});

/** A training step ≈ one forward and one backward pass of about twice the forward's arithmetic. */
export const TRAIN_STEP_FORWARDS = 3;

/** Forward FLOPs per example at the training size: the manifest's first flops row (train/export.ts writes the training size first). */
function trainingForward(manifest: Obj): number | null {
  const rows = Array.isArray(manifest.flops) ? manifest.flops : [];
  return num(obj(rows[0]).flopsPerImage);
}

const runFlops = (forward: number | null, batch: number | null, steps: number): number | null =>
  forward === null || batch === null ? null : TRAIN_STEP_FORWARDS * forward * batch * steps;

/**
 * The runs of a U-Net model (base-64, latent-64, or an SR stage with its predictor). An SR stage's
 * predictor is the same network trained for the conditional mean (data.details.sr.predictor), so it
 * has the denoiser's FLOPs per example; the recorded batch is the config's, shared by both runs.
 */
export function unetRuns(manifest: unknown, pipeline: Pipeline): TrainingRun[] {
  const m = obj(manifest);
  const model = typeof m.name === 'string' ? m.name : '?';
  const details = obj(obj(m.data).details);
  const batch = num(details.batch);
  const forward = trainingForward(m);
  const steps = num(m.steps) ?? 0;
  const runs: TrainingRun[] = [{ model, pipeline, part: 'denoiser', steps, batch, wallTimeSeconds: num(m.wallTimeSeconds), flops: runFlops(forward, batch, steps) }];
  const predictor = obj(obj(details.sr).predictor);
  const pSteps = num(predictor.steps);
  if (pSteps !== null) runs.unshift({ model, pipeline, part: 'predictor', steps: pSteps, batch, wallTimeSeconds: num(predictor.wallTimeSeconds), flops: runFlops(forward, batch, pSteps) });
  return runs;
}

/**
 * The autoencoder's runs. Phase 1 trains encoder and decoder on crops (forward of both, ×3). Phase 2
 * freezes the encoder (a forward pass only) and trains the decoder against a discriminator whose FLOPs
 * the manifest does not count, so phase 2's figure is a lower bound; a phase 2 that ran but whose
 * decoder is not shipped (data.details.phase2NotShipped) was still paid for and is listed.
 */
export function autoencoderRuns(manifest: unknown): TrainingRun[] {
  const m = obj(manifest);
  const model = typeof m.name === 'string' ? m.name : 'vae';
  const details = obj(obj(m.data).details);
  const batch = num(details.batch);
  const crop = num(details.crop);
  const rows = Array.isArray(m.flops) ? m.flops.map(obj) : [];
  const atCrop = rows.find((r) => r.height === crop);
  const enc = num(atCrop?.encoder);
  const dec = num(atCrop?.decoder);
  const phases = obj(m.phases);
  const p1 = num(phases.phase1Steps) ?? 0;
  const p2 = num(phases.phase2Steps) || num(obj(details.phase2NotShipped).stepsRun) || 0;
  const each = (forward: number | null, steps: number) => (forward === null || batch === null ? null : forward * batch * steps);
  const both = enc === null || dec === null ? null : TRAIN_STEP_FORWARDS * (enc + dec);
  const phase2 = enc === null || dec === null ? null : enc + TRAIN_STEP_FORWARDS * dec;
  const total = num(m.wallTimeSeconds);
  const steps = p1 + p2;
  // The manifest keeps one wall time for the whole run: split by steps, which is how it is reported.
  const share = (n: number) => (total === null || steps === 0 ? null : (total * n) / steps);
  const runs: TrainingRun[] = [{ model, pipeline: 'latent', part: 'autoencoder, phase 1', steps: p1, batch, wallTimeSeconds: share(p1), flops: each(both, p1) }];
  if (p2 > 0) runs.push({ model, pipeline: 'latent', part: 'autoencoder, phase 2', steps: p2, batch, wallTimeSeconds: share(p2), flops: each(phase2, p2) });
  return runs;
}

/** The latent set: every scene encoded once at full size (the encoder's forward at 1024²), no training. */
export function latentSetRun(latentManifest: unknown, vaeManifest: unknown): TrainingRun | null {
  const set = obj(obj(obj(obj(latentManifest).data).details).latent);
  const count = (num(set.trainCount) ?? 0) + (num(set.heldoutCount) ?? 0);
  if (count === 0) return null;
  const rows = Array.isArray(obj(vaeManifest).flops) ? (obj(vaeManifest).flops as unknown[]).map(obj) : [];
  const full = rows.reduce<Obj | undefined>((best, r) => ((num(r.height) ?? 0) > (num(best?.height) ?? 0) ? r : best), undefined);
  const enc = num(full?.encoder);
  return { model: 'vae', pipeline: 'latent', part: 'latent set', steps: count, batch: 1, wallTimeSeconds: num(set.seconds), flops: enc === null ? null : enc * count };
}

export interface PipelineTotal {
  pipeline: Pipeline;
  wallTimeSeconds: number | null;
  flops: number | null;
  /** Whether some run's figure was missing (the sum is then of the others, and says so). */
  partial: boolean;
}

/** Per pipeline, the sums of its runs' wall time and FLOPs. */
export function pipelineTotals(runs: readonly TrainingRun[]): PipelineTotal[] {
  return (['cascade', 'latent'] as const).map((pipeline) => {
    const mine = runs.filter((r) => r.pipeline === pipeline);
    const sum = (pick: (r: TrainingRun) => number | null) => {
      const known = mine.map(pick).filter((v): v is number => v !== null);
      return known.length === 0 ? null : known.reduce((s, v) => s + v, 0);
    };
    return {
      pipeline,
      wallTimeSeconds: sum((r) => r.wallTimeSeconds),
      flops: sum((r) => r.flops),
      partial: mine.some((r) => r.wallTimeSeconds === null || r.flops === null),
    };
  });
}
