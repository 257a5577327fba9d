import { describe, expect, it } from 'vitest';
import { countFlops, countParams, flopsTable } from '../../../src/lib/models/count';
import { buildUNet } from '../../../src/lib/models/unet';
import { sizeOf } from '../../../src/lib/models/weights';

// The net of measurements.md §1.4: 32/64/64 channels, one ResBlock per level, GN(8), 64 sinusoidal
// features → dense 128 → dense 128, and no conv after the nearest upsample.
const measured = { baseChannels: 32, channelMults: [1, 2, 2], resBlocks: 1, groups: 8, timeFeatures: 64, embedDim: 128, upConv: false };

describe('countParams / countFlops', () => {
  it('params equal the sum of the builder’s spec sizes, for several configs', () => {
    const configs = [
      {},
      measured,
      { classes: 7, extraScalar: true, extraChannels: 3, resBlocks: [2, 1, 3], channelMults: [1, 2, 3], baseChannels: 16 },
      { channelMults: [1], imageChannels: 4 },
    ];
    for (const c of configs) {
      const specs = buildUNet(c).specs;
      expect(countParams(c)).toBe(specs.reduce((n, s) => n + sizeOf(s.shape), 0));
    }
  });

  it('a one-level net has the FLOPs of its convs and dense layers in closed form', () => {
    // One level, no ResBlock channel change: in.conv 3→8, ResBlock(8) ×2 (block + mid), out.conv 8→3.
    const c = { baseChannels: 8, channelMults: [1], groups: 4, timeFeatures: 8, embedDim: 16 };
    const [h, w] = [10, 6];
    const conv = (k: number, cin: number, cout: number): number => 2 * k * k * cin * cout * h * w;
    const dense = (cin: number, cout: number): number => 2 * cin * cout;
    const expected =
      dense(8, 16) + dense(16, 16) + conv(3, 3, 8) + 2 * (2 * conv(3, 8, 8) + dense(16, 8)) + conv(3, 8, 3);
    expect(countFlops(c, h, w)).toBe(expected);
  });

  it('the measurements.md §1.4 net has 452,163 params and 14.86 GFLOP per batch of 16 at 64×64', () => {
    expect(countParams(measured)).toBe(452_163);
    const flops = countFlops(measured, 64, 64);
    // 928.5 MFLOP of convs (measurements.md's figure) + 131,072 FLOP of dense layers.
    expect(flops).toBe(928_514_048 + 131_072);
    expect((16 * flops) / 1e9).toBeCloseTo(14.86, 2);
    // measurements.md §4.1: "238 GFLOP per image" at 1024².
    expect(countFlops(measured, 1024, 1024) / 1e9).toBeCloseTo(237.7, 1);
  });

  it('FLOPs scale with the pixel count, and the up-conv costs what its closed form says', () => {
    const perPixel = (countFlops(measured, 256, 256) - countFlops(measured, 64, 64)) / (256 * 256 - 64 * 64);
    expect(countFlops(measured, 128, 64)).toBeCloseTo(countFlops(measured, 64, 64) + perPixel * (128 * 64 - 64 * 64), 0);
    // upConv adds a 3×3 64→64 conv at 32×32 and one at 64×64.
    const extra = 2 * 9 * 64 * 64 * (32 * 32 + 64 * 64);
    expect(countFlops({ ...measured, upConv: true }, 64, 64) - countFlops(measured, 64, 64)).toBe(extra);
  });

  it('rejects sizes the net cannot halve, and tabulates per resolution', () => {
    expect(() => countFlops(measured, 64, 30)).toThrow(/divisible by 4/);
    const table = flopsTable(measured, [[64, 64], [256, 256]]);
    expect(table[1]).toEqual({ height: 256, width: 256, flopsPerImage: countFlops(measured, 256, 256) });
  });
});
