import { describe, expect, it } from 'vitest';
import { countFlops, countParams } from '../../src/lib/models/count';
import { checkConfig, loadTrainConfig, overrideConfig } from '../../train/train-config';
import { ConfigError, leafKeys, type ConfigTree } from '../../train/overrides';
import { parseArgs } from '../../train/cli';

describe('super-resolution configs within issue 5’s budgets', () => {
  const budgets = [
    ['sr-256', 256, 4e9],
    ['sr-1024', 1024, 12e9],
  ] as const;
  for (const [name, size, flops] of budgets) {
    it(`${name}: at most ${flops / 1e9} GFLOP per denoising step at ${size}×${size}, under 1 M params (< 2 MB float16)`, async () => {
      const c = await loadTrainConfig(name);
      checkConfig(c);
      const k = c.sr!.spaceToDepth;
      const f = countFlops(c.model, size / k, size / k);
      expect(f).toBeLessThanOrEqual(flops);
      expect(f).toBeGreaterThan(flops / 4); // and the budget is used, not wasted
      const params = countParams(c.model);
      expect(params * 2).toBeLessThan(2_000_000);
      expect(params).toBeGreaterThan(500_000);
      expect(c.sr!.fullSize).toBe(size);
      expect(c.sr!.factor).toBe(4);
      expect(c.model.extraScalar).toBe(true);
    });
  }

  it('a net whose channels do not match the space-to-depth cells is refused, naming the key', async () => {
    const c = await loadTrainConfig('sr-256');
    expect(() => overrideConfig(c, { 'sr.spaceToDepth': '2' })).toThrow(ConfigError);
    expect(() => overrideConfig(c, { 'sr.spaceToDepth': '2' })).toThrow(/model\.imageChannels/);
    expect(() => overrideConfig(c, { 'model.extraScalar': 'false' })).toThrow(/extraScalar/);
  });

  it('the CLI takes sr.* overrides with type checks (whole numbers where they must be)', async () => {
    const c = await loadTrainConfig('sr-1024');
    const args = parseArgs(['sr-1024', '--sr.augMax=0.3', '--until=10'], leafKeys(c as unknown as ConfigTree));
    expect(overrideConfig(c, args.overrides).sr!.augMax).toBe(0.3);
    expect(() => overrideConfig(c, { 'sr.factor': '2.5' })).toThrow(ConfigError);
    expect(() => parseArgs(['sr-1024', '--sr.augmax=0.3'], leafKeys(c as unknown as ConfigTree))).toThrow(/sr\.augMax/);
  });
});
