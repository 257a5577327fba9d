import { describe, expect, it } from 'vitest';
import { boxPulse, compilePattern, fade, patternValue } from '../../../src/lib/data/pattern';
import { pattern } from '../../../src/lib/data/compose';
import { PATTERN_KINDS } from '../../../src/lib/data/scene';

describe('pattern', () => {
  it('boxPulse is the exact mean of the pulse over [t−h, t+h] (checked by dense sampling)', () => {
    for (const [t, d, h] of [[0.3, 0.5, 0.2], [1.7, 0.25, 0.9], [-2.2, 0.6, 3.1], [0.05, 0.1, 0.02]]) {
      let s = 0;
      const n = 200000;
      for (let k = 0; k < n; k++) {
        const x = t - h + ((k + 0.5) / n) * 2 * h;
        s += x - Math.floor(x) < d ? 1 : 0;
      }
      expect(boxPulse(t, d, h)).toBeCloseTo(s / n, 4);
    }
  });

  it('boxPulse over a footprint of many periods tends to the duty cycle', () => {
    expect(boxPulse(0.37, 0.3, 50)).toBeCloseTo(0.3, 2);
  });

  it('fade is 1 for coarse features, 0 from one period per pixel, and never increases', () => {
    expect(fade(0.1)).toBe(1);
    expect(fade(1)).toBe(0);
    let prev = 1;
    for (let x = 0; x <= 1.2; x += 0.01) {
      expect(fade(x)).toBeLessThanOrEqual(prev + 1e-12);
      prev = fade(x);
    }
  });

  it('each pattern fades to its declared mean, which matches its fine-scale average', () => {
    for (const kind of PATTERN_KINDS) {
      if (kind === 'none') continue;
      const c = compilePattern(pattern({ kind, freq: 10, duty: 0.3, warp: kind === 'rays' ? 12 : 0.5, ox: 0.5, oy: 0.5, seed: 7 }));
      // Fine average over the unit square at 1/1024 pixels (rays: away from the centre only matters little).
      let s = 0;
      const n = 400;
      for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) s += patternValue(c, (i + 0.5) / n, (j + 0.5) / n, 1 / 1024);
      expect(Math.abs(s / (n * n) - c.mean), kind).toBeLessThan(0.04);
      // A pixel 8 periods wide returns (about) the mean.
      expect(Math.abs(patternValue(c, 0.31, 0.77, 0.8) - c.mean), kind).toBeLessThan(0.05);
    }
  });
});
