import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadVae, parseVaeManifest, phase1DecoderWeights } from '../../src/lib/models/vae-manifest';
import { readCheckpoint } from '../../train/checkpoint';
import { renderScene, sampleScene } from '../../src/lib/data';
import { adaptiveWeight, adaptiveWeightOf, gradientL1, hingeDiscLoss } from '../../train/vae/vae-losses';
import { exportVae, VAE_MAX_BYTES } from '../../train/vae/vae-export';
import { trainVae } from '../../train/vae/vae-loop';
import { overrideVaeConfig, type VaeTrainConfig } from '../../train/vae/vae-train-config';
import { tempDir, wasmBackend } from './harness';
import { tinyVaeConfig } from './vae-harness';

/** The shipped recipe on a narrow net and small crops: 6 steps of phase 1, then 2 of D alone and 2 adversarial. */
const tinyVae = (): VaeTrainConfig => tinyVaeConfig({ batch: 2, phase1Steps: 6, phase2Steps: 4, discWarmup: 2, warmup: 2, disc: { channels: 8, layers: 3, groups: 4 } });

describe('autoencoder losses', () => {
  it('the adaptive weight is the ratio of the two gradient norms at the last layer, times discWeight', async () => {
    await wasmBackend();
    // Last layer y = h·W with h [3, 2], W [2, 1]. rec = mean |y − x|, adv = −mean y. By hand:
    // ∂rec/∂W = hᵀ·sign(y − x)/3, ∂adv/∂W = −hᵀ·1/3.
    const h = [[1, 2], [3, -1], [0.5, 0.5]];
    const x = [10, -10, 0];
    const W = [0.3, -0.2];
    const y = h.map(([a, b]) => a * W[0] + b * W[1]);
    const sign = y.map((v, i) => Math.sign(v - x[i]));
    const gRec = [0, 1].map((j) => h.reduce((s, r, i) => s + r[j] * sign[i], 0) / 3);
    const gAdv = [0, 1].map((j) => -h.reduce((s, r) => s + r[j], 0) / 3);
    const norm = (g: number[]) => Math.hypot(...g);
    const expected = (0.5 * norm(gRec)) / (norm(gAdv) + 1e-4);
    const ht = tf.tensor2d(h);
    const xt = tf.tensor2d(x, [3, 1]);
    const wt = tf.tensor2d(W, [2, 1]);
    const r = adaptiveWeightOf(
      (w) => tf.mean(tf.abs(tf.sub(tf.matMul(ht, w), xt))) as tf.Scalar,
      (w) => tf.neg(tf.mean(tf.matMul(ht, w))) as tf.Scalar,
      wt,
      0.5,
    );
    expect(r.recNorm).toBeCloseTo(norm(gRec), 5);
    expect(r.advNorm).toBeCloseTo(norm(gAdv), 5);
    expect(r.lambda).toBeCloseTo(expected, 5);
    expect(adaptiveWeight(1, 0, 1, 1e4)).toBe(1e4); // clamped, as LDM's
    tf.dispose([ht, xt, wt]);
  });

  it('the structure term charges blur: a blurred image scores worse than itself, better than a flat one', async () => {
    await wasmBackend();
    const x = tf.tensor4d(renderScene(sampleScene(11, 'city'), 64), [1, 64, 64, 3]);
    const blurred = tf.avgPool(x, 3, 1, 'same') as tf.Tensor4D;
    const flat = tf.add(tf.zerosLike(x), tf.mean(x)) as tf.Tensor4D; // right colour, no structure
    const g = (a: tf.Tensor4D) => gradientL1(x, a, [1, 2, 4]).dataSync()[0];
    expect(g(x)).toBe(0);
    expect(g(blurred)).toBeGreaterThan(0.2 * g(flat));
    expect(g(flat)).toBeGreaterThan(g(blurred));
    tf.dispose([x, blurred, flat]);
  });

  it('the hinge loss of D is 0 when real logits ≥ 1 and fake ≤ −1, and 1 at D = 0', () => {
    const a = hingeDiscLoss(tf.tensor([1, 2]), tf.tensor([-1, -3]));
    const b = hingeDiscLoss(tf.tensor([0, 0]), tf.tensor([0, 0]));
    expect(a.dataSync()[0]).toBe(0);
    expect(b.dataSync()[0]).toBe(1);
    tf.dispose([a, b]);
  });
});

describe('autoencoder training (tiny net, wasm)', () => {
  it('runs both phases with a flat tensor count, freezes the phase-1 EMA encoder, and resumes across the phase switch exactly', async () => {
    await wasmBackend();
    const c = tinyVae();
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const straight = await trainVae({ config: c, dir: tempDir('vae-straight'), progress: null, onStep: (r, n) => counts.push(n) });
    expect(straight.step).toBe(10);
    expect(tf.memory().numTensors).toBe(before);
    // Within each stretch (phase 1; D alone; D and decoder) every step leaves the same live tensors.
    for (const [from, to] of [[1, 6], [6, 8], [8, 10]]) expect(new Set(counts.slice(from, to)).size, `steps ${from}–${to}`).toBe(1);
    const phases = straight.lossLog.map((r) => r.terms?.phase);
    expect(phases).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(straight.lossLog[7].terms?.lambda).toBeUndefined(); // warm-up: the decoder waits
    expect(straight.lossLog[8].terms?.lambda).toBeGreaterThan(0);

    const splitDir = tempDir('vae-split');
    const first = await trainVae({ config: c, dir: splitDir, until: 5, progress: null });
    const mid = await trainVae({ config: c, dir: splitDir, until: 7, resume: readCheckpoint<VaeTrainConfig>(first.checkpoint), progress: null });
    const end = await trainVae({ config: c, dir: splitDir, resume: readCheckpoint<VaeTrainConfig>(mid.checkpoint), progress: null });
    expect(end.lossLog.map((r) => r.loss)).toEqual(straight.lossLog.map((r) => r.loss));
    const a = readCheckpoint<VaeTrainConfig>(straight.checkpoint).tensors;
    const b = readCheckpoint<VaeTrainConfig>(end.checkpoint).tensors;
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [k, v] of a) expect(Array.from(b.get(k)!.data), k).toEqual(Array.from(v.data));

    // The frozen encoder is phase 1's EMA encoder: the checkpoint at step 6 holds it as ema/.
    const atSwitch = await trainVae({ config: c, dir: tempDir('vae-p1'), until: 6, progress: null });
    const p1 = readCheckpoint<VaeTrainConfig>(atSwitch.checkpoint).tensors;
    for (const [k, v] of a) if (k.startsWith('frozen/')) expect(Array.from(v.data), k).toEqual(Array.from(p1.get('ema/' + k.slice(7))!.data));
    for (const [k, v] of a) if (k.startsWith('phase1/')) expect(Array.from(v.data), k).toEqual(Array.from(p1.get('ema/' + k.slice(7))!.data));

    // Export: both decoders in one file under the budget, loaded back; decoder 2 differs from decoder 1.
    const out = await exportVae(readCheckpoint<VaeTrainConfig>(straight.checkpoint), { pretrainedDir: tempDir('vae-out'), machine: 'test' });
    const manifest = parseVaeManifest(readFileSync(join(out, 'manifest.json'), 'utf8'), 'manifest.json');
    expect(manifest.phases).toEqual({ phase1Steps: 6, phase2Steps: 4, discWarmup: 2 });
    expect(Object.keys(manifest.lossCurves).sort()).toEqual(expect.arrayContaining(['adv', 'disc', 'grad', 'kl', 'l1', 'lambda']));
    const bin = new Uint8Array(readFileSync(join(out, 'weights.bin')));
    expect(bin.byteLength).toBeLessThan(VAE_MAX_BYTES);
    const loaded = await loadVae(manifest, bin);
    const d1 = phase1DecoderWeights(loaded);
    expect(d1).not.toBeNull();
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(d1!['dec.out.w'], loaded.weights['dec.out.w']))).dataSync()[0]);
    expect(diff).toBeGreaterThan(0);
    tf.dispose(Object.values(loaded.weights));
    // The encoder's own hash names it across phase 2: an export at step 8 (decoder still warming) has the
    // same encoderSha256 as the one at step 10, while the whole file's hash differs.
    const early = await exportVae(readCheckpoint<VaeTrainConfig>(mid.checkpoint), { pretrainedDir: tempDir('vae-out7'), machine: 'test' });
    const m7 = parseVaeManifest(readFileSync(join(early, 'manifest.json'), 'utf8'), 'manifest.json');
    expect(manifest.encoderSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m7.encoderSha256).toBe(manifest.encoderSha256);
    expect(m7.weightsSha256).not.toBe(manifest.weightsSha256);
    // --phase1-only from the same phase-2 checkpoint: the frozen encoder and decoder 1 alone, phase 2 recorded as not shipped.
    const p1only = await exportVae(readCheckpoint<VaeTrainConfig>(straight.checkpoint), { pretrainedDir: tempDir('vae-p1only'), machine: 'test', phase1Only: true });
    const mp = parseVaeManifest(readFileSync(join(p1only, 'manifest.json'), 'utf8'), 'manifest.json');
    expect(mp.phase1Weights).toBeUndefined();
    expect(mp.phases).toEqual({ phase1Steps: 6, phase2Steps: 0, discWarmup: 0 });
    expect(mp.encoderSha256).toBe(manifest.encoderSha256);
    const notShipped = (mp.data.details as { phase2NotShipped?: { stepsRun: number; discWarmup: number } }).phase2NotShipped;
    expect(notShipped?.stepsRun).toBe(4);
    expect(notShipped?.discWarmup).toBe(2); // tinyVae's discWarmup: the loss curves shade it
    const onlyP1 = await loadVae(mp, new Uint8Array(readFileSync(join(p1only, 'weights.bin'))));
    const both = await loadVae(manifest, bin);
    const d1again = phase1DecoderWeights(both)!;
    for (const name of ['dec.out.w', 'dec.in.w']) expect(Array.from(onlyP1.weights[name].dataSync()), name).toEqual(Array.from(d1again[name].dataSync()));
    tf.dispose([...Object.values(onlyP1.weights), ...Object.values(both.weights)]);
  });

  it('a resumed run may change the phase lengths, not the recipe', () => {
    const c = tinyVae();
    expect(overrideVaeConfig(c, { phase2Steps: '9' }, true).phase2Steps).toBe(9);
    expect(() => overrideVaeConfig(c, { lr: '1' }, true)).toThrow(/lr/);
    expect(() => overrideVaeConfig(c, { crop: '50' })).toThrow(/multiple of f = 16/);
  });
});

describe('autoencoder eval crops', () => {
  it('lays out one tile per column and row, each the truth\'s busiest window', async () => {
    const { vaeCropsPng } = await import('../../train/vae/vae-crops');
    const { PNG } = await import('pngjs');
    const img = (v: number) => new Float32Array(64 * 64 * 3).fill(v);
    const out = vaeCropsPng([{ label: 'city', images: [img(0.5), img(-0.5), img(0)] }], ['truth', 'bicubic', 'decoder'], 64, 16, 2);
    const png = PNG.sync.read(out.png);
    expect(png.height).toBeGreaterThanOrEqual(32);
    expect(png.width).toBeGreaterThanOrEqual(3 * 32);
    expect(out.legend).toMatch(/columns: truth, bicubic, decoder/);
  });
});
