// Lesson 5's state against a fake engine: a link's odd values are snapped and each change is noted; the
// denoising streams its frames and the view follows them; a step's x̂₀ is decoded in the decoder's units;
// the disturbed runs compare with the clean run (waited for, not restarted) and measure what reached 1024²;
// the walk sends its blended start; a missing model runs nothing and says so.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LatentResult } from '../../../../src/lib/engine/client';
import type { LatentFrame, LatentJob } from '../../../../src/lib/engine/latent-job';
import type { VaeJob } from '../../../../src/lib/engine/vae-job';
import type { EngineState } from '../../../../src/lib/state/engine.svelte';

import { makeSchedule } from '../../../../src/lib/diffusion/schedule';

vi.mock('$app/navigation', () => ({ replaceState: vi.fn() }));
const { LatentLesson } = await import('../../../../src/lib/widgets/latent-diffusion/latent-lesson.svelte');
const { CHANNELS } = await import('../../../../src/lib/widgets/latent-diffusion/latent-settings');

const C = 2;
const SIDE = 4;
const SIZE = 8;
const MEAN = [0.5, -1];
const STD = [2, 3];
const manifest = { name: 'latent-64', config: { imageChannels: C }, steps: 100, data: { details: { batch: 4, resolution: SIDE, schedule: 'cosine', T: 1000, latent: { mean: MEAN, std: STD, encoderSha256: 'ab'.repeat(32), trainCount: 50, heldoutCount: 10, preview: { weights: [[1, 0, 0], [0, 1, 0]], bias: [0, 0, 0] } } } }, evaluation: { heldOutLoss: 0.3 } };

/**
 * An engine that answers at once. Each edit adds 1 to the latent from its step on, and the image is the
 * latent's first value everywhere, minus a "repair" of 0.9 per later step: so a mid-run edit reaches the
 * image weaker than a late one, as the lesson claims of the real model.
 */
function fakeEngine() {
  const jobs: { channel: string; job: LatentJob | VaeJob }[] = [];
  let gate: Promise<void> = Promise.resolve();
  const runLatent = vi.fn(async (channel: string, job: LatentJob, onFrame?: (f: LatentFrame) => void) => {
    jobs.push({ channel, job });
    await gate;
    const bump = (i: number) => job.edits.reduce((s, e) => (e.at < i ? s + 0.1 ** (i - 1 - e.at) : s), 0);
    const fill = (n: number, v: number) => new Float32Array(n).fill(v);
    for (let i = 0; i < job.steps; i++) {
      if (job.previewEvery > 0 && (i % job.previewEvery === 0 || i === job.steps - 1)) {
        const v = bump(i);
        onFrame?.({ i, steps: job.steps, t: 1000 - i, tPrev: 999 - i, side: SIDE, channels: C, size: SIZE, xt: fill(SIDE * SIDE * C, v), x0: fill(SIDE * SIDE * C, i), xtPreview: fill(SIDE * SIDE * 3, v), x0Preview: fill(SIDE * SIDE * 3, 0), ms: 2 });
      }
    }
    const end = bump(job.steps) + (job.start ? job.start.u : 0);
    const result: LatentResult = { latent: new Float32Array(SIDE * SIDE * C).fill(end), preview: new Float32Array(SIDE * SIDE * 3).fill(end), image: new Float32Array(SIZE * SIZE * 3).fill(end), side: SIDE, channels: C, size: SIZE, ms: { steps: 40, decode: 300 }, msTotal: 400 };
    return { status: 'done' as const, result };
  });
  const runVae = vi.fn(async (channel: string, job: VaeJob) => {
    jobs.push({ channel, job });
    return { status: 'done' as const, result: { decoded: { final: new Float32Array(SIZE * SIZE * 3).fill(0.25) }, size: SIZE, side: SIDE, channels: C, ms: { decode: { final: 123 } }, msTotal: 130 } };
  });
  return { jobs, runner: { runLatent, runVae, cancel: vi.fn() }, hold: () => { let open = () => {}; gate = new Promise<void>((r) => (open = r)); return () => open(); } };
}

function lessonWith(search = '', found = true) {
  vi.stubGlobal('fetch', vi.fn(async (path: string) => (found || !path.includes('latent-64') ? { ok: true, json: async () => manifest } : { ok: false, status: 404 })));
  const engine = fakeEngine();
  const lesson = new LatentLesson({} as EngineState, engine.runner);
  lesson.connect(search);
  return { lesson, ...engine };
}

afterEach(() => vi.unstubAllGlobals());

describe('LatentLesson', () => {
  it('a link’s odd values are snapped and each change is noted; good values get no note', () => {
    const { lesson } = lessonWith('?kind=volcano&seed=12&steps=7&u=0.33&at=40&blend=slerp');
    expect(lesson.settings).toEqual({ kind: 'coast', seed: 12, steps: 5 });
    expect(lesson.u).toBeCloseTo(0.3);
    expect(lesson.midAt).toBe(4);
    expect(lesson.notes.map((n) => `${n.key}:${n.raw}→${n.used}`).sort()).toEqual(['at:40→4', 'kind:volcano→coast', 'steps:7→5', 'u:0.33→0.3']);
    expect(lessonWith('?kind=city&seed=3&steps=20&u=0.50').lesson.notes).toEqual([]);
  });

  it('the denoising streams every step and the view follows it; a step’s x̂₀ is decoded in the decoder’s units', async () => {
    const { lesson, jobs } = lessonWith('?steps=10');
    await lesson.runSteps();
    const job = jobs[0].job as LatentJob;
    expect(jobs[0].channel).toBe(CHANNELS.steps);
    expect(job).toMatchObject({ model: 'latent-64', vae: 'vae', steps: 10, sampler: 'ddim', eta: 0, previewEvery: 1, edits: [] });
    expect(lesson.steps.frames).toHaveLength(10);
    expect(lesson.cursor).toBe(9);
    expect(lesson.steps.state).toBe('done');
    lesson.show(3);
    expect(lesson.following).toBe(false);
    await lesson.decodeStep();
    const vae = jobs[1].job as VaeJob;
    const sent = (vae.source as { latent: Float32Array }).latent;
    // frame 3's x̂₀ is 3 everywhere: z = 3·std + mean per channel.
    expect(Array.from(sent.slice(0, 2))).toEqual([3 * STD[0] + MEAN[0], 3 * STD[1] + MEAN[1]]);
    expect(lesson.decode).toMatchObject({ step: 3, ms: 123 });
  });

  it('the disturbed runs wait for the clean run in flight instead of restarting it, and a late defect reaches the image stronger than a mid one', async () => {
    const { lesson, jobs, hold } = lessonWith('?steps=10&at=5&defect=shift');
    const open = hold();
    const steps = lesson.runSteps();
    const disturb = lesson.runDisturb();
    open();
    await Promise.all([steps, disturb]);
    expect(jobs.map((j) => j.channel)).toEqual([CHANNELS.steps, CHANNELS.mid, CHANNELS.late]);
    const mid = jobs[1].job as LatentJob;
    const late = jobs[2].job as LatentJob;
    expect(mid.edits).toEqual([{ at: 4, space: 'preview', defect: { preset: 'shift' }, onImage: true }]);
    expect(late.edits).toEqual([{ at: 9, space: 'preview', defect: { preset: 'shift' }, onImage: true }]);
    // A latent change of 1 in both channels is a colour change of (2, 3, 0) on the preview: energy 13/3. The
    // mid-run change entered x_t at frame 5 (t = 995) scaled by √ᾱ: the defect as painted was 1/√ᾱ larger.
    const f = lesson.figures!;
    expect(f.mid.injected / (13 / 3 / makeSchedule('cosine').alphaBar[995])).toBeCloseTo(1, 5);
    expect(f.late.injected).toBeCloseTo(13 / 3);
    expect(f.late.ratio).toBeCloseTo(3 / 13);
    expect(f.mid.ratio).toBeLessThan(1e-6); // 0.1^5 squared: repaired
    expect(f.late.map.length).toBe(SIZE * SIZE);
  });

  it('the walk sends the blended start; u = 0 sends none (the seed’s own z_T)', async () => {
    const { lesson, jobs } = lessonWith('?seed=3&seed2=9&u=0.7&blend=lerp');
    await lesson.runWalk();
    expect((jobs[0].job as LatentJob).start).toEqual({ seedB: 9, u: 0.7, blend: 'lerp' });
    expect(lesson.walk.result?.image[0]).toBeCloseTo(0.7);
    lesson.setU(0);
    await lesson.runWalk();
    expect((jobs[1].job as LatentJob).start).toBeUndefined();
  });

  it('without the latent model nothing is sent to the engine and every run says model-missing', async () => {
    const { lesson, jobs } = lessonWith('', false);
    await lesson.runSteps();
    await lesson.runDisturb();
    await lesson.runWalk();
    expect(jobs).toEqual([]);
    expect(lesson.manifest.status).toBe('missing');
    for (const slot of [lesson.steps, lesson.mid, lesson.late, lesson.walk]) expect(slot.code).toBe('model-missing');
  });
});
