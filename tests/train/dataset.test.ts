import { describe, expect, it } from 'vitest';
import { SCENE_KINDS } from '../../src/lib/data';
import { heldOutBatch, sceneSeed, trainingBatch } from '../../train/dataset';

describe('training data', () => {
  it('training seeds (top bit clear) and held-out seeds (top bit set) never overlap', () => {
    for (const root of [0, 1, 20250101, 0xffffffff]) {
      const train = new Set(Array.from({ length: 5000 }, (_, i) => sceneSeed(root, 'train', i)));
      const held = Array.from({ length: 5000 }, (_, i) => sceneSeed(root, 'heldout', i));
      expect(held.some((s) => train.has(s))).toBe(false);
      expect([...train].every((s) => s >= 0 && s < 2 ** 31)).toBe(true);
      expect(held.every((s) => s >= 2 ** 31 && s < 2 ** 32)).toBe(true);
      expect(train.size).toBeGreaterThan(4990); // distinct scenes, not one seed repeated
    }
  });

  it('a batch is a pure function of (seed, step) and each step brings new scenes', () => {
    const a = trainingBatch(7, 3, 4, 8);
    const b = trainingBatch(7, 3, 4, 8);
    expect(a.seeds).toEqual(b.seeds);
    expect(Array.from(a.x0)).toEqual(Array.from(b.x0));
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    const next = trainingBatch(7, 4, 4, 8);
    expect(next.seeds.some((s) => a.seeds.includes(s))).toBe(false);
  });

  it('images are [B, size, size, 3] in [-1, 1] and labels are scene-kind indices', () => {
    const batch = heldOutBatch(1, 6, 16);
    expect(batch.x0.length).toBe(6 * 16 * 16 * 3);
    expect(batch.x0.every((v) => v >= -1 && v <= 1)).toBe(true);
    expect(batch.labels.every((l) => l >= 0 && l < SCENE_KINDS.length)).toBe(true);
  });
});
