// The cascade through the engine host in Node (cpu kernels), on tiny random models exported as the shipped
// ones are (16 → 32 → 64): stages arrive in order at the right sizes, the same seed gives the same chain,
// latest wins per channel, a defect changes only what comes after it, NaN is caught, bad jobs are refused,
// and every job leaves the tensor count where it found it.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { emptyBrush, PRESETS, type CascadeJob, type DefectSpec, type PropagationJob } from '../../../src/lib/engine/cascade-job';
import type { EngineResponse } from '../../../src/lib/engine/protocol';
import { createEngineHost } from '../../../src/lib/engine/worker';
import { isSr, runnableFrom } from '../../../src/lib/engine/jobs';
import { stageSeed } from '../../../src/lib/pipelines/cascade';
import { measurePropagation } from '../../../src/lib/pipelines/propagation';
import { exportedModel, tinyBaseConfig, tinySrConfig } from '../pipelines/cascade-models';
import { MODELS_URL, modelFiles, serve } from './cascade-files';

let fetcher: typeof fetch;

beforeAll(async () => {
  await tf.setBackend('cpu');
  fetcher = serve({
    base: await modelFiles('base', tinyBaseConfig, 1),
    up32: await modelFiles('up32', tinySrConfig(32, 2), 2),
    up64: await modelFiles('up64', tinySrConfig(64, 2), 3),
  });
});

/** A host with the three models loaded on "wasm" (tfjs-cpu under that name). */
async function setup() {
  const messages: EngineResponse[] = [];
  const host = createEngineHost(
    { postMessage: (m) => messages.push(m) },
    { tf, fetch: fetcher, caches: null, contextLost: () => false, activate: async () => void (await tf.setBackend('cpu')) },
  );
  await host.handle({ type: 'init', candidates: ['wasm'], override: null });
  for (const [id, name] of ['base', 'up32', 'up64'].entries()) await host.handle({ type: 'load', id: 100 + id, model: name, url: `${MODELS_URL}${name}/` });
  await host.idle();
  const of = <T extends EngineResponse['type']>(type: T, id?: number) =>
    messages.filter((m): m is Extract<EngineResponse, { type: T }> => m.type === type && (id === undefined || ('id' in m && m.id === id)));
  const run = async (id: number, job: CascadeJob | PropagationJob, channel = 'cascade') => {
    await host.handle({ type: 'run', id, channel, job });
    await host.idle();
  };
  return { host, messages, of, run };
}

const job = (over: Partial<CascadeJob> = {}): CascadeJob => ({
  kind: 'cascade', base: 'base', sr: ['up32', 'up64'], seed: 5, classIndex: 1, guidance: 2, steps: [3, 2, 2], aug: [0.1, 0], send: [0, 1, 2], previewEvery: 0, ...over,
});
const propagation = (defects: DefectSpec[][], over: Partial<PropagationJob> = {}): PropagationJob => ({ ...job(), kind: 'propagation', defects, maps: true, ...over });
const bytes = (a: Float32Array | undefined) => Buffer.from(a!.buffer, a!.byteOffset, a!.byteLength);
const same = (a: Float32Array | undefined, b: Float32Array | undefined) => bytes(a).equals(bytes(b));

describe('cascade jobs in the engine', () => {
  it('loads SR models as such, sends each stage in order at 16², 32², 64² with its time, and leaves no tensor behind', async () => {
    const { of, run, messages } = await setup();
    expect(of('loaded').map((m) => [m.model, m.role])).toEqual([['base', 'base'], ['up32', 'sr'], ['up64', 'sr']]);
    const before = tf.memory().numTensors;
    await run(1, job({ previewEvery: 2 }));
    expect(of('error')).toEqual([]);
    const stages = of('stage', 1).map((m) => m.stage);
    expect(stages.map((s) => [s.stage, s.size, s.seed])).toEqual([0, 1, 2].map((i) => [i, [16, 32, 64][i], stageSeed(5, i)]));
    stages.forEach((s) => expect(s.image?.length).toBe(s.size * s.size * 3));
    stages.forEach((s) => expect(s.ms).toBeGreaterThan(0));
    // Each stage's peak tensor memory (memory-peak.ts): at least its own output image, float32.
    stages.forEach((s) => expect(s.peakBytes).toBeGreaterThanOrEqual(s.size * s.size * 3 * 4));
    expect(stages.every((s) => s.fed === undefined && s.chain === 'run')).toBe(true);
    const steps = of('stage-progress', 1).map((m) => m.step);
    expect(steps.map((s) => `${s.stage}:${s.step}/${s.steps}${s.x0 ? '+' : ''}`)).toEqual(['0:1/3+', '0:2/3', '0:3/3+', '1:1/2+', '1:2/2+', '2:1/2+', '2:2/2+']);
    steps.forEach((s) => s.x0 && expect(s.x0.length).toBe(s.size * s.size * 3));
    // each stage's steps, then its image, stage after stage, and the result last
    const order = messages.flatMap((m) => (m.type === 'stage-progress' ? [`${m.step.stage}`] : m.type === 'stage' ? [`S${m.stage.stage}`] : m.type === 'cascade-result' ? ['R'] : []));
    expect(order.join(' ')).toBe('0 0 0 S0 1 1 S1 2 2 S2 R');
    expect(of('cascade-result', 1)[0]).toMatchObject({ stages: [0, 1, 2].map((i) => ({ chain: 'run', stage: i })), propagation: null });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an SR model loaded first is what the backend is measured on, and WebGL warms its cascade shape up', async () => {
    const messages: EngineResponse[] = [];
    const host = createEngineHost({ postMessage: (m) => messages.push(m) }, { tf, fetch: fetcher, caches: null, contextLost: () => false, activate: async () => void (await tf.setBackend('cpu')) });
    await host.handle({ type: 'init', candidates: ['webgl', 'wasm'], override: 'webgl' });
    const before = tf.memory().numTensors;
    await host.handle({ type: 'load', id: 1, model: 'up64', url: `${MODELS_URL}up64/` });
    await host.idle();
    const ready = messages.filter((m) => m.type === 'ready').at(-1);
    expect(ready).toMatchObject({ backend: 'webgl', overridden: true });
    expect(ready?.type === 'ready' && ready.msPerRun! > 0 && ready.warmUpMs! > 0).toBe(true);
    expect(messages.filter((m) => m.type === 'loaded')).toMatchObject([{ model: 'up64', role: 'sr' }]);
    host.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the same seed gives the same chain bit for bit, another seed another; only the stages asked for carry images', async () => {
    const { of, run } = await setup();
    await run(1, job());
    await run(2, job({ send: [2] }));
    await run(3, job({ seed: 6 }));
    const [a, b, c] = [1, 2, 3].map((id) => of('stage', id).map((m) => m.stage));
    expect(same(b[2].image, a[2].image)).toBe(true);
    expect(b.map((s) => s.image !== undefined)).toEqual([false, false, true]);
    a.forEach((s, i) => expect(same(s.image, c[i].image)).toBe(false));
  });

  it('a newer job on the channel cancels the older: only the newest result and stages arrive, the count stays flat', async () => {
    const { of, run, host } = await setup();
    const before = tf.memory().numTensors;
    void host.handle({ type: 'run', id: 1, channel: 'c', job: job({ steps: [20, 2, 2] }) });
    await new Promise((resolve) => setTimeout(resolve, 5)); // job 1 is sampling its base image
    void host.handle({ type: 'run', id: 2, channel: 'c', job: job({ seed: 8 }) });
    void host.handle({ type: 'run', id: 3, channel: 'c', job: job({ seed: 9 }) });
    await run(4, job({ classIndex: 0 }), 'other'); // another widget's job is untouched
    expect(of('cascade-result').map((m) => m.id).sort()).toEqual([3, 4]);
    expect(of('error').map((m) => [m.id, m.code]).sort()).toEqual([
      [1, 'cancelled'],
      [2, 'cancelled'],
    ]);
    expect(of('stage', 1)).toEqual([]);
    expect(of('stage-progress', 1).length).toBeLessThan(20);
    expect(of('stage-progress', 2)).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a defect at stage 0 changes the later stages and an empty one changes nothing, bit for bit', async () => {
    const { of, run } = await setup();
    await run(1, job());
    const clean = of('stage', 1).map((m) => m.stage.image!);
    await run(2, job({ start: clean[0].slice(), defects: [[{ preset: 'blob' }]] }));
    const bad = of('stage', 2).map((m) => m.stage);
    expect(same(bad[0].image, clean[0])).toBe(true);
    expect(bad[0].ms).toBe(0); // not sampled: the start image
    expect(same(bad[0].fed, clean[0])).toBe(false);
    expect(same(bad[1].image, clean[1])).toBe(false);
    expect(same(bad[2].image, clean[2])).toBe(false);
    await run(3, job({ start: clean[0].slice(), defects: [[{ preset: 'blob', mask: emptyBrush(16) }], []] }));
    const empty = of('stage', 3).map((m) => m.stage);
    empty.forEach((s, i) => expect(same(s.image, clean[i])).toBe(true));
    expect(empty[0].fed).toBeDefined(); // a defect list was applied, and changed nothing
    expect(same(empty[0].fed, clean[0])).toBe(true);
  });

  it('a propagation job measures the difference per stage (maps, energies, ratios); the page may send the clean chain', async () => {
    const { of, run } = await setup();
    const before = tf.memory().numTensors;
    await run(1, propagation([[{ preset: 'noise' }]]));
    const r = of('cascade-result', 1)[0];
    expect(r.stages.map((s) => `${s.chain}${s.stage}`)).toEqual(['clean0', 'clean1', 'clean2', 'run0', 'run1', 'run2']);
    const p = r.propagation!;
    expect(p.at).toBe(0);
    expect(p.injected).toBeGreaterThan(0);
    expect(p.stages.map((s) => s.size)).toEqual([16, 32, 64]);
    p.stages.forEach((s) => expect(s.map?.length).toBe(s.size * s.size));
    expect(p.stages[0].energy).toBe(p.injected);
    expect(p.stages[0].ratio).toBeNull();
    for (const s of p.stages.slice(1)) {
      expect(s.energy).toBeGreaterThan(0);
      expect(s.ratio).toBeCloseTo(s.energy / p.injected, 12);
    }
    // the pipeline's own measure on the same models (same files, same seeds) agrees, to the last bit
    const clean = of('stage', 1).filter((m) => m.stage.chain === 'clean').map((m) => m.stage.image!);
    const loaded = await Promise.all([exportedModel('base', tinyBaseConfig, 1), exportedModel('up32', tinySrConfig(32, 2), 2), exportedModel('up64', tinySrConfig(64, 2), 3)]);
    const [base, ...sr] = loaded.map((m) => runnableFrom(m.manifest, m.unet, m.weights));
    const measured = await measurePropagation({ base, sr: sr.filter(isSr) }, { seed: 5, start: clean[0], defects: [PRESETS.noise], sr: [{ steps: 2, aug: 0.1 }, { steps: 2, aug: 0 }] });
    loaded.forEach((m) => tf.dispose(Object.values(m.weights)));
    expect(measured).toEqual({ injected: p.injected, sizes: [32, 64], energy: p.stages.slice(1).map((s) => s.energy), ratio: p.stages.slice(1).map((s) => s.ratio) });
    // the same pair with the clean chain from the page: the same figures, without re-running it
    await run(2, propagation([[{ preset: 'noise' }]], { clean, maps: false }));
    const again = of('cascade-result', 2)[0];
    expect(again.stages.map((s) => s.chain)).toEqual(['run', 'run', 'run']);
    expect(again.propagation!.stages.map((s) => s.energy)).toEqual(p.stages.map((s) => s.energy));
    expect(again.propagation!.stages.every((s) => s.map === undefined)).toBe(true);
    // an empty defect: nothing injected, nothing differs
    await run(3, propagation([[{ preset: 'blob', mask: emptyBrush(8) }]]));
    expect(of('cascade-result', 3)[0].propagation).toMatchObject({ at: null, injected: 0, stages: [{ energy: 0 }, { energy: 0 }, { energy: 0 }] });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a forced NaN fails the cascade at its first step with nan-output, no tensor left; the next job delivers', async () => {
    const { of, run, host } = await setup();
    const before = tf.memory().numTensors;
    await host.handle({ type: 'fault', id: 1, kind: 'nan', channel: 'c' });
    await run(2, job({ start: new Float32Array(16 * 16 * 3) }), 'c'); // the SR models are watched too
    expect(of('error').map((m) => [m.id, m.code, m.detail])).toEqual([[2, 'nan-output', 'stage 1 (32²), step 1/2: the network output NaN or Infinity']]);
    expect(of('stage-progress', 2)).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
    await run(3, job(), 'c');
    expect(of('cascade-result').map((m) => m.id)).toEqual([3]);
  });

  it('refuses bad jobs with a reason: malformed fields, missing or wrong-role models, sizes that do not chain', async () => {
    const { of, run } = await setup();
    const before = tf.memory().numTensors;
    const cases: [Partial<CascadeJob>, string, string][] = [
      [{ steps: [3, 2] }, 'backend-failed', 'bad job: steps must be 3 positive integers (base first, then one per sr model)'],
      [{ aug: [0.1, 1.5] }, 'backend-failed', 'bad job: aug must be 2 levels in [0, 1] (one per sr model)'],
      [{ send: [3] }, 'backend-failed', 'bad job: send must list stage indices in [0, 2]'],
      [{ defects: [[{ preset: 'smudge' as 'blob' }]] }, 'backend-failed', 'bad job: defects[0]: unknown preset smudge (known: blob, noise, shift, blur)'],
      [{ defects: [[{ preset: 'blob', mask: { kind: 'brush', size: 4, alpha: new Float32Array(3) } }]] }, 'backend-failed', 'bad job: defects[0]: a brush of size 4 needs a Float32Array of 16 finite weights'],
      [{ base: 'gone' }, 'model-missing', 'model "gone" is not loaded'],
      [{ base: 'up32' }, 'backend-failed', 'bad job: "up32" is a super-resolution model, not a base model'],
      [{ sr: ['up32', 'base'] }, 'backend-failed', 'bad job: "base" is a base model, not a super-resolution model'],
      [{ sr: ['up64', 'up32'] }, 'backend-failed', 'bad job: super-resolution stage 1 makes 64×64 from 32×32, but the previous stage gives 16×16'],
      [{ start: new Float32Array(10) }, 'backend-failed', 'bad job: the start image must be 16×16×3, got 10 values'],
      [{ classIndex: 99 }, 'backend-failed', `bad job: class 99 is outside the model's ${tinyBaseConfig.model.classes} classes`],
    ];
    for (const [i, [over]] of cases.entries()) await run(i + 1, job(over), `c${i}`);
    expect(of('error').map((m) => [m.code, m.detail])).toEqual(cases.map(([, code, detail]) => [code, detail]));
    expect(of('cascade-result')).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
    // and a sample job on an SR model
    await run(99, { kind: 'sample', model: 'up32', sampler: 'ddim', steps: 2, eta: 0, seed: 1, classIndex: null, guidance: 1, batch: 1, tapEvery: 0 } as never);
    expect(of('error', 99).map((m) => m.detail)).toEqual(['bad job: "up32" is a super-resolution model, not a base model']);
  });
});
