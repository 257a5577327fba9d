import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { makeRng } from '../../src/lib/math/rng';
import { buildClassifier, DEFAULT_CLASSIFIER, loadClassifier, parseClassifierManifest } from '../../src/lib/models/classifier';
import { classifierTrainConfig, type ClassifierTrainConfig } from '../../train/eval/classifier-config';
import { exportClassifier } from '../../train/eval/classifier-export';
import { accuracyReport } from '../../train/eval/classifier-features';
import { crossEntropy, trainClassifier } from '../../train/eval/classifier-train';
import { tempDir, wasmBackend } from './harness';

const small = (changes: Partial<ClassifierTrainConfig> = {}): ClassifierTrainConfig => ({
  ...structuredClone(classifierTrainConfig),
  model: { ...classifierTrainConfig.model, resolution: 16, widths: [8, 16], convs: [1, 1], groups: 4 },
  batch: 16,
  steps: 30,
  warmup: 2,
  lr: 1e-2,
  heldOutCount: 21,
  ...changes,
});

describe('scene classifier', () => {
  it('the default classifier maps [B, 64, 64, 3] to 7 logits and 64-d features, with as many parameters as its specs hold', async () => {
    await wasmBackend();
    const c = buildClassifier(DEFAULT_CLASSIFIER);
    expect(c.featureDim).toBe(64);
    expect(c.paramCount).toBe(c.specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0));
    const init = c.init(makeRng(1));
    const w = Object.fromEntries(c.specs.map((s) => [s.name, tf.tensor(init.get(s.name)!, s.shape)]));
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([2, 64, 64, 3]) as tf.Tensor4D;
    const out = c.apply(w, x);
    expect(out.logits.shape).toEqual([2, 7]);
    expect(out.features.shape).toEqual([2, 64]);
    tf.dispose([x, out.logits, out.features]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(w));
  });

  it('activations at the last level, averaged over space, are the features; level 0 keeps full resolution', async () => {
    await wasmBackend();
    const c = buildClassifier({ ...DEFAULT_CLASSIFIER, resolution: 16 });
    const init = c.init(makeRng(2));
    const w = Object.fromEntries(c.specs.map((s) => [s.name, tf.tensor(init.get(s.name)!, s.shape)]));
    const x = tf.randomNormal([2, 16, 16, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const out = c.apply(w, x);
    const last = c.activations(w, x, 3);
    const pooled = tf.mean(last, [1, 2]);
    const level0 = c.activations(w, x, 0);
    expect(last.shape).toEqual([2, 2, 2, 64]);
    expect(level0.shape).toEqual([2, 16, 16, 16]);
    const f = out.features.dataSync();
    pooled.dataSync().forEach((v, i) => expect(v).toBeCloseTo(f[i], 5));
    expect(() => c.activations(w, x, 4)).toThrow(/level 4/);
    tf.dispose([out.logits, out.features, last, pooled, level0]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, ...Object.values(w)]);
  });

  it('cross-entropy of uniform logits is ln K', () => {
    const v = tf.tidy(() => crossEntropy(tf.zeros([3, 7]) as tf.Tensor2D, Int32Array.from([0, 3, 6])).dataSync()[0]);
    expect(v).toBeCloseTo(Math.log(7), 5);
  });

  it('training on wasm lowers the loss within 30 steps (smoke, 16×16 scenes)', async () => {
    await wasmBackend();
    const before = tf.memory().numTensors;
    const run = trainClassifier(small());
    const losses = run.lossLog.map((r) => r.loss);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-5))).toBeLessThan(0.8 * mean(losses.slice(0, 5)));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('exports a manifest + float16 weights that load back, and a tampered weight file is refused', async () => {
    await wasmBackend();
    const config = small({ steps: 3 });
    const run = trainClassifier(config);
    const dir = tempDir('classifier-export');
    const { dir: out, manifest } = await exportClassifier(run, config, { pretrainedDir: dir, machine: 'test' });
    expect(out).toBe(join(dir, 'scene-classifier'));
    const text = readFileSync(join(out, 'manifest.json'), 'utf8');
    const parsed = parseClassifierManifest(text, 'manifest.json');
    expect(parsed.classNames).toHaveLength(7);
    expect(typeof manifest.evaluation.heldOutAccuracy).toBe('number');
    const bin = new Uint8Array(readFileSync(join(out, 'weights.bin')));
    const loaded = await loadClassifier(parsed, bin);
    tf.dispose(Object.values(loaded.weights));
    bin[10] ^= 0xff;
    await expect(loadClassifier(parsed, bin)).rejects.toThrow(/SHA-256/);
    writeFileSync(join(out, 'bad.json'), text.replace('"architecture": "scene-classifier"', '"architecture": "unet"'));
    expect(() => parseClassifierManifest(readFileSync(join(out, 'bad.json'), 'utf8'), 'bad.json')).toThrow(/architecture/);
  });

  it('accuracyReport counts a confusion matrix with true kinds as rows', () => {
    const r = accuracyReport([0, 1, 1, 2], [0, 1, 2, 2], 3);
    expect(r.accuracy).toBe(0.75);
    expect(r.confusion).toEqual([[1, 0, 0], [0, 1, 0], [0, 1, 1]]);
    expect(r.perClass).toEqual([1, 1, 0.5]);
  });
});
