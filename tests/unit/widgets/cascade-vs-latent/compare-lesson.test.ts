// Lesson 6's state against a fake engine: a link's odd values are snapped and each change is noted; the
// cascade runs first and the latent pipeline after it, their stage times and peaks feed the timeline and the
// ratio; a missing model runs nothing it needs and says so; the defects wait for the clean runs (not restarted)
// and go into the cascade's 64² image and the latent half-way and after the last step.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CascadeHandlers, LatentResult } from '../../../../src/lib/engine/client';
import type { LatentFrame, LatentJob } from '../../../../src/lib/engine/latent-job';
import type { CascadeJob, PropagationJob } from '../../../../src/lib/engine/protocol';
import type { EngineState } from '../../../../src/lib/state/engine.svelte';

vi.mock('$app/navigation', () => ({ replaceState: vi.fn() }));
const { CompareLesson } = await import('../../../../src/lib/widgets/cascade-vs-latent/compare-lesson.svelte');
const { CHANNELS } = await import('../../../../src/lib/widgets/cascade-vs-latent/compare-settings');

const C = 2;
const SIDE = 4;
const SIZE = 8;
const latentManifest = { name: 'latent-64', paramCount: 30, flops: [{ height: 64, flopsPerImage: 5 }], config: { imageChannels: C }, steps: 100, data: { details: { batch: 4, resolution: SIDE, schedule: 'cosine', T: 1000, latent: { mean: [0, 0], std: [1, 1], encoderSha256: 'ab'.repeat(32), trainCount: 50, heldoutCount: 10, preview: { weights: [[1, 0, 0], [0, 1, 0]], bias: [0, 0, 0] } } } } };
const unet = { paramCount: 10, flops: [{ height: 64, flopsPerImage: 2 }] };
const manifests: Record<string, object> = { 'base-64': unet, 'sr-256': unet, 'sr-1024': unet, vae: { paramCount: { encoder: 1, decoder: 20 }, flops: [{ height: 1024, decoder: 40 }] }, 'latent-64': latentManifest };

function fakeEngine() {
  const order: string[] = [];
  const sizes = [64, 256, 1024];
  const runCascade = vi.fn(async (channel: string, job: CascadeJob, h: CascadeHandlers) => {
    order.push(`cascade ${channel}`);
    sizes.forEach((size, stage) => h.onStage?.({ chain: 'run', stage, size, seed: 1, ms: 100 * (stage + 1), peakBytes: 1000 * (stage + 1), image: new Float32Array(size * size * 3).fill(0.1 * stage) }));
    return { stages: [], clean: [], ms: 600, propagation: null };
  });
  const runPropagation = vi.fn(async (channel: string, job: PropagationJob, h: CascadeHandlers) => {
    order.push(`propagation ${channel}`);
    sizes.forEach((size, stage) => h.onStage?.({ chain: 'run', stage, size, seed: 1, ms: stage === 0 ? 0 : 100, image: new Float32Array(size * size * 3), fed: new Float32Array(size * size * 3) }));
    const map = (size: number, v: number) => new Float32Array(size * size).fill(v);
    return { stages: [], clean: [], ms: 300, propagation: { at: 0, injected: 0.04, stages: [{ stage: 0, size: 64, energy: 0.04, ratio: null, map: map(64, 0.04) }, { stage: 1, size: 256, energy: 0.03, ratio: 0.75, map: map(256, 0.03) }, { stage: 2, size: 1024, energy: 0.02, ratio: 0.5, map: map(1024, 0.02) }] } };
  });
  // Each latent edit adds 1 to the latent from its step on; a later step repairs 90 % of it.
  const runLatent = vi.fn(async (channel: string, job: LatentJob, onFrame?: (f: LatentFrame) => void) => {
    order.push(`latent ${channel}`);
    const bump = (i: number) => job.edits.reduce((s, e) => (e.at < i ? s + 0.1 ** (i - 1 - e.at) : s), 0);
    const fill = (n: number, v: number) => new Float32Array(n).fill(v);
    for (let i = 0; i < job.steps; i++) {
      if (job.previewEvery > 0 && (i % job.previewEvery === 0 || i === job.steps - 1)) onFrame?.({ i, steps: job.steps, t: 1000 - 50 * i, tPrev: 950 - 50 * i, side: SIDE, channels: C, size: SIZE, xt: fill(SIDE * SIDE * C, bump(i)), x0: fill(SIDE * SIDE * C, 0), xtPreview: fill(SIDE * SIDE * 3, 0), x0Preview: fill(SIDE * SIDE * 3, 0), ms: 2 });
    }
    const end = bump(job.steps);
    const result: LatentResult = { latent: fill(SIDE * SIDE * C, end), preview: fill(SIDE * SIDE * 3, end), image: fill(SIZE * SIZE * 3, end), side: SIDE, channels: C, size: SIZE, ms: { steps: 40, decode: 160 }, peakBytes: { steps: 500, decode: 9000 }, msTotal: 220 };
    return { status: 'done' as const, result };
  });
  const engine = { loads: {}, load: vi.fn(async () => undefined), report: vi.fn(), cancel: vi.fn(), client: { runCascade, runPropagation } };
  return { order, engine, runner: { runLatent, runVae: vi.fn(), cancel: vi.fn() }, runCascade, runPropagation, runLatent };
}

function lessonWith(search = '', missing: string[] = []) {
  vi.stubGlobal('fetch', vi.fn(async (path: string) => {
    const model = path.split('/')[2];
    return missing.includes(model) ? { ok: false, status: 404 } : { ok: true, json: async () => manifests[model] };
  }));
  const fake = fakeEngine();
  const lesson = new CompareLesson(fake.engine as unknown as EngineState, fake.runner);
  lesson.connect(search);
  return { lesson, ...fake };
}

afterEach(() => vi.unstubAllGlobals());

describe('CompareLesson', () => {
  it('a link’s odd values are snapped and each change is noted; without `at` the defect goes in half-way', () => {
    const { lesson } = lessonWith('?kind=volcano&seed=12&steps=7&at=40&defect=smudge');
    expect(lesson.settings).toEqual({ kind: 'meadow', seed: 12, steps: 5 });
    expect(lesson.midAt).toBe(4);
    expect(lesson.notes.map((n) => `${n.key}:${n.raw}→${n.used}`).sort()).toEqual(['at:40→4', 'defect:smudge→blob', 'kind:volcano→meadow', 'steps:7→5']);
    expect(lessonWith('?kind=city&seed=3&steps=10').lesson.midAt).toBe(5);
    expect(lessonWith('?kind=city&seed=3&steps=10&at=5&defect=blur').lesson.notes).toEqual([]);
  });

  it('a new step count keeps a half-way defect half-way, and clamps any other', () => {
    const { lesson } = lessonWith('?steps=10');
    lesson.setSteps(50);
    expect(lesson.midAt).toBe(25);
    lesson.setAt(40);
    lesson.setSteps(5);
    expect(lesson.midAt).toBe(4);
  });

  it('runs the cascade, then the latent pipeline; every stage’s time and peak reach the timeline and the ratio', async () => {
    const { lesson, order, runLatent } = lessonWith('?steps=10');
    expect(await lesson.runBoth()).toBe(true);
    expect(order).toEqual([`cascade ${CHANNELS.cascade}`, `latent ${CHANNELS.latent}`]);
    expect(runLatent.mock.calls[0][1]).toMatchObject({ steps: 10, sampler: 'ddim', eta: 0, edits: [], previewEvery: 1 });
    expect(lesson.phase).toBe('done');
    expect(lesson.measured).toEqual({ 'base-64': { ms: 100, peakBytes: 1000 }, 'sr-256': { ms: 200, peakBytes: 2000 }, 'sr-1024': { ms: 300, peakBytes: 3000 }, 'latent-64': { ms: 40, peakBytes: 500 }, vae: { ms: 160, peakBytes: 9000 } });
    const [cascade, latent] = lesson.summaries;
    expect(cascade).toMatchObject({ ms: 600, params: 30, peakBytes: 4 * 30 + 3000 });
    expect(latent).toMatchObject({ ms: 200, params: 50, peakBytes: 4 * 50 + 9000, flops: 10 * 5 + 40 });
    expect(lesson.ratio).toBe(3);
  });

  it('without latent-64 the cascade still runs and the latent half says why; without a cascade model nothing runs', async () => {
    const a = lessonWith('', ['latent-64']);
    expect(await a.lesson.runBoth()).toBe(false);
    expect(a.order).toEqual([`cascade ${CHANNELS.cascade}`]);
    expect(a.lesson.latent.code).toBe('model-missing');
    expect(a.lesson.missing).toEqual(['latent-64']);
    const b = lessonWith('', ['sr-1024']);
    expect(await b.lesson.runBoth()).toBe(false);
    expect(b.order).toEqual([]);
    expect(b.lesson.cascade.failure).toBe('model-missing');
  });

  it('the defects wait for the clean runs in flight, then go into the 64² image and the latent half-way and after the last step', async () => {
    const { lesson, order, runPropagation, runLatent } = lessonWith('?steps=10&at=4&defect=noise');
    const both = lesson.runBoth();
    await lesson.runDefects();
    await both;
    expect(order).toEqual([`cascade ${CHANNELS.cascade}`, `latent ${CHANNELS.latent}`, `propagation ${CHANNELS.cascadeDefect}`, `latent ${CHANNELS.mid}`, `latent ${CHANNELS.late}`]);
    const job = runPropagation.mock.calls[0][1];
    expect(job.defects).toEqual([[{ preset: 'noise' }]]);
    expect(job.start).toHaveLength(64 * 64 * 3);
    expect(runLatent.mock.calls[1][1].edits).toEqual([{ at: 3, space: 'preview', defect: { preset: 'noise' }, onImage: true }]);
    expect(runLatent.mock.calls[2][1].edits).toEqual([{ at: 9, space: 'preview', defect: { preset: 'noise' }, onImage: true }]);
    expect(lesson.defectState).toBe('done');
    const f = lesson.figures!;
    expect(f.cascade).toMatchObject({ injected: 0.04, final1024: 0.02, ratio: 0.5, energies: [0.04, 0.03, 0.02] });
    expect(f.cascade.map).toHaveLength(1024 * 1024);
    // The fake's later steps repair a mid-way edit: less of it reaches the image than of the late one.
    expect(f.late.ratio).toBeGreaterThan(f.mid.ratio);
  });
});
