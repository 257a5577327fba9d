import { describe, expect, it } from 'vitest';
import { latestCheckpoint, readCheckpoint } from '../../train/checkpoint';
import { train } from '../../train/loop';
import { tempDir, tinyConfig, wasmBackend } from './harness';

describe('exact resume (tiny config, wasm)', () => {
  it('12 steps straight and 6 + resume 6 give identical losses and identical final weights', async () => {
    await wasmBackend();
    const config = tinyConfig({ steps: 12, prediction: 'v' }); // v: base-64's target
    const straightDir = tempDir('straight');
    const straight = await train({ model: 'tiny', config, dir: straightDir, progress: null });

    const splitDir = tempDir('split');
    const first = await train({ model: 'tiny', config, dir: splitDir, until: 6, progress: null });
    expect(first.step).toBe(6);
    expect(first.finished).toBe(false);
    const ckpt = latestCheckpoint(splitDir);
    expect(ckpt).toBe(first.checkpoint);
    const resumed = await train({ model: 'tiny', config, dir: splitDir, resume: readCheckpoint(ckpt!), progress: null });

    expect(resumed.lossLog.map((r) => r.step)).toEqual(straight.lossLog.map((r) => r.step));
    expect(resumed.lossLog.map((r) => r.loss)).toEqual(straight.lossLog.map((r) => r.loss));
    expect(resumed.lossLog.map((r) => r.gradNorm)).toEqual(straight.lossLog.map((r) => r.gradNorm));
    const a = readCheckpoint(straight.checkpoint).tensors;
    const b = readCheckpoint(resumed.checkpoint).tensors;
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [k, v] of a) expect(Array.from(b.get(k)!.data), k).toEqual(Array.from(v.data));
  });
});
