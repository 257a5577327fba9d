import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VaeJob, VaeOutcome } from '../../../../src/lib/engine/vae-job';
import type { EngineState } from '../../../../src/lib/state/engine.svelte';

vi.mock('$app/navigation', () => ({ replaceState: vi.fn() }));
const { painted } = await import('../../../../src/lib/widgets/brush-mask');
const { AutoencoderLesson, CHANNELS, defaultCells } = await import('../../../../src/lib/widgets/the-autoencoder/autoencoder-lesson.svelte');

const C = 4;
const SIDE = 64;
const manifest = (phase1: boolean) => ({
  config: { imageChannels: 3, latentChannels: C, channels: [8, 16, 32, 64, 128], encoderBlocks: [0, 1, 1, 1, 2], decoderBlocks: [1, 1, 1, 1, 2] },
  phases: { phase1Steps: 300, phase2Steps: phase1 ? 600 : 0, discWarmup: phase1 ? 100 : 0 },
  lossCurves: {},
  evaluation: {},
  ...(phase1 ? { phase1Weights: [{}] } : {}),
});

/** An engine that answers at once: images filled with a value per decoder, the latent a ramp; phase 1 only when `phase1`. */
function fakeEngine(phase1: boolean) {
  const jobs: { channel: string; job: VaeJob }[] = [];
  const runVae = vi.fn(async (channel: string, job: VaeJob) => {
    jobs.push({ channel, job });
    if (job.decoders.includes('phase1') && !phase1) return { status: 'failed' as const, code: 'model-missing' as const };
    const size = 1024;
    const img = (v: number) => new Float32Array(size * size * 3).fill(v);
    const result: VaeOutcome = {
      decoded: Object.fromEntries(job.decoders.map((d) => [d, img(d === 'final' ? 0.1 : 0.2)])),
      size,
      side: SIDE,
      channels: C,
      ms: { decode: { final: 5 } },
      ...(job.source.type !== 'latent' ? { latent: Float32Array.from({ length: SIDE * SIDE * C }, (_, i) => Math.sin(i)), logvar: new Float32Array(SIDE * SIDE * C).fill(-4) } : {}),
      ...(job.source.type === 'scene' ? { image: img(0) } : {}),
    };
    return { status: 'done' as const, result };
  });
  return { jobs, vae: { load: vi.fn(async () => undefined), runVae, cancel: vi.fn() } };
}

function lessonWith(phase1: boolean, search = '') {
  vi.stubGlobal('fetch', vi.fn(async () => ({ ok: true, json: async () => manifest(phase1) })));
  const engine = fakeEngine(phase1);
  const lesson = new AutoencoderLesson({} as EngineState, engine.vae);
  lesson.connect(search);
  return { lesson, ...engine };
}

afterEach(() => vi.unstubAllGlobals());

describe('AutoencoderLesson', () => {
  it('a link’s values are read, odd grid values snapped and the channel clamped to the model’s c', async () => {
    const { lesson } = lessonWith(false, '?kind=city&seed=12&mix=0.33&amt=9&ch=15&prior=4');
    expect(lesson.url.values.kind).toBe('city');
    expect(lesson.url.values.seed).toBe(12);
    expect(lesson.mix).toBe(0.35);
    expect(lesson.amount).toBe(4);
    await lesson.runScene();
    expect(lesson.paintChannel).toBe(C - 1);
  });

  it('with a phase-1 decoder both decoders are asked for on the scene; the mix and the prior decode after it', async () => {
    const { lesson, jobs } = lessonWith(true);
    await lesson.runScene();
    expect(jobs[0].job.decoders).toEqual(['final', 'phase1']);
    expect(jobs[0].job.source).toEqual({ type: 'scene', sceneKind: 3, seed: 5, size: 1024 });
    expect(lesson.sceneState).toBe('done');
    expect(lesson.scene?.phase1?.[0]).toBeCloseTo(0.2);
    expect(jobs.map((j) => j.channel)).toEqual([CHANNELS.scene, CHANNELS.mix, CHANNELS.patch, CHANNELS.prior]);
    expect(lesson.mixed.state).toBe('done');
    expect(lesson.prior.state).toBe('done');
  });

  it('an interim model without a phase-1 decoder is asked for the final decoder only', async () => {
    const { lesson, jobs } = lessonWith(false);
    await lesson.runScene();
    expect(lesson.phase1).toBe('missing');
    expect(jobs[0].job.decoders).toEqual(['final']);
    expect(lesson.scene?.phase1).toBeNull();
  });

  it('m = 0 shows the reconstruction itself, without a job', async () => {
    const { lesson, jobs } = lessonWith(false, '?mix=0');
    await lesson.runScene();
    expect(jobs.some((j) => j.channel === CHANNELS.mix)).toBe(false);
    expect(lesson.mixed.image).toBe(lesson.scene?.final);
  });

  it('painted cells decode the painted latent and map the difference to the unpainted decode', async () => {
    const { lesson, jobs } = lessonWith(false, '?amt=2&ch=1&cells=');
    await lesson.runScene();
    lesson.brush.alpha[10] = 1;
    lesson.brushChanged();
    await lesson.runPatch();
    const job = jobs.at(-1)!;
    expect(job.channel).toBe(CHANNELS.patch);
    const sent = (job.job.source as { latent: Float32Array }).latent;
    const z = lesson.scene!.latent;
    const changed = Array.from(sent).flatMap((v, i) => (v !== z[i] ? [i] : []));
    expect(changed).toEqual([10 * C + 1]);
    expect(lesson.patchMap?.length).toBe(1024 * 1024);
  });

  it('a link without cells starts with the 3×3 cells in the middle; an empty cells= starts empty', async () => {
    expect(painted(lessonWith(false).lesson.brush)).toBe(painted(defaultCells(64)));
    expect(painted(defaultCells(64))).toBe(9);
    expect(defaultCells(64).alpha[32 * 64 + 32]).toBe(1);
    expect(painted(lessonWith(false, '?cells=').lesson.brush)).toBe(0);
  });

  it('a file that is not an image leaves the previous picture and sends nothing', async () => {
    const { lesson, jobs } = lessonWith(false);
    const previous = new Float32Array(3);
    lesson.ownImage = previous;
    await lesson.upload(new File(['just some text'], 'notes.txt', { type: 'text/plain' }));
    expect(lesson.ownProblem).toBe('not-an-image');
    expect(lesson.ownImage).toBe(previous);
    expect(jobs.some((j) => j.channel === CHANNELS.own)).toBe(false);
  });
});
