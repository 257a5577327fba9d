import { describe, expect, it, vi } from 'vitest';
import { EngineError, type CascadeJob, type PropagationJob, type StageDone } from '../../../src/lib/engine/protocol';
import type { EngineState } from '../../../src/lib/state/engine.svelte';

vi.mock('$app/navigation', () => ({ replaceState: vi.fn() }));
const { CascadeLesson } = await import('../../../src/lib/widgets/cascade-lesson.svelte');

const SIZES = [64, 256, 1024];
const image = (size: number, v: number) => new Float32Array(size * size * 3).fill(v);

/** An engine that runs every job at once: stage i of a clean run is filled with i / 10, of a defected one with i / 10 + 0.5. */
function fakeEngine() {
  const jobs: (CascadeJob | PropagationJob)[] = [];
  const stages = (bad: boolean, onStage?: (s: StageDone) => void) =>
    SIZES.forEach((size, stage) => onStage?.({ chain: 'run', stage, size, seed: 0, ms: 10 * (stage + 1), image: image(size, stage / 10 + (bad ? 0.5 : 0)), fed: bad && stage === 0 ? image(size, 0.9) : undefined }));
  const engine = {
    loads: {},
    load: () => Promise.resolve(),
    cancel: vi.fn(),
    report: vi.fn(),
    client: {
      runCascade: async (_c: string, job: CascadeJob, h: { onStage?: (s: StageDone) => void }) => {
        jobs.push(job);
        stages(false, h.onStage);
        return { stages: [], clean: [], ms: 60 };
      },
      runPropagation: async (_c: string, job: PropagationJob, h: { onStage?: (s: StageDone) => void }) => {
        jobs.push(job);
        stages(true, h.onStage);
        return { stages: [], clean: [], ms: 60, propagation: { at: 0, injected: 0.1, stages: SIZES.map((size, stage) => ({ stage, size, energy: 0.1 / (stage + 1), ratio: stage === 0 ? null : 1 / (stage + 1), map: new Float32Array(size * size) })) } };
      },
    },
  };
  return { engine: engine as unknown as EngineState, jobs };
}

describe('lesson 3’s runs', () => {
  it('samples the clean chain, then re-runs the later stages from its 64² image with the defect and the same seed', async () => {
    const { engine, jobs } = fakeEngine();
    const lesson = new CascadeLesson(engine);
    lesson.setSeed(42);
    lesson.setDefect('noise');
    await lesson.runClean();
    expect(jobs.map((j) => j.kind)).toEqual(['cascade', 'propagation']);
    const [clean, bad] = jobs as [CascadeJob, PropagationJob];
    expect(bad.seed).toBe(clean.seed);
    expect(bad.seed).toBe(42);
    expect(bad.defects).toEqual([[{ preset: 'noise' }]]);
    expect(Array.from(bad.start ?? []).every((v) => v === 0)).toBe(true); // the clean 64² image (stage 0 → 0)
    expect(bad.clean?.map((c) => c.length)).toEqual(SIZES.map((s) => s * s * 3));
    // the page keeps its own copies: what it sent may be handed to the worker
    expect(bad.start).not.toBe(lesson.clean.stages[0].image);
    expect(lesson.clean.complete && lesson.defected.complete).toBe(true);
    expect(lesson.defected.stages[0].image?.[0]).toBeCloseTo(0.9, 6); // the defected 64² image is what stage 1 read
    expect(lesson.energies).toEqual([0.1, 0.05, 0.1 / 3]);
    expect(lesson.maps.map((m) => m?.length)).toEqual(SIZES.map((s) => s * s));
  });

  it('no defect: no propagation job, and an empty brush counts as none', async () => {
    const { engine, jobs } = fakeEngine();
    const lesson = new CascadeLesson(engine);
    lesson.setDefect('none');
    await lesson.runClean();
    lesson.setDefect('brush');
    expect(lesson.hasDefect).toBe(false);
    await lesson.runDefected();
    expect(jobs.map((j) => j.kind)).toEqual(['cascade']);
  });

  it('a painted brush goes out as the ink preset with the painted mask (a copy)', async () => {
    const { engine, jobs } = fakeEngine();
    const lesson = new CascadeLesson(engine);
    lesson.setDefect('none');
    await lesson.runClean();
    lesson.setInk('shift');
    lesson.brush.alpha[100] = 1;
    lesson.setDefect('brush');
    expect(lesson.hasDefect).toBe(true);
    await lesson.runDefected();
    const spec = (jobs[1] as PropagationJob).defects?.[0][0] as { preset: string; mask: { kind: string; alpha: Float32Array } };
    expect(spec.preset).toBe('shift');
    expect(spec.mask.alpha[100]).toBe(1);
    expect(spec.mask.alpha).not.toBe(lesson.brush.alpha);
  });

  it('sends the cascade once base-64 is in, with sr-256 and sr-1024 still loading; a later model that fails leaves the stages before it shown', async () => {
    const { engine, jobs } = fakeEngine();
    let failLater = (_e: EngineError) => undefined as void;
    const later = new Promise<void>((_resolve, reject) => (failLater = reject));
    const asked: string[] = [];
    const e = engine as unknown as { load: (m: string) => Promise<void>; client: { runCascade: unknown }; loads: Record<string, { failed: boolean }> };
    e.load = (m) => (asked.push(m), m === 'base-64' ? Promise.resolve() : later);
    e.client.runCascade = async (_c: string, job: CascadeJob, h: { onStage?: (s: StageDone) => void }) => {
      jobs.push(job);
      h.onStage?.({ chain: 'run', stage: 0, size: 64, seed: 0, ms: 10, image: image(64, 0.3) });
      const error = new EngineError('model-missing', 'stage 1 needs the model "sr-256", which did not load: HTTP 404');
      failLater(error); // the engine's load fails as the job reaches stage 1
      e.loads['sr-256'] = { failed: true };
      throw error;
    };
    const lesson = new CascadeLesson(engine);
    lesson.setDefect('none');
    await lesson.runClean();
    expect(asked.slice(0, 3)).toEqual(['base-64', 'sr-256', 'sr-1024']); // all asked for, in the order they are needed
    expect(jobs).toHaveLength(1); // sent although the later loads never succeeded
    expect(lesson.clean.state).toBe('error');
    expect(lesson.clean.failure).toBe('model-missing');
    expect(lesson.clean.stages[0].image?.[0]).toBeCloseTo(0.3, 6);
    expect(lesson.clean.stages.slice(1).map((s) => s.image)).toEqual([null, null]);
    expect(engine.report).not.toHaveBeenCalled(); // the failed load has its own notice (EngineState.load)
  });
});

