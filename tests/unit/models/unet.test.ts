import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// The Node bundle of tfjs-core registers no gradients; vitest can load the ESM file that does.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { makeRng } from '../../../src/lib/math/rng';
import { buildUNet, type UNetInputs } from '../../../src/lib/models/unet';
import { weightsToTensors } from '../../../src/lib/models/weights';
import { setTrainingOps } from '../../../src/lib/models/ops';

// A small conditional net: every input path (classes, extra channels, scalar) is live.
const cfg = { baseChannels: 8, channelMults: [1, 2, 2], groups: 4, timeFeatures: 16, classes: 3, extraChannels: 3, extraScalar: true };
const unet = buildUNet(cfg);

/** init() plus a random final conv, so outputs are not identically zero. Caller disposes. */
function randomWeights(seed: number): Record<string, tf.Tensor> {
  const values = unet.init(makeRng(seed));
  const rng = makeRng(seed + 1);
  const out = values.get('out.conv.w') as Float32Array;
  for (let i = 0; i < out.length; i++) out[i] = 0.1 * rng.normal();
  return weightsToTensors(values, unet.specs);
}

function inputs(b: number, h: number, w: number, seed: number) {
  const rng = makeRng(seed);
  const noise = (shape: number[]) => tf.tensor(Array.from({ length: shape.reduce((a, c) => a * c) }, () => rng.normal()), shape);
  return {
    x: noise([b, h, w, 3]) as tf.Tensor4D,
    t: tf.tensor1d(Array.from({ length: b }, (_, i) => 10 + 300 * i)),
    opts: {
      classes: tf.tensor1d(Array.from({ length: b }, (_, i) => i % 4), 'int32'),
      extra: noise([b, h, w, 3]) as tf.Tensor4D,
      scalar: tf.tensor1d(Array.from({ length: b }, (_, i) => 0.1 * i)),
    } satisfies UNetInputs,
  };
}

const disposeInputs = (i: ReturnType<typeof inputs>) => tf.dispose([i.x, i.t, i.opts.classes, i.opts.extra, i.opts.scalar]);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('buildUNet', () => {
  let w: Record<string, tf.Tensor>;
  beforeAll(() => {
    w = randomWeights(1);
  });
  afterAll(() => tf.dispose(Object.values(w)));

  it('names weights stably and readably, in a fixed order', () => {
    const names = unet.specs.map((s) => s.name);
    expect(names.slice(0, 4)).toEqual(['time.dense0.w', 'time.dense0.b', 'time.dense1.w', 'time.dense1.b']);
    expect(names).toContain('down.0.res.0.conv1.w');
    expect(names).toContain('down.1.res.0.skip.w'); // 8 → 16 channels
    expect(names).toContain('mid.res.0.norm2.gamma');
    expect(names).toContain('up.0.conv.w');
    expect(names).toContain('class.embed.w');
    expect(names.at(-1)).toBe('out.conv.b');
    expect(unet.specs.find((s) => s.name === 'class.embed.w')?.shape).toEqual([4, 32]); // classes + null row
    expect(unet.specs.find((s) => s.name === 'up.0.res.0.conv1.w')?.shape).toEqual([3, 3, 16 + 8, 8]);
    expect(unet.specs.find((s) => s.name === 'in.conv.w')?.shape).toEqual([3, 3, 6, 8]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('init is deterministic per seed, He-scaled, and zeroes the final conv', () => {
    const a = unet.init(makeRng(5));
    const b = unet.init(makeRng(5));
    const c = unet.init(makeRng(6));
    expect(a.get('down.0.res.0.conv1.w')).toEqual(b.get('down.0.res.0.conv1.w'));
    expect(a.get('down.0.res.0.conv1.w')).not.toEqual(c.get('down.0.res.0.conv1.w'));
    expect((a.get('out.conv.w') as Float32Array).every((v) => v === 0)).toBe(true);
    const conv = a.get('mid.res.0.conv1.w') as Float32Array; // fan_in 9·16 = 144 → std √(2/144)
    const std = Math.sqrt(conv.reduce((s, v) => s + v * v, 0) / conv.length);
    expect(std).toBeGreaterThan(0.9 * Math.sqrt(2 / 144));
    expect(std).toBeLessThan(1.1 * Math.sqrt(2 / 144));
    expect(Array.from(a.get('mid.res.0.norm1.gamma') as Float32Array).every((v) => v === 1)).toBe(true);
  });

  it('a freshly initialised net predicts exactly zero (zero final conv)', () => {
    const w0 = weightsToTensors(unet.init(makeRng(2)), unet.specs);
    const i = inputs(2, 16, 16, 3);
    const y = unet.apply(w0, i.x, i.t, i.opts);
    expect(Math.max(...Array.from(y.dataSync()).map(Math.abs))).toBe(0);
    tf.dispose([y, ...Object.values(w0)]);
    disposeInputs(i);
  });

  it('with extraResidual the output is the extra channels plus the net: the fresh net returns its conditioning', () => {
    const residual = buildUNet({ ...cfg, extraResidual: true });
    const w0 = weightsToTensors(residual.init(makeRng(2)), residual.specs);
    const i = inputs(2, 16, 16, 3);
    const before = tf.memory().numTensors;
    const y = residual.apply(w0, i.x, i.t, i.opts);
    expect(Array.from(y.dataSync())).toEqual(Array.from(i.opts.extra.dataSync()));
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // and with trained-looking weights it is the plain net's output plus extra
    const wr = randomWeights(9);
    const plain = unet.apply(wr, i.x, i.t, i.opts);
    const both = residual.apply(wr, i.x, i.t, i.opts);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(both, tf.add(plain, i.opts.extra)))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-6);
    tf.dispose([plain, both, ...Object.values(w0), ...Object.values(wr)]);
    disposeInputs(i);
    expect(() => buildUNet({ ...cfg, extraResidual: true, extraChannels: 6 })).toThrow(/extraResidual needs extraChannels = outChannels/);
  });

  it.each([[64, 64], [32, 48]])('gives a finite [B, %i, %i, 3] output with classes, extra channels and scalar', (h, wd) => {
    const i = inputs(2, h, wd, 4);
    const y = unet.apply(w, i.x, i.t, i.opts);
    expect(y.shape).toEqual([2, h, wd, 3]);
    const v = y.dataSync();
    expect(v.every(Number.isFinite)).toBe(true);
    expect(Math.max(...Array.from(v).map(Math.abs))).toBeGreaterThan(1e-3);
    tf.dispose(y);
    disposeInputs(i);
  });

  it('every conditioning input changes the output', () => {
    const i = inputs(2, 16, 16, 7);
    const base = unet.apply(w, i.x, i.t, i.opts);
    const diff = (opts: UNetInputs, t = i.t) => {
      const y = unet.apply(w, i.x, t, opts);
      const d = tf.tidy(() => tf.max(tf.abs(tf.sub(y, base))).dataSync()[0]);
      y.dispose();
      return d;
    };
    const t2 = tf.tensor1d([500, 20]);
    const c2 = tf.tensor1d([3, 3], 'int32');
    const s2 = tf.tensor1d([0.9, 0.5]);
    const e2 = tf.zerosLike(i.opts.extra);
    expect(diff(i.opts, t2)).toBeGreaterThan(1e-4);
    expect(diff({ ...i.opts, classes: c2 })).toBeGreaterThan(1e-4);
    expect(diff({ ...i.opts, scalar: s2 })).toBeGreaterThan(1e-4);
    expect(diff({ ...i.opts, extra: e2 })).toBeGreaterThan(1e-4);
    expect(diff(i.opts)).toBe(0);
    tf.dispose([base, t2, c2, s2, e2]);
    disposeInputs(i);
  });

  it('batch items are independent (no cross-batch op)', () => {
    const i = inputs(2, 16, 16, 8);
    const both = unet.apply(w, i.x, i.t, i.opts);
    const one = tf.tidy(() => {
      const sl = <T extends tf.Tensor>(v: T) => tf.slice(v, [1], [1]) as T;
      const o = { classes: sl(i.opts.classes), extra: sl(i.opts.extra), scalar: sl(i.opts.scalar) };
      return unet.apply(w, sl(i.x), sl(i.t), o);
    });
    const d = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.slice(both, [1], [1]), one))).dataSync()[0]);
    expect(d).toBeLessThan(1e-5);
    tf.dispose([both, one]);
    disposeInputs(i);
  });

  it('leaves the tensor count unchanged (everything but the output is disposed)', () => {
    const i = inputs(2, 16, 16, 9);
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) unet.apply(w, i.x, i.t, i.opts).dispose();
    expect(tf.memory().numTensors).toBe(before);
    // Also when it throws halfway (a bad weight shape is caught before any tensor is made).
    expect(() => unet.apply(w, i.x, i.t, { ...i.opts, classes: undefined })).toThrow(/opts.classes is required/);
    expect(tf.memory().numTensors).toBe(before);
    disposeInputs(i);
  });

  it('frees intermediates block by block: peak memory is well under the sum of all intermediates', async () => {
    const i = inputs(2, 32, 32, 10);
    const held: tf.Tensor[] = [];
    const info = await tf.profile(() => {
      held.push(unet.apply(w, i.x, i.t, i.opts));
      return held[0];
    });
    const allBytes = info.kernels.reduce((n, k) => n + k.outputShapes.reduce((m, s) => m + 4 * (s as number[]).reduce((a, c) => a * c, 1), 0), 0);
    const inputBytes = [i.x, i.t, i.opts.extra, i.opts.scalar, i.opts.classes].reduce((n, v) => n + 4 * v.size, 0);
    const weightBytes = Object.values(w).reduce((n, v) => n + 4 * v.size, 0);
    // What one giant tidy would hold at its end vs what this apply holds at its worst moment
    // (measured: 0.14 of it with per-block tidy; 0.32 with one tidy around everything).
    expect(info.peakBytes - inputBytes - weightBytes).toBeLessThan(0.2 * allBytes);
    expect(info.newTensors).toBe(1);
    tf.dispose(held);
    disposeInputs(i);
  });

  it('rejects wrong inputs with messages that say what is expected', () => {
    const i = inputs(2, 16, 16, 11);
    const bad = tf.zeros([2, 18, 16, 3]) as tf.Tensor4D;
    expect(() => unet.apply(w, bad, i.t, i.opts)).toThrow(/divisible by 4/);
    expect(() => unet.apply(w, i.x, i.t, { ...i.opts, scalar: undefined })).toThrow(/opts.scalar is required/);
    expect(() => unet.apply(w, i.x, i.t, { ...i.opts, extra: undefined })).toThrow(/opts.extra is required/);
    const floatClasses = tf.tensor1d([0, 1]);
    expect(() => unet.apply(w, i.x, i.t, { ...i.opts, classes: floatClasses })).toThrow(/int32/);
    const { 'mid.res.0.conv1.w': _dropped, ...missing } = w;
    expect(() => unet.apply(missing, i.x, i.t, i.opts)).toThrow(/"mid.res.0.conv1.w" is missing/);
    const plain = buildUNet({ baseChannels: 8, groups: 4 });
    expect(() => plain.apply(w, i.x, i.t, i.opts)).toThrow(/config does not take it/);
    tf.dispose([bad, floatClasses]);
    disposeInputs(i);
  });

  it('is differentiable: every weight gets a finite gradient and no tensor leaks', () => {
    const i = inputs(2, 8, 8, 12);
    const before = tf.memory().numTensors;
    const names = unet.specs.map((s) => s.name);
    const { grads, value } = tf.valueAndGrads((...ws: tf.Tensor[]) => {
      const wm = Object.fromEntries(names.map((n, k) => [n, ws[k]]));
      return tf.mean(tf.square(unet.apply(wm, i.x, i.t, i.opts))) as tf.Scalar;
    })(names.map((n) => w[n]));
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    grads.forEach((g, k) => {
      const v = g.dataSync();
      expect(v.every(Number.isFinite), names[k]).toBe(true);
      expect(v.some((x) => x !== 0), names[k]).toBe(true);
    });
    tf.dispose([value, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
    disposeInputs(i);
  });

  it('gives the same gradients when a custom-gradient op set is swapped in (eager disposal is tape-safe)', () => {
    const i = inputs(2, 8, 8, 13);
    const names = unet.specs.map((s) => s.name);
    const gradsOf = () =>
      tf.grads((...ws: tf.Tensor[]) => {
        const wm = Object.fromEntries(names.map((n, k) => [n, ws[k]]));
        return tf.mean(tf.square(unet.apply(wm, i.x, i.t, i.opts))) as tf.Scalar;
      })(names.map((n) => w[n]));
    const reference = gradsOf();
    // SiLU with its closed-form gradient, saving x like train/ does; apply frees its input right after.
    const silu = tf.customGrad((...args) => {
      const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
      save([x]);
      return {
        value: tf.mul(x, tf.sigmoid(x)),
        gradFunc: (dy: tf.Tensor, [xs]: tf.Tensor[]) =>
          tf.tidy(() => { const sg = tf.sigmoid(xs); return tf.mul(dy, tf.mul(sg, tf.add(1, tf.mul(xs, tf.sub(1, sg))))); }),
      };
    });
    setTrainingOps({ silu: <T extends tf.Tensor>(x: T) => silu(x) as T });
    try {
      const custom = gradsOf();
      custom.forEach((g, k) => {
        const err = tf.tidy(() => tf.max(tf.abs(tf.sub(g, reference[k]))).dataSync()[0]);
        const scale = tf.tidy(() => tf.max(tf.abs(reference[k])).dataSync()[0]);
        expect(err, names[k]).toBeLessThanOrEqual(1e-4 * scale + 1e-7);
      });
      tf.dispose(custom);
    } finally {
      setTrainingOps(null);
      tf.dispose(reference);
      disposeInputs(i);
    }
  });
});
