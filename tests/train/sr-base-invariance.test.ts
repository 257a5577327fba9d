// Guard for the super-resolution groundwork (issue 5): base-64's data and per-step noise must stay
// bit-identical, so its long run keeps resuming exactly. Hashes recorded before the SR code was added.
import { describe, expect, it } from 'vitest';
import { sha256Sync } from '../../src/lib/models/sha256';
import base from '../../train/configs/base-64';
import { trainingBatch } from '../../train/dataset';
import { stepNoise } from '../../train/objective';

const bytes = (a: Float32Array | Int32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Recorded on commit b909701 (before any SR edit): step → [x0, labels, ε] SHA-256 and the drawn t. */
const RECORDED: Record<number, { x0: string; labels: string; eps: string; t: number[] }> = {
  0: {
    x0: '49d70e79484174ccfd97fcd7d2bb90e4dd128400990896b9c147fec71ff0cc3a',
    labels: '36bf9802c75dd3aee829f41446fdcc6f2cc25f700f8d308a6be1686dfcbde896',
    eps: '4db53e1d35665cf9aed842630809bd24fe70683aceccf1d6a42753bc08d0c6e5',
    t: [892, 995, 717, 14, 937, 870, 350, 379, 80, 324, 592, 20, 253, 612, 242, 3],
  },
  4321: {
    x0: '595c31ff0f626e6507652448a3b34c03473a414b52e1ca270706c186e047c701',
    labels: '4fa1a8a1187c718be4132d0190f464ae04e1ca41f50682929f58a124e64cc58b',
    eps: 'e62f82235072feb71c714a15c3e3dbf5737de67628c50c3b4c374c374b7e9c68',
    t: [440, 690, 404, 931, 288, 225, 747, 412, 164, 97, 440, 454, 287, 544, 417, 324],
  },
};

describe('base-64 training draws are unchanged by the SR code', () => {
  for (const [step, want] of Object.entries(RECORDED)) {
    it(`step ${step}: batch images, labels, ε and t hash to the values recorded before the change`, () => {
      const batch = trainingBatch(base.seed, Number(step), base.batch, base.resolution);
      const noise = stepNoise(base, Number(step), batch);
      expect(sha256Sync(bytes(batch.x0))).toBe(want.x0);
      expect(sha256Sync(bytes(batch.labels))).toBe(want.labels);
      expect(sha256Sync(bytes(noise.eps))).toBe(want.eps);
      expect(noise.t).toEqual(want.t);
    });
  }
});
