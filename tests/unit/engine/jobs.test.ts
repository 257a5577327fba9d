// The sample job on a real (random, tiny) U-Net and the latest-wins scheduler: only the newest request
// on a channel delivers, every job (cancelled ones too) leaves the tensor count where it was, NaN is caught.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSchedule } from '../../../src/lib/diffusion/schedule';
import { makeRng } from '../../../src/lib/math/rng';
import { buildUNet } from '../../../src/lib/models/unet';
import { weightsToTensors } from '../../../src/lib/models/weights';
import { guidedDenoiser, hasNonFinite, LatestWins, runSampleJob, type RunnableModel, type Ticket } from '../../../src/lib/engine/jobs';
import { EngineError, type SampleJob, type StepFrame } from '../../../src/lib/engine/protocol';
import tiny from '../../../train/configs/tiny';

const unet = buildUNet(tiny.model);
let model: RunnableModel;

/** Random weights with a non-zero output conv (init zeroes it, which would make every prediction 0). */
function randomWeights(seed: number): Map<string, Float32Array> {
  const values = unet.init(makeRng(seed));
  const out = values.get('out.conv.w') as Float32Array;
  const rng = makeRng(seed + 1);
  for (let i = 0; i < out.length; i++) out[i] = 0.1 * rng.normal();
  return values;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  model = { unet, weights: weightsToTensors(randomWeights(3), unet.specs), schedule: makeSchedule('cosine'), prediction: 'eps', resolution: tiny.resolution };
});
afterAll(() => tf.dispose(Object.values(model.weights)));

const job = (over: Partial<SampleJob> = {}): SampleJob => ({ kind: 'sample', model: 'tiny', sampler: 'ddim', steps: 6, eta: 0, seed: 1, classIndex: 2, guidance: 1, batch: 1, tapEvery: 1, ...over });
const never = new AbortController().signal;

describe('runSampleJob', () => {
  it('returns x_0 pixels of shape [1, 16, 16, 3], taps every step, and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const frames: StepFrame[] = [];
    const out = await runSampleJob(model, job(), never, (f) => frames.push(f));
    expect(out.shape).toEqual([1, 16, 16, 3]);
    expect(out.x.length).toBe(16 * 16 * 3);
    expect(frames.map((f) => f.i)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(frames[0].t).toBeGreaterThan(frames[5].t);
    expect(frames[5].tPrev).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the same seed gives the same image; another seed does not', async () => {
    const a = await runSampleJob(model, job({ seed: 7 }), never, () => {});
    const b = await runSampleJob(model, job({ seed: 7 }), never, () => {});
    const c = await runSampleJob(model, job({ seed: 8 }), never, () => {});
    expect(b.x).toEqual(a.x);
    expect(c.x).not.toEqual(a.x);
  });

  it('tapEvery 4 sends steps 0, 4 and the last; tapEvery 0 sends none', async () => {
    const frames: number[] = [];
    await runSampleJob(model, job({ steps: 7, tapEvery: 4 }), never, (f) => frames.push(f.i));
    expect(frames).toEqual([0, 4, 6]);
    const none: number[] = [];
    await runSampleJob(model, job({ tapEvery: 0 }), never, (f) => none.push(f.i));
    expect(none).toEqual([]);
  });

  it('guidance w = 3 equals uncond + 3·(cond − uncond) of separate calls', () => {
    const x = tf.randomNormal([1, 16, 16, 3], 0, 1, 'float32', 4);
    const [guided, cond, uncond] = [guidedDenoiser(model, 1, 3), guidedDenoiser(model, 1, 1), guidedDenoiser(model, null, 1)].map((d) => d(x, 500));
    const expected = tf.add(uncond, tf.mul(3, tf.sub(cond, uncond)));
    const diff = tf.max(tf.abs(tf.sub(guided, expected))).dataSync()[0];
    const spread = tf.max(tf.abs(tf.sub(cond, uncond))).dataSync()[0];
    tf.dispose([x, guided, cond, uncond, expected]);
    expect(spread).toBeGreaterThan(1e-4); // the class changes the output, so the check is not vacuous
    expect(diff).toBeLessThan(1e-4);
  });

  it('a model that outputs NaN fails with nan-output and leaks no tensor', async () => {
    const values = randomWeights(3);
    (values.get('out.conv.b') as Float32Array)[0] = Number.NaN;
    const bad: RunnableModel = { ...model, weights: weightsToTensors(values, unet.specs) };
    const before = tf.memory().numTensors;
    const err = await runSampleJob(bad, job(), never, () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('nan-output');
    expect(tf.memory().numTensors).toBe(before);
    const untapped = await runSampleJob(bad, job({ tapEvery: 0 }), never, () => {}).catch((e: unknown) => e);
    expect((untapped as EngineError).code).toBe('nan-output'); // caught on the final image too
    tf.dispose(Object.values(bad.weights));
  });

  it('an Infinity the x̂₀ clip would hide is caught on the network output, at the first step', async () => {
    // x̂₀ = (x_t − σ·∞)/α = −∞ clips to −1 and ε̂ is re-derived from it: every frame looks finite
    const values = randomWeights(3);
    (values.get('out.conv.b') as Float32Array)[0] = Number.POSITIVE_INFINITY;
    const bad: RunnableModel = { ...model, weights: weightsToTensors(values, unet.specs) };
    const before = tf.memory().numTensors;
    const frames: StepFrame[] = [];
    const err = await runSampleJob(bad, job({ tapEvery: 0 }), never, (f) => frames.push(f)).catch((e: unknown) => e);
    expect((err as EngineError).code).toBe('nan-output');
    expect((err as EngineError).detail).toMatch(/^step 1\/6 .*network output/);
    expect(frames).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(bad.weights));
  });

  it('hasNonFinite finds NaN and Infinity, not large finite values', () => {
    expect(hasNonFinite(new Float32Array([1, 3e38, -2]))).toBe(false);
    expect(hasNonFinite(new Float32Array([0, Number.NaN]))).toBe(true);
    expect(hasNonFinite(new Float32Array([Number.NEGATIVE_INFINITY]))).toBe(true);
  });
});

/** A scheduler over the real sample job that records what reaches the page. */
function recordingScheduler() {
  const log = { delivered: [] as Ticket[], failed: [] as [Ticket, string][], frames: [] as number[], tensorsAfterJob: [] as number[] };
  const scheduler = new LatestWins<SampleJob, StepFrame, { x: Float32Array; shape: number[] }>({
    run: async (j, signal, progress) => {
      try {
        return await runSampleJob(model, j, signal, progress);
      } finally {
        log.tensorsAfterJob.push(tf.memory().numTensors);
      }
    },
    progress: (t) => log.frames.push(t.id),
    deliver: (t) => log.delivered.push(t),
    fail: (t, e) => log.failed.push([t, e.code]),
  });
  return { scheduler, log };
}

describe('LatestWins with the real sample job', () => {
  it('three requests back to back on one channel: only the last delivers; the tensor count returns after every job', async () => {
    const { scheduler, log } = recordingScheduler();
    const before = tf.memory().numTensors;
    scheduler.submit({ id: 1, channel: 'w' }, job({ seed: 1 }));
    scheduler.submit({ id: 2, channel: 'w' }, job({ seed: 2 }));
    scheduler.submit({ id: 3, channel: 'w' }, job({ seed: 3 }));
    await scheduler.idle();
    expect(log.delivered).toEqual([{ id: 3, channel: 'w' }]);
    expect(log.failed.map(([t, code]) => [t.id, code]).sort()).toEqual([
      [1, 'cancelled'],
      [2, 'cancelled'],
    ]);
    expect(new Set(log.frames)).toEqual(new Set([3])); // no frame of a superseded job reached the page
    expect(log.tensorsAfterJob).toEqual(log.tensorsAfterJob.map(() => before));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a job superseded mid-run stops early and its tensors are disposed', async () => {
    const log = { delivered: [] as Ticket[], failed: [] as [Ticket, string][] };
    const before = tf.memory().numTensors;
    const frames: number[] = [];
    const s2 = new LatestWins<SampleJob, StepFrame, unknown>({
      run: (j, signal, progress) => runSampleJob(model, j, signal, progress),
      progress: (t, f) => {
        frames.push(f.i);
        if (t.id === 1 && f.i === 2) s2.submit({ id: 2, channel: 'w' }, job({ steps: 3 })); // a slider moves mid-run
      },
      deliver: (t) => log.delivered.push(t),
      fail: (t, e) => log.failed.push([t, e.code]),
    });
    s2.submit({ id: 1, channel: 'w' }, job({ steps: 20 }));
    await s2.idle();
    expect(log.delivered.map((t) => t.id)).toEqual([2]);
    expect(log.failed).toEqual([[{ id: 1, channel: 'w' }, 'cancelled']]);
    expect(frames).toEqual([0, 1, 2, 0, 1, 2]); // job 1 stopped after step 3 of 20
    expect(tf.memory().numTensors).toBe(before);
  });

  it('channels do not cancel each other, and an explicit cancel reports cancelled', async () => {
    const { scheduler, log } = recordingScheduler();
    scheduler.submit({ id: 1, channel: 'a' }, job({ steps: 2 }));
    scheduler.submit({ id: 2, channel: 'b' }, job({ steps: 2 }));
    scheduler.submit({ id: 3, channel: 'c' }, job({ steps: 2 }));
    scheduler.cancel('c');
    await scheduler.idle();
    expect(log.delivered.map((t) => t.id)).toEqual([1, 2]);
    expect(log.failed).toEqual([[{ id: 3, channel: 'c' }, 'cancelled']]);
  });

  it('a NaN run reports nan-output and the next job still runs', async () => {
    const values = randomWeights(3);
    (values.get('out.conv.b') as Float32Array)[1] = Number.NaN;
    const bad: RunnableModel = { ...model, weights: weightsToTensors(values, unet.specs) };
    const failed: [number, string][] = [];
    const delivered: number[] = [];
    const s = new LatestWins<{ m: RunnableModel; j: SampleJob }, StepFrame, unknown>({
      run: ({ m, j }, signal, progress) => runSampleJob(m, j, signal, progress),
      progress: () => {},
      deliver: (t) => delivered.push(t.id),
      fail: (t, e) => failed.push([t.id, e.code]),
    });
    s.submit({ id: 1, channel: 'a' }, { m: bad, j: job() });
    s.submit({ id: 2, channel: 'b' }, { m: model, j: job() });
    await s.idle();
    expect(failed).toEqual([[1, 'nan-output']]);
    expect(delivered).toEqual([2]);
    tf.dispose(Object.values(bad.weights));
  });

  it('a result that arrives after its job was superseded is discarded, not delivered', async () => {
    const discarded: string[] = [];
    const delivered: string[] = [];
    let release!: () => void;
    const s = new LatestWins<string, never, string>({
      // ignores its signal on purpose: a run that finishes just as it is aborted
      run: (j) => (j === 'slow' ? new Promise<string>((r) => (release = () => r('slow result'))) : Promise.resolve('fast result')),
      progress: () => {},
      deliver: (_t, r) => delivered.push(r),
      fail: () => {},
      discard: (r) => discarded.push(r),
    });
    s.submit({ id: 1, channel: 'w' }, 'slow');
    await Promise.resolve();
    s.submit({ id: 2, channel: 'w' }, 'fast');
    release();
    await s.idle();
    expect(discarded).toEqual(['slow result']);
    expect(delivered).toEqual(['fast result']);
  });
});
