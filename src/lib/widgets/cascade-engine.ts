// Lesson 3's two runs on the page's engine (src/lib/engine/cascade-job.ts): the clean cascade sampled
// from a seed, and the propagation job that re-runs the later stages from the clean 64² image with a
// defect and the same stage seeds, and measures the difference at every stage. Stage progress and
// images go into a CascadeChain as they arrive; a failure becomes a notice (EngineState.report).
import { EngineError, type CascadeJob, type DefectSpec, type EngineErrorCode, type StageDone, type StageStep } from '$lib/engine/protocol';
import type { EngineState } from '$lib/state/engine.svelte';
import type { CascadeChain } from './cascade-chain.svelte';
import { CASCADE_MODELS } from './cascade-settings';

export interface ChainRequest {
  classIndex: number | null;
  seed: number;
  steps: readonly number[];
  aug: readonly number[];
}

export interface DefectRun {
  /** The clean 64² image; copied before it is handed to the engine (which takes its buffer). */
  start: Float32Array;
  spec: DefectSpec;
  /** The clean chain's images, one per stage: the engine then runs only the defected chain. */
  clean: readonly Float32Array[];
}

/** What the defected run measured: per-stage difference maps and energies (pipelines/propagation.ts). */
export interface DefectOutcome {
  maps: (Float32Array | null)[];
  energies: number[];
}

/** The job for a request: base-64 then the two SR models, DDIM (η = 0) at guidance 1, every image sent back. */
export function cascadeJob(r: ChainRequest): CascadeJob {
  return {
    kind: 'cascade',
    base: CASCADE_MODELS[0],
    sr: [CASCADE_MODELS[1], CASCADE_MODELS[2]],
    seed: r.seed,
    classIndex: r.classIndex,
    guidance: 1,
    steps: [...r.steps],
    aug: [...r.aug],
    sampler: 'ddim',
    eta: 0,
    send: [0, 1, 2],
    previewEvery: 0,
  };
}

/**
 * Runs the clean chain (defect null) or the defected one into `chain`. Resolves to false when the run
 * failed or was superseded, true for a finished clean chain, and the measurement for a defected one.
 * `current` says whether this run is still the page's latest (an older one's late messages are dropped).
 */
export async function runCascadeChain(
  engine: EngineState,
  channel: string,
  request: ChainRequest,
  defect: DefectRun | null,
  chain: CascadeChain,
  current: () => boolean,
): Promise<boolean | DefectOutcome> {
  const onStep = (s: StageStep) => {
    if (current() && s.chain === 'run') chain.progress(s.stage, s.step, s.steps);
  };
  const onStage = (s: StageDone) => {
    // The defected chain's 64² image is what the next stage read: the clean one with the defect (`fed`).
    const image = s.stage === 0 && defect ? (s.fed ?? s.image) : s.image;
    if (current() && s.chain === 'run' && image) chain.finish(s.stage, image, s.ms, s.peakBytes ?? null);
  };
  try {
    // Loads are shared per page (EngineState.load); a failed one has already been put into words. Only
    // the base model is awaited: the engine starts 64² while sr-256 and sr-1024 still download, and each
    // later stage waits there for its own model (a school laptop's line takes seconds per model).
    const [base, ...later] = CASCADE_MODELS.map((m) => engine.load(m));
    for (const load of later) load.catch(() => undefined); // the job reports it too, when its stage comes
    await base;
    if (!current()) return false;
    const job = cascadeJob(request);
    if (!defect) {
      await engine.client.runCascade(channel, job, { onStep, onStage });
      if (current()) chain.state = 'done';
      return current();
    }
    const result = await engine.client.runPropagation(
      channel,
      { ...job, kind: 'propagation', start: defect.start.slice(), defects: [[defect.spec]], clean: defect.clean.map((c) => c.slice()), maps: true },
      { onStep, onStage },
    );
    if (!current()) return false;
    chain.state = 'done';
    const byStage = [0, 1, 2].map((i) => result.propagation.stages.find((d) => d.stage === i));
    return { maps: byStage.map((d) => d?.map ?? null), energies: byStage.map((d) => d?.energy ?? 0) };
  } catch (error) {
    const code: EngineErrorCode = error instanceof EngineError ? error.code : 'backend-failed';
    if (code === 'cancelled' || !current()) return false;
    const loadFailed = CASCADE_MODELS.some((m) => engine.loads[m]?.failed);
    if (!loadFailed) engine.report(code, error instanceof EngineError ? error.detail : String(error), null);
    chain.fail(code);
    return false;
  }
}
