import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { readCheckpoint, saveCheckpoint } from '../../train/checkpoint';
import { restartPhase2 } from '../../train/vae/phase2-restart';
import { trainVae } from '../../train/vae/vae-loop';
import type { VaeTrainConfig } from '../../train/vae/vae-train-config';
import { tempDir, wasmBackend } from './harness';
import { tinyVaeConfig } from './vae-harness';

/** 6 steps of phase 1, then 2 of D alone and 2 adversarial, as vae-train.test.ts. */
const tinyVae = (): VaeTrainConfig => tinyVaeConfig({ batch: 2, phase1Steps: 6, phase2Steps: 4, discWarmup: 2, warmup: 2, disc: { channels: 8, layers: 3, groups: 4 } });

describe('restarting phase 2 with a new recipe', () => {
  it('a restart with no change retakes the steps of the unbroken run exactly; a change takes other steps', async () => {
    await wasmBackend();
    const c = tinyVae();
    const straight = await trainVae({ config: c, dir: tempDir('p2r-straight'), progress: null });
    const done = readCheckpoint<VaeTrainConfig>(straight.checkpoint);
    const before = tf.memory().numTensors;

    const boundary = restartPhase2(done, {});
    expect(boundary.step).toBe(6);
    expect(boundary.lossLog.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...boundary.tensors.keys()].some((k) => k.startsWith('adam.') || k.startsWith('d.adam.'))).toBe(false);
    // Saved and read back, as the CLI does, then resumed to the end.
    const dir = tempDir('p2r-again');
    const again = await trainVae({ config: c, dir, resume: readCheckpoint<VaeTrainConfig>(saveCheckpoint(dir, boundary, 3)), progress: null });
    expect(again.lossLog.map((r) => r.loss)).toEqual(straight.lossLog.map((r) => r.loss));
    const b = readCheckpoint<VaeTrainConfig>(again.checkpoint).tensors;
    expect([...b.keys()].sort()).toEqual([...done.tensors.keys()].sort());
    for (const [k, v] of done.tensors) expect(Array.from(b.get(k)!.data), k).toEqual(Array.from(v.data));

    // A smaller adversarial weight: the same boundary, the same warm-up, other decoder steps after it.
    const softer = restartPhase2(done, { discWeight: '0.05', phase2Lr: '2e-5' });
    expect(softer.config.discWeight).toBe(0.05);
    expect(softer.config.phase2Lr).toBe(2e-5);
    const dir2 = tempDir('p2r-soft');
    const soft = await trainVae({ config: softer.config, dir: dir2, resume: readCheckpoint<VaeTrainConfig>(saveCheckpoint(dir2, softer, 3)), progress: null });
    expect(soft.lossLog.slice(0, 8).map((r) => r.loss)).toEqual(straight.lossLog.slice(0, 8).map((r) => r.loss));
    expect(soft.lossLog[9].loss).not.toBe(straight.lossLog[9].loss);
    const s = readCheckpoint<VaeTrainConfig>(soft.checkpoint).tensors;
    for (const [k, v] of done.tensors) if (k.startsWith('frozen/')) expect(Array.from(s.get(k)!.data), k).toEqual(Array.from(v.data));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a phase-1 checkpoint and any key outside phase 2', async () => {
    await wasmBackend();
    const c = tinyVae();
    const p1 = await trainVae({ config: c, dir: tempDir('p2r-p1'), until: 4, progress: null });
    expect(() => restartPhase2(readCheckpoint<VaeTrainConfig>(p1.checkpoint), {})).toThrow(/still in phase 1/);
    const full = await trainVae({ config: c, dir: tempDir('p2r-full'), until: 7, progress: null });
    const state = readCheckpoint<VaeTrainConfig>(full.checkpoint);
    expect(() => restartPhase2(state, { lr: '1e-3' })).toThrow(/"lr" cannot change/);
    expect(() => restartPhase2(state, { 'loss.kl': '0' })).toThrow(/cannot change/);
    expect(() => restartPhase2(state, { discWarmup: '9' })).toThrow(/discWarmup/);
  });
});
