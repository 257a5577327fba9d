import { describe, expect, it, vi } from 'vitest';
import type { EngineClient } from '../../../src/lib/engine/client';
import { EngineError, type LatentJob, type SampleJob } from '../../../src/lib/engine/protocol';
import { EngineState, f16TexturesRequested, loadFraction, modelUrl } from '../../../src/lib/state/engine.svelte';

const job: SampleJob = { kind: 'sample', model: 'base-64', sampler: 'ddim', steps: 2, eta: 0, seed: 1, classIndex: 0, guidance: 2, batch: 1, tapEvery: 1 };

/** A client whose load and run answers the test controls. */
function fakeClient() {
  const calls = { load: [] as string[], run: [] as string[] };
  let loadResult: () => Promise<{ paramCount: number; fromCache: boolean }> = async () => ({ paramCount: 10, fromCache: false });
  let runResult: () => Promise<{ x: Float32Array; shape: number[]; ms: number }> = async () => ({ x: new Float32Array(3), shape: [1, 1, 1, 3], ms: 5 });
  const client = {
    load: vi.fn((model: string, url: string, onProgress?: (p: { loaded: number; total: number | null }) => void) => {
      calls.load.push(url);
      onProgress?.({ loaded: 50, total: 200 });
      return loadResult();
    }),
    run: vi.fn((channel: string) => {
      calls.run.push(channel);
      return runResult();
    }),
    cancel: vi.fn(),
    setOverride: vi.fn(),
  };
  return {
    client: client as unknown as EngineClient,
    calls,
    failLoad: (e: unknown) => (loadResult = () => Promise.reject(e)),
    failRun: (e: unknown) => (runResult = () => Promise.reject(e)),
  };
}

describe('EngineState', () => {
  it('makes no client until the engine is used, and then exactly one, exposed for browser tests', () => {
    const fake = fakeClient();
    const make = vi.fn(() => fake.client);
    const engine = new EngineState(make);
    expect(make).not.toHaveBeenCalled();
    void engine.client;
    void engine.client;
    expect(make).toHaveBeenCalledTimes(1);
    expect((globalThis as { __noisebookEngine?: unknown }).__noisebookEngine).toBe(fake.client);
  });

  it('loads a model from /models/<name>/ once, however many runs ask for it', async () => {
    const fake = fakeClient();
    const engine = new EngineState(() => fake.client);
    const outcomes = await Promise.all([engine.run('a', job), engine.run('b', job), engine.load('base-64')]);
    expect(fake.calls.load).toEqual(['/models/base-64/']);
    expect(outcomes[0].status).toBe('done');
    expect(engine.loads['base-64']).toMatchObject({ done: true, failed: false, total: 200 });
    expect(loadFraction(engine.loads['base-64'])).toBe(1);
  });

  it('runLatent loads the latent model and its autoencoder before the job; a mismatched pair is one notice against the latent model', async () => {
    const fake = fakeClient();
    const runLatent = vi.fn(async () => ({ latent: new Float32Array(4), preview: new Float32Array(3), image: new Float32Array(768), side: 1, channels: 4, size: 16, ms: { steps: 5, decode: 2 }, msTotal: 8 }));
    Object.assign(fake.client, { runLatent });
    const engine = new EngineState(() => fake.client);
    const latentJob: LatentJob = { kind: 'latent', model: 'latent-64', vae: 'vae', classIndex: 0, guidance: 2, seed: 1, steps: 2, sampler: 'ddim', eta: 0, edits: [], decodeAt: [], previewEvery: 1 };
    const done = await engine.runLatent('l5', latentJob);
    expect(fake.calls.load.sort()).toEqual(['/models/latent-64/', '/models/vae/']);
    expect(done).toMatchObject({ status: 'done', result: { msTotal: 8, ms: { steps: 5, decode: 2 } } });
    runLatent.mockRejectedValueOnce(new EngineError('model-corrupt', '"latent-64" was trained on the latents of encoder ab…'));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(await engine.runLatent('l5', latentJob)).toEqual({ status: 'failed', code: 'model-corrupt' });
    expect(engine.faults).toEqual([expect.objectContaining({ code: 'model-corrupt', model: 'latent-64' })]);
    runLatent.mockRejectedValueOnce(new EngineError('cancelled', 'superseded'));
    expect(await engine.runLatent('l5', latentJob)).toEqual({ status: 'cancelled' });
    expect(engine.faults).toHaveLength(1);
    warn.mockRestore();
  });

  it('a superseded run is neither a failure nor a notice', async () => {
    const fake = fakeClient();
    fake.failRun(new EngineError('cancelled', 'superseded by request 3'));
    const engine = new EngineState(() => fake.client);
    expect(await engine.run('a', job)).toEqual({ status: 'cancelled' });
    expect(engine.faults).toEqual([]);
  });

  it('a failed run becomes one coded notice, carrying the model and the backend in use', async () => {
    const fake = fakeClient();
    fake.failRun(new EngineError('nan-output', 'step 1/2 produced NaN'));
    const engine = new EngineState(() => fake.client);
    engine.ready = { backend: 'webgl', msPerRun: 30, firstRunMs: 90, warmUpMs: 400, timings: [], overridden: false };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(await engine.run('a', job)).toEqual({ status: 'failed', code: 'nan-output' });
    await engine.run('a', job); // the same fault again replaces the notice instead of stacking it
    expect(engine.faults).toHaveLength(1);
    expect(engine.faults[0]).toMatchObject({ code: 'nan-output', model: 'base-64', backend: 'webgl' });
    engine.dismiss(engine.faults[0].id);
    expect(engine.faults).toEqual([]);
    warn.mockRestore();
  });

  it('a failed download is reported once, marks the load failed, and may be retried', async () => {
    const fake = fakeClient();
    fake.failLoad(new EngineError('model-missing', '/models/base-64/manifest.json: HTTP 404'));
    const engine = new EngineState(() => fake.client);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(await engine.run('a', job)).toEqual({ status: 'failed', code: 'model-missing' });
    expect(engine.faults.map((f) => f.code)).toEqual(['model-missing']);
    expect(engine.loads['base-64'].failed).toBe(true);
    expect(fake.calls.run).toEqual([]); // nothing runs without its model
    await engine.run('a', job);
    expect(fake.calls.load).toHaveLength(2);
    warn.mockRestore();
  });

  it('turns anything thrown that is not an EngineError into backend-failed', async () => {
    const fake = fakeClient();
    fake.failRun(new TypeError('boom'));
    const engine = new EngineState(() => fake.client);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(await engine.run('a', job)).toEqual({ status: 'failed', code: 'backend-failed' });
    warn.mockRestore();
  });

  it('cancel before the engine ever started does not start it', () => {
    const make = vi.fn(() => fakeClient().client);
    new EngineState(make).cancel('a');
    expect(make).not.toHaveBeenCalled();
  });
});

describe('helpers', () => {
  it('progress is 0 until the size is known and 1 once loaded', () => {
    expect(loadFraction({ loaded: 10, total: null, done: false, failed: false, fromCache: false })).toBe(0);
    expect(loadFraction({ loaded: 50, total: 200, done: false, failed: false, fromCache: false })).toBe(0.25);
    expect(loadFraction({ loaded: 0, total: null, done: true, failed: false, fromCache: true })).toBe(1);
  });

  it('model folders are only made from plain names', () => {
    expect(modelUrl('base-64')).toBe('/models/base-64/');
    expect(() => modelUrl('../etc')).toThrow(/not a model name/);
  });

  it('?webgl=f16 asks for half-float textures; any other value, or none, leaves tfjs to decide', () => {
    expect(f16TexturesRequested('?steps=2&webgl=f16')).toBe(true);
    expect(f16TexturesRequested('?webgl=f32')).toBe(false);
    expect(f16TexturesRequested('?webgl=F16x')).toBe(false);
    expect(f16TexturesRequested('')).toBe(false);
  });
});

describe('EngineState after a fault', () => {
  it('does not retry a failed run by itself: the notice stays and the next run goes through', async () => {
    const fake = fakeClient();
    let calls = 0;
    (fake.client as unknown as { run: () => Promise<unknown> }).run = () => (++calls === 1 ? Promise.reject(new EngineError('nan-output', 'NaN')) : Promise.resolve({ x: new Float32Array(3), shape: [1, 1, 1, 3], ms: 1 }));
    const engine = new EngineState(() => fake.client);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(await engine.run('a', job)).toEqual({ status: 'failed', code: 'nan-output' });
    expect(calls).toBe(1);
    expect((await engine.run('a', job)).status).toBe('done');
    expect(engine.faults.map((f) => f.code)).toEqual(['nan-output']);
    warn.mockRestore();
  });
});
