// The latent pipeline: the manifest's latent fields, the preview's pseudo-inverse, edits in the latent and on
// the preview, sampling with edits (an empty edit changes nothing, bit for bit; tensors accounted for), and
// a walk's blended start (its ends are the two seeds' own runs).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../../src/lib/models/manifest';
import { makeRng } from '../../../src/lib/math/rng';
import { buildUNet } from '../../../src/lib/models/unet';
import { weightsToTensors } from '../../../src/lib/models/weights';
import { PipelineError } from '../../../src/lib/pipelines/base';
import { emptyBrush } from '../../../src/lib/pipelines/defects';
import { applyLatentEdit, latentModelFrom, previewLatent, sampleLatent, unscaleLatent, type LatentEdit, type LatentModel, type LatentStart } from '../../../src/lib/pipelines/latent';
import { previewPseudoInverse } from '../../../src/lib/pipelines/latent-preview';
import tiny from '../../../train/configs/tiny';

const C = 4;
const unet = buildUNet({ ...tiny.model, imageChannels: C, outChannels: C });
const rng = makeRng(9);
const preview = { weights: Array.from({ length: C }, () => [rng.normal(), rng.normal(), rng.normal()].map((v) => 0.3 * v)), bias: [0.1, -0.2, 0.05] };
const latent = { mean: [0.2, -0.4, 0.3, 0], std: [0.9, 0.6, 1.5, 1.1], encoderSha256: 'ab'.repeat(32), preview };
const details = { schedule: 'cosine', T: 1000, resolution: tiny.resolution, prediction: 'v', latent };
const manifest = (d: Record<string, unknown>) => ({ name: 'latent-tiny', data: { description: '', details: d } }) as unknown as Manifest;
const side = tiny.resolution;
let model: LatentModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const values = unet.init(makeRng(5));
  const out = values.get('out.conv.w') as Float32Array; // init zeroes it; a random one makes outputs differ
  for (let i = 0; i < out.length; i++) out[i] = 0.1 * rng.normal();
  model = latentModelFrom(manifest(details), unet, weightsToTensors(values, unet.specs));
});
afterAll(() => tf.dispose(Object.values(model.weights)));

const randomLatent = (seed: number) => {
  const r = makeRng(seed);
  return Float32Array.from({ length: side * side * C }, () => r.normal());
};

describe('latent model from its manifest', () => {
  it('reads the statistics, the encoder and the preview map, and refuses a bad field by name', () => {
    expect(model.channels).toBe(C);
    expect(model.std).toEqual(latent.std);
    expect(() => latentModelFrom(manifest({ ...details, latent: { ...latent, std: [1, 1, 0, 1] } }), unet, model.weights)).toThrow(/latent\.std/);
    expect(() => latentModelFrom(manifest({ ...details, latent: { ...latent, preview: { weights: [[1, 2, 3]], bias: [0, 0, 0] } } }), unet, model.weights)).toThrow(/latent\.preview/);
    expect(() => latentModelFrom(manifest({ ...details, latent: undefined }), unet, model.weights)).toThrow(PipelineError);
  });

  it('unscales channel by channel: z = z′·std + mean', () => {
    const z = tf.tensor4d(randomLatent(1), [1, side, side, C]);
    const u = unscaleLatent(z, model);
    const a = z.dataSync();
    const b = u.dataSync();
    for (let i = 0; i < 50; i++) expect(b[i]).toBeCloseTo(a[i] * latent.std[i % C] + latent.mean[i % C], 5);
    tf.dispose([z, u]);
  });
});

describe('edits', () => {
  it('the pseudo-inverse undoes the map (P·W = I) and lies in its column space ((WᵀW)·P = Wᵀ)', () => {
    const P = previewPseudoInverse(preview);
    const W = preview.weights;
    for (let r = 0; r < 3; r++) for (let k = 0; k < 3; k++) expect(W.reduce((s, row, j) => s + P[r][j] * row[k], 0)).toBeCloseTo(r === k ? 1 : 0, 9);
    const A = [0, 1, 2].map((r) => [0, 1, 2].map((k) => W.reduce((s, row) => s + row[r] * row[k], 0)));
    for (let r = 0; r < 3; r++) for (let j = 0; j < C; j++) expect(A[r].reduce((s, v, k) => s + v * P[k][j], 0)).toBeCloseTo(W[j][r], 9);
    expect(() => previewPseudoInverse({ weights: [[1, 0, 0], [2, 0, 0]], bias: [0, 0, 0] })).toThrow(/singular/);
  });

  it('a defect painted on the preview changes the preview by exactly that defect', () => {
    const z = randomLatent(2).map((v) => 0.3 * v);
    const edit: LatentEdit = { at: 0, space: 'preview', defect: { effect: { kind: 'paint', color: [0.8, -0.5, 0.2] }, mask: { kind: 'disc', cx: 0.5, cy: 0.5, r: 0.25 } } };
    const after = previewLatent(applyLatentEdit(z, side, model, edit), model, false);
    const before = previewLatent(z, model, false);
    let inside = 0;
    for (let cell = 0; cell < side * side; cell++) {
      const x = ((cell % side) + 0.5) / side - 0.5;
      const y = (Math.floor(cell / side) + 0.5) / side - 0.5;
      const isIn = x * x + y * y <= 0.25 ** 2;
      inside += isIn ? 1 : 0;
      for (let k = 0; k < 3; k++) expect(after[cell * 3 + k]).toBeCloseTo(isIn ? [0.8, -0.5, 0.2][k] : before[cell * 3 + k], 4);
    }
    expect(inside).toBeGreaterThan(10);
  });

  it('a latent effect touches only its channel under its mask; an empty brush touches nothing', () => {
    const z = randomLatent(3);
    const out = applyLatentEdit(z, side, model, { at: 0, space: 'latent', channel: 2, effect: { kind: 'shift', delta: 1.5 }, mask: { kind: 'rect', x: 0, y: 0, w: 0.5, h: 1 } });
    for (let k = 0; k < z.length; k++) {
      const cell = Math.floor(k / C);
      const hit = k % C === 2 && (cell % side) < side / 2;
      expect(out[k]).toBeCloseTo(z[k] + (hit ? 1.5 : 0), 6);
    }
    const none = applyLatentEdit(z, side, model, { at: 0, space: 'latent', channel: null, effect: { kind: 'noise', sigma: 2, seed: 1 }, mask: emptyBrush(side) });
    expect(Array.from(none)).toEqual(Array.from(z));
    expect(() => applyLatentEdit(z, side, model, { at: 0, space: 'latent', channel: C, effect: { kind: 'set', value: 0 }, mask: { kind: 'all' } })).toThrow(/channel/);
  });
});

describe('sampling with edits', () => {
  const run = async (edits?: LatentEdit[]) => {
    const x = await sampleLatent(model, { classIndex: 1, guidance: 2, batch: 1, sampler: 'ddim', steps: 4, eta: 0, seed: 3, edits });
    const v = x.dataSync().slice() as Float32Array;
    x.dispose();
    return v;
  };

  it('an empty edit changes nothing bit for bit; a mid-run edit changes the result; the last step’s edit is the edit of the result', async () => {
    const before = tf.memory().numTensors;
    const plain = await run();
    expect(Array.from(await run([]))).toEqual(Array.from(plain));
    const empty: LatentEdit = { at: 1, space: 'latent', channel: null, effect: { kind: 'set', value: 3 }, mask: emptyBrush(side) };
    expect(Array.from(await run([empty]))).toEqual(Array.from(plain));
    const blob: LatentEdit = { at: 1, space: 'latent', channel: null, effect: { kind: 'set', value: 3 }, mask: { kind: 'disc', cx: 0.5, cy: 0.5, r: 0.3 } };
    expect(Array.from(await run([blob]))).not.toEqual(Array.from(plain));
    const late = await run([{ ...blob, at: 3 }]);
    const expected = applyLatentEdit(plain, side, model, blob);
    for (let i = 0; i < late.length; i++) expect(late[i]).toBeCloseTo(expected[i], 5);
    expect(tf.memory().numTensors).toBe(before);
    await expect(run([{ ...blob, at: 4 }])).rejects.toThrow(/outside/);
  });

  it('an image edit moves the next step’s input by √ᾱ times the edit of the step’s x̂₀; after the last step it is the plain edit', async () => {
    const before = tf.memory().numTensors;
    const taps = async (edits: LatentEdit[]) => {
      const seen: { xt: Float32Array; x0: Float32Array; tPrev: number }[] = [];
      const x = await sampleLatent(model, { classIndex: 1, guidance: 1, batch: 1, sampler: 'ddim', steps: 4, eta: 0, seed: 3, edits, onStep: (tap) => void seen.push({ xt: tap.xt.dataSync().slice() as Float32Array, x0: tap.x0.dataSync().slice() as Float32Array, tPrev: tap.tPrev }) });
      const out = x.dataSync().slice() as Float32Array;
      x.dispose();
      return { seen, out };
    };
    const blob: LatentEdit = { at: 1, space: 'preview', defect: { effect: { kind: 'paint', color: [0.9, -0.7, -0.6] }, mask: { kind: 'disc', cx: 0.5, cy: 0.5, r: 0.3 } }, onImage: true };
    const plain = await taps([]);
    const edited = await taps([blob]);
    const alpha = Math.sqrt(model.schedule.alphaBar[plain.seen[1].tPrev]);
    expect(alpha).toBeLessThan(0.99);
    const change = applyLatentEdit(plain.seen[1].x0, side, model, blob);
    for (let i = 0; i < 200; i++) expect(edited.seen[2].xt[i] - plain.seen[2].xt[i]).toBeCloseTo(alpha * (change[i] - plain.seen[1].x0[i]), 4);
    const last = await taps([{ ...blob, at: 3 }]);
    const lastPlain = await taps([{ ...blob, at: 3, onImage: false }]);
    for (let i = 0; i < last.out.length; i += 7) expect(last.out[i]).toBeCloseTo(lastPlain.out[i], 4);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a walk’s start: u = 0 is the plain run of the seed bit for bit (DDPM too), u = 1 is seedB’s DDIM run; slerp and lerp differ in between; tensors flat', async () => {
    const before = tf.memory().numTensors;
    const walk = async (seed: number, sampler: 'ddim' | 'ddpm', start?: LatentStart) => {
      const x = await sampleLatent(model, { classIndex: 1, guidance: 1, batch: 1, sampler, steps: 3, eta: 0, seed, start });
      const v = Array.from(x.dataSync());
      x.dispose();
      return v;
    };
    for (const sampler of ['ddim', 'ddpm'] as const) expect(await walk(3, sampler, { seedB: 4, u: 0, blend: 'slerp' })).toEqual(await walk(3, sampler));
    expect(await walk(3, 'ddim', { seedB: 4, u: 1, blend: 'lerp' })).toEqual(await walk(4, 'ddim'));
    const half = await walk(3, 'ddim', { seedB: 4, u: 0.5, blend: 'slerp' });
    expect(half).not.toEqual(await walk(3, 'ddim', { seedB: 4, u: 0.5, blend: 'lerp' }));
    expect(half).not.toEqual(await walk(3, 'ddim'));
    expect(() => sampleLatent(model, { classIndex: 99, guidance: 1, batch: 1, sampler: 'ddim', steps: 3, eta: 0, seed: 3, start: { seedB: 4, u: 0.5, blend: 'slerp' } })).toThrow(/class 99/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
