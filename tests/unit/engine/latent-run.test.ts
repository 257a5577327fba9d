// The latent job (latent-run.ts) on tiny models and the cpu backend: frames in order with their shapes,
// the final decode bit for bit the decode of sampleLatent's latent, an empty edit changing nothing, a
// mismatched autoencoder refused, cancels and NaN leaving no tensor behind; then the same job through the
// engine host (folders loaded by their manifests, latest wins per channel).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRng } from '../../../src/lib/math/rng';
import { countParams, flopsTable } from '../../../src/lib/models/count';
import { loadModel, MANIFEST_VERSION, type Manifest } from '../../../src/lib/models/manifest';
import { buildUNet } from '../../../src/lib/models/unet';
import { buildVae } from '../../../src/lib/models/vae';
import { loadVae, VAE_MANIFEST_VERSION, type VaeManifest } from '../../../src/lib/models/vae-manifest';
import { encodeWeights } from '../../../src/lib/models/weights';
import { emptyBrush } from '../../../src/lib/pipelines/defects';
import { latentModelFrom, previewLatent, sampleLatent, unscaleLatent } from '../../../src/lib/pipelines/latent';
import { poisonedModel } from '../../../src/lib/engine/faults';
import type { LatentEditSpec, LatentFrame, LatentJob } from '../../../src/lib/engine/latent-job';
import { runLatentJob, type LatentModels } from '../../../src/lib/engine/latent-run';
import { EngineError, type EngineResponse } from '../../../src/lib/engine/protocol';
import { createEngineHost } from '../../../src/lib/engine/worker';
import tiny from '../../../train/configs/tiny';

const C = 4; // latent channels
const SIDE = 4; // latent side: decoded to 4·16 = 64²
const vae = buildVae({ imageChannels: 3, latentChannels: C, channels: [4, 4, 4, 8, 8], encoderBlocks: [0, 1, 1, 1, 1], decoderBlocks: [1, 1, 1, 1, 1] });
const unet = buildUNet({ ...tiny.model, imageChannels: C, outChannels: C });
const rng = makeRng(9);
const preview = { weights: Array.from({ length: C }, () => [rng.normal(), rng.normal(), rng.normal()].map((v) => 0.3 * v)), bias: [0.1, -0.2, 0.05] };
const BASE = 'https://course.test/models/';
const files: Record<string, string | Uint8Array> = {};

/** latent.* fields of a latent model trained on the encoder `sha`. */
const latentDetails = (sha: string) => ({ schedule: 'cosine', T: 1000, resolution: SIDE, prediction: 'v', latent: { mean: [0.2, -0.4, 0.3, 0], std: [0.9, 0.6, 1.5, 1.1], encoderSha256: sha, preview } });

let vaeManifest: VaeManifest;
let models: LatentModels;

async function vaeFolder(): Promise<void> {
  const enc = await encodeWeights(vae.init(makeRng(1)), vae.specs);
  vaeManifest = {
    formatVersion: VAE_MANIFEST_VERSION, name: 'vae', architecture: 'vae', config: vae.config, weightsFile: 'weights.bin', weights: enc.specs,
    weightsSha256: enc.sha256, paramCount: { encoder: 1, decoder: 1 }, flops: [], data: { description: 'unit test' },
    phases: { phase1Steps: 0, phase2Steps: 0, discWarmup: 0 }, steps: 0, wallTimeSeconds: 0, machine: 'vitest', lossCurves: {}, evaluation: {}, commit: 'abc', createdAt: new Date(0).toISOString(),
  };
  files['vae/manifest.json'] = JSON.stringify(vaeManifest);
  files['vae/weights.bin'] = enc.bin;
}

function latentValues(): Map<string, Float32Array> {
  const values = unet.init(makeRng(5));
  const out = values.get('out.conv.w') as Float32Array; // init zeroes it; a random one makes the outputs differ
  const r = makeRng(2);
  for (let i = 0; i < out.length; i++) out[i] = 0.1 * r.normal();
  return values;
}

async function latentFolder(name: string, sha: string): Promise<Manifest> {
  const enc = await encodeWeights(latentValues(), unet.specs);
  const manifest: Manifest = {
    formatVersion: MANIFEST_VERSION, name, architecture: 'unet', config: unet.config, weightsFile: 'weights.bin', weights: enc.specs, weightsSha256: enc.sha256,
    paramCount: countParams(unet.config), flops: flopsTable(unet.config, [[SIDE, SIDE]]), data: { description: 'unit test', details: latentDetails(sha) },
    steps: 0, wallTimeSeconds: 0, machine: 'vitest', lossCurve: [], evaluation: {}, commit: 'abc', createdAt: new Date(0).toISOString(),
  };
  files[`${name}/manifest.json`] = JSON.stringify(manifest);
  files[`${name}/weights.bin`] = enc.bin;
  return manifest;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  await vaeFolder();
  const manifest = await latentFolder('latent-tiny', vaeManifest.weightsSha256);
  await latentFolder('latent-other', 'ab'.repeat(32));
  // The models from the stored (float16) files, as the engine loads them, so its results can be compared bit for bit.
  const u = await loadModel(manifest, files['latent-tiny/weights.bin'] as Uint8Array);
  const v = await loadVae(vaeManifest, files['vae/weights.bin'] as Uint8Array);
  models = { latent: latentModelFrom(manifest, u.unet, u.weights), ae: { manifest: vaeManifest, vae: v.vae, weights: v.weights, phase1: null } };
});
afterAll(() => tf.dispose([...Object.values(models.latent.weights), ...Object.values(models.ae.weights)]));

const job = (over: Partial<LatentJob> = {}): LatentJob => ({
  kind: 'latent', model: 'latent-tiny', vae: 'vae', classIndex: 1, guidance: 2, seed: 3, steps: 4, sampler: 'ddim', eta: 0, edits: [], decodeAt: [], previewEvery: 0, ...over,
});
const run = (j: LatentJob, emit: (f: LatentFrame) => void = () => undefined, m: LatentModels = models, signal = new AbortController().signal) =>
  runLatentJob(m, j, signal, emit, () => performance.now());

/** The reference: sampleLatent's latent for the same options, decoded by the final decoder and clipped, computed here. */
async function reference(edits: LatentJob['edits'] = []) {
  const z = await sampleLatent(models.latent, { classIndex: 1, guidance: 2, batch: 1, sampler: 'ddim', steps: 4, eta: 0, seed: 3, edits: edits as never });
  const img = tf.tidy(() => tf.clipByValue(vae.decode(models.ae.weights, unscaleLatent(z as tf.Tensor4D, models.latent)), -1, 1));
  const out = { latent: z.dataSync().slice() as Float32Array, image: img.dataSync().slice() as Float32Array };
  tf.dispose([z, img]);
  return out;
}

const blob: LatentEditSpec = { at: 2, space: 'latent', channel: null, effect: { kind: 'set', value: 3 }, mask: { kind: 'disc', cx: 0.5, cy: 0.5, r: 0.3 } };

describe('the latent job', () => {
  it('streams the asked steps in order with their shapes, decodes x̂₀ only where asked, and ends with the latent, its preview and the 64² decode', async () => {
    const frames: LatentFrame[] = [];
    const before = tf.memory().numTensors;
    const out = await run(job({ previewEvery: 2, decodeAt: [1] }), (f) => frames.push(f));
    expect(tf.memory().numTensors).toBe(before);
    expect(frames.map((f) => f.i)).toEqual([0, 1, 2, 3]); // every 2nd, the decoded one, and the last
    for (const f of frames) {
      expect([f.side, f.channels, f.size, f.steps]).toEqual([SIDE, C, 64, 4]);
      expect(f.xt).toHaveLength(SIDE * SIDE * C);
      expect(f.x0).toHaveLength(SIDE * SIDE * C);
      expect(f.xtPreview).toHaveLength(SIDE * SIDE * 3);
      expect(Array.from(f.x0Preview)).toEqual(Array.from(previewLatent(f.x0, models.latent)));
      expect(f.ms).toBeGreaterThanOrEqual(0);
      expect(f.decoded === undefined).toBe(f.i !== 1);
    }
    expect(frames[1].decoded).toHaveLength(64 * 64 * 3);
    expect(frames[1].decodeMs).toBeGreaterThan(0);
    expect(frames[0].t).toBeGreaterThan(frames[1].t); // t runs down
    expect(out.latent).toHaveLength(SIDE * SIDE * C);
    expect(Array.from(out.preview)).toEqual(Array.from(previewLatent(out.latent, models.latent)));
    expect(out.image).toHaveLength(64 * 64 * 3);
    expect(Math.max(...out.image.map(Math.abs))).toBeLessThanOrEqual(1);
    expect(out.ms.steps).toBeGreaterThan(0);
    expect(out.ms.decode).toBeGreaterThan(0);
  });

  it('the final latent and its decode are bit for bit sampleLatent’s latent decoded, with frames and decodes on or off, with an edit or without', async () => {
    const plain = await reference();
    const a = await run(job());
    const b = await run(job({ previewEvery: 1, decodeAt: [0, 2] }));
    for (const o of [a, b]) {
      expect(Array.from(o.latent)).toEqual(Array.from(plain.latent));
      expect(Array.from(o.image)).toEqual(Array.from(plain.image));
    }
    const edited = await reference([blob]);
    const c = await run(job({ edits: [blob] }));
    expect(Array.from(c.image)).toEqual(Array.from(edited.image));
    expect(Array.from(c.image)).not.toEqual(Array.from(plain.image)); // the edit did something, so the equalities above say something
  });

  it('an empty edits list and an edit with an empty brush give the same result bit for bit', async () => {
    const none = await run(job());
    const empty: LatentEditSpec = { ...blob, mask: emptyBrush(SIDE) };
    const painted: LatentEditSpec = { at: 1, space: 'preview', defect: { preset: 'blob', mask: emptyBrush(SIDE) } };
    for (const edits of [[empty], [painted], [empty, painted]]) {
      const r = await run(job({ edits }));
      expect(Array.from(r.latent)).toEqual(Array.from(none.latent));
      expect(Array.from(r.image)).toEqual(Array.from(none.image));
    }
    const preset = await run(job({ edits: [{ at: 1, space: 'preview', defect: { preset: 'blob' } }] }));
    expect(Array.from(preset.latent)).not.toEqual(Array.from(none.latent));
  });

  it('refuses an autoencoder whose encoder is not the one the latent model learned from; accepts the encoder-only hash', async () => {
    const other = { ...models.latent, encoderSha256: 'cd'.repeat(32) };
    const err = await run(job(), undefined, { ...models, latent: other }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('model-corrupt');
    expect((err as EngineError).detail).toMatch(/"latent-tiny" was trained on the latents of encoder cdcdcdcdcdcd.*"vae"/);
    // Phase 2 re-exports change weightsSha256 but not the encoder: its own hash still matches.
    const later = { ...models.ae, manifest: { ...vaeManifest, weightsSha256: 'ef'.repeat(32), encoderSha256: 'cd'.repeat(32) } };
    await expect(run(job(), undefined, { latent: other, ae: later })).resolves.toBeDefined();
  });

  it('a cancel mid-run, a NaN and a bad channel leave numTensors where it was', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const cancelled = run(job({ previewEvery: 1, decodeAt: [1] }), (f) => f.i === 1 && controller.abort(new EngineError('cancelled', 'superseded')), models, controller.signal);
    await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' });
    expect(tf.memory().numTensors).toBe(before);
    const poisoned = { ...models, latent: poisonedModel(tf, models.latent) };
    await expect(run(job(), undefined, poisoned)).rejects.toMatchObject({ code: 'nan-output' });
    expect(tf.memory().numTensors).toBe(before);
    const bad: LatentEditSpec = { ...blob, channel: C };
    await expect(run(job({ edits: [bad] }))).rejects.toMatchObject({ code: 'backend-failed', detail: expect.stringMatching(/bad job: channel 4/) });
    expect(tf.memory().numTensors).toBe(before);
  });
});

const fetcher = (async (input: RequestInfo | URL) => {
  const body = files[String(input).slice(BASE.length)];
  return body === undefined ? new Response('', { status: 404 }) : new Response(body as BodyInit);
}) as typeof fetch;

describe('the latent job in the engine host', () => {
  it('loads the latent model by its manifest, streams latent-progress in order, delivers latent-result; latest wins; a wrong pair, a wrong role, a NaN and a cancel are answered with codes; tensors flat', async () => {
    const messages: EngineResponse[] = [];
    const host = createEngineHost({ postMessage: (m) => messages.push(m) }, { tf, fetch: fetcher, caches: null, contextLost: () => false, activate: async () => void (await tf.setBackend('cpu')) });
    const of = <T extends EngineResponse['type']>(type: T) => messages.filter((m): m is Extract<EngineResponse, { type: T }> => m.type === type);
    for (const [id, name] of ['latent-tiny', 'vae', 'latent-other'].entries()) await host.handle({ type: 'load', id: id + 1, model: name, url: `${BASE}${name}/` });
    await host.idle();
    expect(of('loaded').map((m) => m.role)).toEqual(['latent', 'vae', 'latent']);
    const before = tf.memory().numTensors;
    await host.handle({ type: 'run', id: 10, channel: 'l5', job: job({ previewEvery: 1 }) });
    await host.handle({ type: 'run', id: 11, channel: 'l5', job: job({ previewEvery: 2, decodeAt: [2] }) });
    await host.idle();
    expect(of('error').find((e) => e.id === 10)?.code).toBe('cancelled');
    expect(of('latent-result').map((m) => m.id)).toEqual([11]);
    const frames = of('latent-progress').filter((m) => m.id === 11).map((m) => m.frame);
    expect(frames.map((f) => f.i)).toEqual([0, 2, 3]);
    expect(frames.find((f) => f.i === 2)?.decoded).toHaveLength(64 * 64 * 3);
    const result = of('latent-result')[0];
    expect(Array.from(result.outcome.image)).toEqual(Array.from((await reference()).image));
    expect(result.ms).toBeGreaterThanOrEqual(result.outcome.ms.steps);
    // Peak tensor memory (memory-peak.ts): the steps held at least x_t, the decode at least its 64² image, float32.
    expect(result.outcome.peakBytes?.steps).toBeGreaterThanOrEqual(4 * 4 * 4 * 4);
    expect(result.outcome.peakBytes?.decode).toBeGreaterThanOrEqual(64 * 64 * 3 * 4);
    expect(tf.memory().numTensors).toBe(before);

    await host.handle({ type: 'run', id: 12, channel: 'l5', job: job({ model: 'latent-other' }) });
    await host.handle({ type: 'run', id: 13, channel: 'l5b', job: { kind: 'sample', model: 'latent-tiny', sampler: 'ddim', steps: 2, eta: 0, seed: 1, classIndex: 0, guidance: 1, batch: 1, tapEvery: 0 } });
    await host.handle({ type: 'run', id: 14, channel: 'l5c', job: job({ vae: 'latent-tiny' }) });
    await host.handle({ type: 'run', id: 15, channel: 'l5d', job: job({ decodeAt: [4] }) });
    await host.idle();
    const error = (id: number) => of('error').find((e) => e.id === id);
    expect(error(12)).toMatchObject({ code: 'model-corrupt', detail: expect.stringMatching(/encoder abababababab/) });
    expect(error(13)?.detail).toMatch(/"latent-tiny" is a latent model, not a base model/);
    expect(error(14)?.detail).toMatch(/"latent-tiny" is a latent model, not an autoencoder/);
    expect(error(15)?.detail).toMatch(/bad job: decodeAt must list step indices in \[0, 3\]/);
    expect(tf.memory().numTensors).toBe(before);

    // A forced NaN aimed at the lesson's channel fails its next job; a cancel stops a run in flight; neither leaks.
    await host.handle({ type: 'fault', id: 20, kind: 'nan', channel: 'l5' });
    await host.handle({ type: 'run', id: 21, channel: 'l5', job: job() });
    await host.idle();
    expect(error(21)?.code).toBe('nan-output');
    await host.handle({ type: 'run', id: 22, channel: 'l5', job: job({ previewEvery: 1 }) });
    await host.handle({ type: 'cancel', channel: 'l5' });
    await host.idle();
    expect(error(22)?.code).toBe('cancelled');
    expect(of('latent-progress').filter((m) => m.id === 22)).toEqual([]);
    expect(of('latent-result').map((m) => m.id)).toEqual([11]);
    expect(tf.memory().numTensors).toBe(before);
    host.dispose();
  });
});
