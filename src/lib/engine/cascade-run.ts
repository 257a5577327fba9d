// The engine's cascade and propagation jobs (cascade-job.ts) on loaded models: pipelines/cascade.ts
// runCascade with the network's raw output checked for NaN at every step of every stage, a yield to the
// event loop per step so a newer request can cancel, and each stage's image sent as soon as it exists.
import * as tf from '@tensorflow/tfjs-core';
import { mse } from '../data';
import { PipelineError } from '../pipelines/base';
import { runCascade, type ArrivingModels, type StageOutput } from '../pipelines/cascade';
import type { Defect } from '../pipelines/defects';
import { differenceMap } from '../pipelines/propagation';
import { resolveDefect, type CascadeJob, type PropagationJob } from './cascade-job';
import { checkOutputs, hasNonFinite, watched, yieldToEventLoop } from './jobs';
import { peakMeter } from './memory-peak';
import { EngineError, type CascadeChain, type PropagationSummary, type StageDone, type StageStep } from './protocol';

/** What a cascade job hands the page while it runs. */
export type CascadeEvent = { kind: 'stage-progress'; step: StageStep } | { kind: 'stage'; stage: StageDone };

export interface CascadeOutcome {
  /** Every stage run, in order (a propagation job's clean chain first). */
  stages: { chain: CascadeChain; stage: number; size: number; ms: number; peakBytes: number | null }[];
  ms: number;
  propagation: PropagationSummary | null;
}

/** A pipeline's complaint about the request (wrong sizes, a class the model lacks) as a refused job. */
function refused(error: unknown): unknown {
  if (error instanceof PipelineError || error instanceof RangeError) return new EngineError('backend-failed', `bad job: ${error.message}`);
  return error;
}

interface Chain {
  chain: CascadeChain;
  start: Float32Array | undefined;
  defects: Defect[][] | undefined;
}

/** One run of the chain; every stage's image goes to `emit` (a copy: the next stage still reads it). */
async function runChain(models: ArrivingModels, job: CascadeJob | PropagationJob, c: Chain, signal: AbortSignal, emit: (e: CascadeEvent) => void, timings: CascadeOutcome['stages']): Promise<StageOutput[]> {
  const sums: tf.Tensor[] = [];
  const send = new Set(job.send);
  const { chain } = c;
  // The most tensor memory each stage held above what the chain held when the stage began (memory-peak.ts).
  const meter = peakMeter(tf);
  try {
    return await runCascade(
      // A model still arriving is watched once it is in (worker.ts hands it over when its stage begins).
      { base: watched(models.base, sums), sr: models.sr.map((m) => (typeof m === 'function' ? async () => watched(await m(), sums) : watched(m, sums))) },
      {
        seed: job.seed,
        base: { steps: job.steps[0], classIndex: job.classIndex, guidance: job.guidance, sampler: job.sampler, eta: job.eta },
        sr: job.aug.map((aug, i) => ({ steps: job.steps[i + 1], aug, sampler: job.sampler, eta: job.eta })),
        start: c.start,
        defects: c.defects,
        signal,
        preview: job.previewEvery > 0 ? job.previewEvery : false, // read back only the frames that are sent
        onProgress: async (p) => {
          await checkOutputs(sums, `stage ${p.stage} (${p.size}²), step ${p.done}/${p.steps}`);
          await yieldToEventLoop();
          signal.throwIfAborted(); // a cancel that arrived during the yield stops the job here
          const wanted = p.x0 !== undefined && ((p.done - 1) % job.previewEvery === 0 || p.done === p.steps);
          emit({ kind: 'stage-progress', step: { chain, stage: p.stage, size: p.size, step: p.done, steps: p.steps, ms: p.ms, ...(wanted ? { x0: p.x0 } : {}) } });
        },
        onStage: (s) => {
          if (hasNonFinite(s.image)) throw new EngineError('nan-output', `stage ${s.stage} (${s.size}²) contains NaN or Infinity`);
          signal.throwIfAborted(); // a stage of a superseded job is never sent
          const peakBytes = meter.peak();
          meter.mark();
          timings.push({ chain, stage: s.stage, size: s.size, ms: s.ms, peakBytes });
          const done: StageDone = { chain, stage: s.stage, size: s.size, seed: s.seed, ms: s.ms, peakBytes };
          if (send.has(s.stage)) {
            done.image = s.image.slice();
            if (s.fed !== s.image) done.fed = s.fed.slice();
          }
          emit({ kind: 'stage', stage: done });
        },
      },
    );
  } catch (error) {
    throw refused(error);
  } finally {
    meter.stop();
    tf.dispose(sums.splice(0)); // a step that threw before its check
  }
}

/**
 * The defected run against the clean chain, stage by stage, with pipelines/propagation.ts's difference
 * map and the mean square (data/measure.ts mse) of what each stage passes on (its `fed` image). The
 * injected energy is the difference at the first stage a defect changed; later stages are relative to it.
 */
export function compareChains(clean: readonly Float32Array[], run: readonly StageOutput[], maps: boolean): PropagationSummary {
  if (clean.length !== run.length) throw new EngineError('backend-failed', `bad job: ${clean.length} clean images for ${run.length} stages`);
  const stages = run.map((s) => {
    if (clean[s.stage].length !== s.fed.length) throw new EngineError('backend-failed', `bad job: clean image ${s.stage} has ${clean[s.stage].length} values, stage ${s.stage} makes ${s.fed.length}`);
    return { stage: s.stage, size: s.size, energy: mse(s.fed, clean[s.stage]), ratio: null as number | null, ...(maps ? { map: differenceMap(s.fed, clean[s.stage]) } : {}) };
  });
  const at = run.findIndex((s) => s.fed !== s.image && mse(s.fed, s.image) > 0);
  const injected = at < 0 ? 0 : stages[at].energy;
  if (injected > 0) for (const s of stages.slice(at + 1)) s.ratio = s.energy / injected;
  return { at: at < 0 ? null : at, injected, stages };
}

/**
 * Runs a cascade job, or a propagation job (its clean chain first unless the page sent it, then the
 * defected one from the clean base image, so the base is sampled once). Resolves when the last stage is
 * sent; every tensor is disposed, on abort and error too (runCascade frees its own, this the NaN sums).
 */
export async function runCascadeJob(models: ArrivingModels, job: CascadeJob | PropagationJob, signal: AbortSignal, emit: (e: CascadeEvent) => void, now: () => number): Promise<CascadeOutcome> {
  const t0 = now();
  const timings: CascadeOutcome['stages'] = [];
  const defects = job.defects?.map((list) => list.map(resolveDefect));
  let clean: Float32Array[] | null = null;
  if (job.kind === 'propagation') {
    clean = job.clean ?? (await runChain(models, job, { chain: 'clean', start: job.start ?? undefined, defects: undefined }, signal, emit, timings)).map((s) => s.image);
  }
  const start = job.start ?? clean?.[0];
  const run = await runChain(models, job, { chain: 'run', start, defects }, signal, emit, timings);
  return { stages: timings, ms: now() - t0, propagation: clean ? compareChains(clean, run, job.kind === 'propagation' && job.maps) : null };
}
