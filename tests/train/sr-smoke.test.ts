import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { makeSchedule } from '../../src/lib/diffusion/schedule';
import { buildUNet } from '../../src/lib/models/unet';
import { readCheckpoint } from '../../train/checkpoint';
import { train } from '../../train/loop';
import { srHeldOutBatch } from '../../train/sr-data';
import { srEvalLoss, srHeldOutLoss, srStepNoise } from '../../train/sr-objective';
import { tempDir, wasmBackend } from './harness';
import { tinySrConfig } from './sr-harness';

describe('smoke training of a tiny super-resolution config (wasm)', () => {
  it('the loss falls over 30 steps, the tensor count stays flat, and the trained net reads its low-res input', async () => {
    await wasmBackend();
    expect(tf.getBackend()).toBe('wasm');
    const config = tinySrConfig();
    expect(srHeldOutBatch(config, 1).lo).toHaveLength(4 * 4 * 3);
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    const r = await train({ model: 'sr-tiny', config, dir: tempDir('sr-smoke'), progress: null, onStep: (_, n) => counts.push(n) });
    const seconds = (performance.now() - t0) / 1000;
    const losses = r.lossLog.map((x) => x.loss);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(losses.slice(0, 5));
    const last = mean(losses.slice(-5));
    console.log(`sr-tiny: ${r.step} steps in ${seconds.toFixed(1)} s; loss first 5 ${first.toFixed(4)}, last 5 ${last.toFixed(4)}`);
    expect(r.step).toBe(30);
    expect(last).toBeLessThan(0.7 * first);
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);

    // The net reads the conditioning: on held-out crops, the loss with each crop's own low-res input is
    // well below the loss with another crop's (the same x_t, t, ε and aug draws; only lo is rolled by one).
    const held = srHeldOutBatch(config, 8);
    const noise = { ...srStepNoise(config, 0, held), augLevels: new Array<number>(8).fill(0) };
    const per = held.lo.length / 8;
    const rolled = { ...held, lo: Float32Array.from(held.lo, (_, k) => held.lo[(k + per) % held.lo.length]) };
    const state = readCheckpoint(r.checkpoint);
    const weights = Object.fromEntries([...state.tensors].filter(([k]) => k.startsWith('param/')).map(([k, a]) => [k.slice(6), tf.tensor(a.data, a.shape)]));
    const unet = buildUNet(config.model);
    const schedule = makeSchedule(config.schedule, { T: config.T });
    const own = srHeldOutLoss(unet, weights, config, schedule, 8); // the manifest's figure: aug level 0, step-0 draws
    expect(own).toBe(srEvalLoss(unet, weights, held, noise, config, schedule));
    const other = srEvalLoss(unet, weights, rolled, noise, config, schedule);
    tf.dispose(weights);
    console.log(`sr-tiny held-out loss: own low-res ${own.toFixed(4)}, another crop's ${other.toFixed(4)}`);
    expect(own).toBeLessThan(0.7 * other);
    expect(tf.memory().numTensors).toBe(before);
  });
});
