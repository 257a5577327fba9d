// The autoencoder in the engine host (cpu kernels standing in for the backends): its folder loads by
// its manifest's architecture, a job encodes a scene and decodes it with each decoder, a latent decodes
// alone, a bad request gets a coded error, a forced NaN is caught, and no job leaves a tensor behind.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRng } from '../../../src/lib/math/rng';
import { buildVae } from '../../../src/lib/models/vae';
import { PHASE1_PREFIX, VAE_MANIFEST_VERSION, type VaeManifest } from '../../../src/lib/models/vae-manifest';
import { encodeWeights } from '../../../src/lib/models/weights';
import { createEngineHost } from '../../../src/lib/engine/worker';
import { vaeJobProblem, type VaeJob } from '../../../src/lib/engine/vae-job';
import type { EngineResponse } from '../../../src/lib/engine/protocol';

const vae = buildVae({ imageChannels: 3, latentChannels: 4, channels: [4, 4, 4, 8, 8], encoderBlocks: [0, 1, 1, 1, 1], decoderBlocks: [1, 1, 1, 1, 1] });
const BASE = 'https://course.test/models/';
const files: Record<string, string | Uint8Array> = {};

/** A model folder: encoder + final decoder, and with `phase1` a second decoder (other random weights). */
async function folder(name: string, phase1: boolean): Promise<void> {
  const values = vae.init(makeRng(1));
  const specs = [...vae.specs];
  if (phase1) {
    for (const [k, v] of vae.init(makeRng(2))) if (k.startsWith('dec.')) values.set(PHASE1_PREFIX + k, v);
    specs.push(...vae.decoderSpecs.map((s) => ({ ...s, name: PHASE1_PREFIX + s.name })));
  }
  const enc = await encodeWeights(values, specs, { int8From: 256 });
  const n = vae.specs.length;
  const manifest: VaeManifest = {
    formatVersion: VAE_MANIFEST_VERSION, name, architecture: 'vae', config: vae.config, weightsFile: 'weights.bin',
    weights: enc.specs.slice(0, n), ...(phase1 ? { phase1Weights: enc.specs.slice(n).map((s) => ({ ...s, name: s.name.slice(PHASE1_PREFIX.length) })) } : {}),
    weightsSha256: enc.sha256, paramCount: { encoder: 1, decoder: 1 }, flops: [], data: { description: 'unit test' },
    phases: { phase1Steps: 0, phase2Steps: 0, discWarmup: 0 }, steps: 0, wallTimeSeconds: 0, machine: 'vitest', lossCurves: {}, evaluation: {}, commit: 'abc', createdAt: new Date(0).toISOString(),
  };
  files[`${name}/manifest.json`] = JSON.stringify(manifest);
  files[`${name}/weights.bin`] = enc.bin;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  await folder('vae', true);
  await folder('vae-early', false);
});

const fetcher = (async (input: RequestInfo | URL) => {
  const body = files[String(input).slice(BASE.length)];
  return body === undefined ? new Response('', { status: 404 }) : new Response(body as BodyInit);
}) as typeof fetch;

function setup() {
  const messages: EngineResponse[] = [];
  const host = createEngineHost(
    { postMessage: (m) => messages.push(m) },
    { tf, fetch: fetcher, caches: null, contextLost: () => false, activate: async () => void (await tf.setBackend('cpu')) },
  );
  const of = <T extends EngineResponse['type']>(type: T) => messages.filter((m): m is Extract<EngineResponse, { type: T }> => m.type === type);
  return { host, of };
}

const sceneJob = (over: Partial<VaeJob> = {}): VaeJob => ({ kind: 'vae', model: 'vae', source: { type: 'scene', sceneKind: 2, seed: 5, size: 64 }, decoders: ['final', 'phase1'], sendImage: true, ...over });

describe('autoencoder jobs in the engine host', () => {
  it('loads as role "vae", encodes a scene to a 4×4×c latent and decodes it with both decoders, tensors flat', async () => {
    const { host, of } = setup();
    await host.handle({ type: 'init', candidates: ['wasm'], override: null });
    await host.handle({ type: 'load', id: 1, model: 'vae', url: `${BASE}vae/` });
    await host.idle();
    expect(of('loaded')[0]).toMatchObject({ id: 1, role: 'vae' });
    expect(of('ready').at(-1)?.msPerRun).toBeGreaterThan(0); // measured on a decode
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) await host.handle({ type: 'run', id: 2 + i, channel: 'ae', job: sceneJob() });
    await host.idle();
    expect(tf.memory().numTensors).toBe(before);
    const r = of('vae-result').at(-1)!.outcome;
    expect(r.image).toHaveLength(64 * 64 * 3);
    expect(r.latent).toHaveLength(4 * 4 * 4);
    expect(r.side).toBe(4);
    expect(r.decoded.final).toHaveLength(64 * 64 * 3);
    expect(Math.max(...r.decoded.final!.map(Math.abs))).toBeLessThanOrEqual(1);
    // The two decoders have different weights: their images differ.
    expect(r.decoded.final!.some((v, i) => v !== r.decoded.phase1![i])).toBe(true);
    expect(r.ms.encode).toBeGreaterThan(0);

    // A latent decodes alone; the same latent gives the same image as the job that encoded it.
    await host.handle({ type: 'run', id: 9, channel: 'ae', job: { kind: 'vae', model: 'vae', source: { type: 'latent', latent: r.latent!.slice(), side: 4 }, decoders: ['final'], sendImage: false } });
    await host.idle();
    const again = of('vae-result').at(-1)!.outcome;
    expect(again.latent).toBeUndefined();
    expect(Array.from(again.decoded.final!)).toEqual(Array.from(r.decoded.final!));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('answers a phase-1 request to a model without one, a malformed job and a forced NaN with coded errors', async () => {
    const { host, of } = setup();
    await host.handle({ type: 'load', id: 1, model: 'vae-early', url: `${BASE}vae-early/` });
    await host.idle();
    const before = tf.memory().numTensors;
    await host.handle({ type: 'run', id: 2, channel: 'ae', job: sceneJob({ model: 'vae-early' }) });
    await host.handle({ type: 'run', id: 3, channel: 'x', job: sceneJob({ model: 'vae-early', source: { type: 'scene', sceneKind: 0, seed: 1, size: 50 } }) });
    await host.handle({ type: 'fault', id: 4, kind: 'nan' });
    await host.handle({ type: 'run', id: 5, channel: 'y', job: sceneJob({ model: 'vae-early', decoders: ['final'] }) });
    await host.idle();
    const errors = of('error');
    expect(errors.find((e) => e.id === 2)).toMatchObject({ code: 'model-missing' });
    expect(errors.find((e) => e.id === 3)?.detail).toMatch(/multiple of 16/);
    expect(errors.find((e) => e.id === 5)).toMatchObject({ code: 'nan-output' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('vaeJobProblem checks sizes, decoders and latents before any work', () => {
    expect(vaeJobProblem(sceneJob() as unknown as Record<string, unknown>)).toBeNull();
    expect(vaeJobProblem({ ...sceneJob(), decoders: ['best'] })).toMatch(/decoders/);
    expect(vaeJobProblem({ ...sceneJob(), source: { type: 'pixels', pixels: new Float32Array(10), size: 16 } })).toMatch(/size²·3/);
    expect(vaeJobProblem({ ...sceneJob(), source: { type: 'latent', latent: new Float32Array([Number.NaN]), side: 1 } })).toMatch(/not finite/);
    expect(vaeJobProblem({ ...sceneJob(), source: { type: 'scene', sceneKind: 0, seed: 1, size: 2048 } })).toMatch(/up to 1024/);
  });
});
