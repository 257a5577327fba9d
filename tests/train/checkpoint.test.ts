import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointError, latestCheckpoint, listCheckpoints, readCheckpoint, saveCheckpoint, type CheckpointState } from '../../train/checkpoint';
import type { TrainConfig } from '../../train/train-config';

function state(step: number, fill = step): CheckpointState {
  return {
    model: 'unit',
    step,
    config: { steps: 10 } as unknown as TrainConfig,
    lossLog: [{ step, loss: 0.5, lr: 1e-3, gradNorm: 1, secPerStep: 0.1 }],
    wallSeconds: 12.5,
    machine: 'test machine',
    tensors: new Map([
      ['param/a', { shape: [2, 3], data: Float32Array.from({ length: 6 }, (_, i) => fill + i / 7) }],
      ['ema/a', { shape: [2, 3], data: new Float32Array(6).fill(-1.25) }],
    ]),
  };
}

describe('checkpoints', () => {
  it('round-trip every field and tensor bit for bit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const path = saveCheckpoint(dir, state(3), 2);
    expect(path).toBe(join(dir, 'step-00000003.ckpt'));
    const back = readCheckpoint(path);
    const orig = state(3);
    expect({ ...back, tensors: undefined }).toEqual({ ...orig, tensors: undefined });
    for (const [k, v] of orig.tensors) {
      expect(back.tensors.get(k)?.shape).toEqual(v.shape);
      expect(Array.from(back.tensors.get(k)?.data ?? [])).toEqual(Array.from(v.data));
    }
  });

  it('keep only the newest `keep` files and ignore leftover temp files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
    for (const s of [1, 2, 3, 4]) saveCheckpoint(dir, state(s), 2);
    writeFileSync(join(dir, 'step-00000009.ckpt.tmp-123'), 'half-written');
    expect(listCheckpoints(dir).map((c) => c.step)).toEqual([3, 4]);
    expect(latestCheckpoint(dir)).toBe(join(dir, 'step-00000004.ckpt'));
  });

  it('detect a flipped byte by its sha256 and name the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const path = saveCheckpoint(dir, state(5), 2);
    const bytes = readFileSync(path);
    bytes[bytes.length - 3] ^= 0xff;
    writeFileSync(path, bytes);
    expect(() => readCheckpoint(path)).toThrow(CheckpointError);
    expect(() => readCheckpoint(path)).toThrow(new RegExp(`${path}.*sha256 mismatch`));
  });

  it('detect truncation, a wrong magic and a missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const path = saveCheckpoint(dir, state(5), 2);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 10));
    expect(() => readCheckpoint(path)).toThrow(/truncated/);
    writeFileSync(path, Buffer.from('hello world, not a checkpoint'));
    expect(() => readCheckpoint(path)).toThrow(/bad magic/);
    expect(() => readCheckpoint(join(dir, 'nope.ckpt'))).toThrow(/nope\.ckpt does not exist/);
  });

  it('refuse a state with a non-finite value and leave existing checkpoints untouched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
    saveCheckpoint(dir, state(1), 1);
    const good = readFileSync(join(dir, 'step-00000001.ckpt'));
    const bad = state(2);
    bad.tensors.get('param/a')!.data[4] = NaN;
    expect(() => saveCheckpoint(dir, bad, 1)).toThrow(/refusing to checkpoint step 2: param\/a holds a non-finite value/);
    expect(readdirSync(dir)).toEqual(['step-00000001.ckpt']);
    expect(readFileSync(join(dir, 'step-00000001.ckpt')).equals(good)).toBe(true);
  });
});
