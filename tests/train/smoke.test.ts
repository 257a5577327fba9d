import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { train } from '../../train/loop';
import { tempDir, tinyConfig, wasmBackend } from './harness';

describe('smoke training (tiny config, wasm)', () => {
  it('the loss falls over 40 steps and the tensor count stays flat after the first step', async () => {
    await wasmBackend();
    expect(tf.getBackend()).toBe('wasm');
    const counts: number[] = [];
    const dir = tempDir('smoke');
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    const r = await train({ model: 'tiny', config: tinyConfig({ steps: 40 }), dir, progress: null, onStep: (_, n) => counts.push(n) });
    const seconds = (performance.now() - t0) / 1000;
    console.log(`tiny: ${r.step} steps in ${seconds.toFixed(1)} s (${(seconds / r.step).toFixed(3)} s/step)`);
    const losses = r.lossLog.map((x) => x.loss);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(losses.slice(0, 5));
    const last = mean(losses.slice(-5));
    console.log(`loss: first 5 mean ${first.toFixed(4)}, last 5 mean ${last.toFixed(4)}`);
    expect(last).toBeLessThan(0.7 * first); // measured ≈ 0.45 × first
    expect(new Set(counts.slice(1)).size).toBe(1); // same live tensors after every step
    expect(tf.memory().numTensors).toBe(before); // and nothing left once the run ends
    // The JSONL log holds one line per step with every field.
    const lines = readFileSync(join(dir, 'loss.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(40);
    expect(Object.keys(lines[0]).sort()).toEqual(['gradNorm', 'loss', 'lr', 'secPerStep', 'step']);
  });
});
