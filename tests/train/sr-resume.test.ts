import { describe, expect, it } from 'vitest';
import { latestCheckpoint, readCheckpoint } from '../../train/checkpoint';
import { train } from '../../train/loop';
import { tempDir, wasmBackend } from './harness';
import { tinySrConfig } from './sr-harness';

describe('exact resume of a super-resolution run (tiny SR config, wasm)', () => {
  it('8 steps straight and 4 + resume 4 give identical losses and identical final weights', async () => {
    await wasmBackend();
    const config = tinySrConfig({ steps: 8, prediction: 'v' }); // v: the SR configs' target
    const straight = await train({ model: 'sr-tiny', config, dir: tempDir('sr-straight'), progress: null });
    const splitDir = tempDir('sr-split');
    const first = await train({ model: 'sr-tiny', config, dir: splitDir, until: 4, progress: null });
    expect(first.step).toBe(4);
    const resumed = await train({ model: 'sr-tiny', config, dir: splitDir, resume: readCheckpoint(latestCheckpoint(splitDir)!), progress: null });
    expect(resumed.lossLog.map((r) => r.loss)).toEqual(straight.lossLog.map((r) => r.loss));
    expect(resumed.lossLog.map((r) => r.gradNorm)).toEqual(straight.lossLog.map((r) => r.gradNorm));
    const a = readCheckpoint(straight.checkpoint).tensors;
    const b = readCheckpoint(resumed.checkpoint).tensors;
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [k, v] of a) expect(Array.from(b.get(k)!.data), k).toEqual(Array.from(v.data));
  });
});
