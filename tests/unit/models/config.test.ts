import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, resolveConfig } from '../../../src/lib/models/config';

describe('resolveConfig', () => {
  it('fills every field with the documented defaults', () => {
    expect(resolveConfig({})).toEqual(DEFAULT_CONFIG);
  });

  it('derives embedDim = 4·baseChannels, outChannels = imageChannels and repeats resBlocks per level', () => {
    const c = resolveConfig({ baseChannels: 16, imageChannels: 4, channelMults: [1, 2, 4, 4], resBlocks: 2 });
    expect(c.embedDim).toBe(64);
    expect(c.outChannels).toBe(4);
    expect(c.resBlocks).toEqual([2, 2, 2, 2]);
  });

  it('is idempotent on a resolved config', () => {
    const c = resolveConfig({ classes: 7, extraScalar: true, extraChannels: 3 });
    expect(resolveConfig(c)).toEqual(c);
  });

  it('names the bad field in its error', () => {
    expect(() => resolveConfig({ baseChannels: 0 })).toThrow(/baseChannels/);
    expect(() => resolveConfig({ baseChannels: 30 })).toThrow(/groups.*level 0 has 30/);
    expect(() => resolveConfig({ channelMults: [] })).toThrow(/channelMults/);
    expect(() => resolveConfig({ channelMults: [1, 1.5] })).toThrow(/channelMults\[1\]/);
    expect(() => resolveConfig({ resBlocks: [1, 1] })).toThrow(/resBlocks.*3/);
    expect(() => resolveConfig({ timeFeatures: 63 })).toThrow(/timeFeatures/);
    expect(() => resolveConfig({ classes: -1 })).toThrow(/classes/);
    expect(() => resolveConfig({ normEps: 0 })).toThrow(/normEps/);
    expect(() => resolveConfig({ extraScalar: 1 as unknown as boolean })).toThrow(/extraScalar/);
    expect(() => resolveConfig({ chanels: 3 } as never)).toThrow(/no field "chanels"/);
  });
});
