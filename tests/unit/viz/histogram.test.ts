import { describe, expect, it } from 'vitest';
import { histogram, moments } from '../../../src/lib/viz/histogram';
import { fillNormal, makeRng } from '../../../src/lib/math/rng';
import { normalPdf } from '../../../src/lib/viz/normal';

describe('histogram', () => {
  it('puts each value in its bin, the right edge in the last bin, and ignores out-of-range values', () => {
    const h = histogram([0, 0.49, 0.5, 0.99, 1, -0.1, 1.1], 0, 1, 2);
    expect(Array.from(h.counts)).toEqual([2, 3]);
    expect(h.n).toBe(7);
  });

  it('has density of total area 1 when every value is in range', () => {
    const h = histogram([0.1, 0.2, 0.3, 0.9], 0, 1, 10);
    const area = h.density.reduce((a, d) => a + d * h.width, 0);
    expect(area).toBeCloseTo(1, 12);
  });

  it('of many N(0,1) draws follows the normal pdf', () => {
    const values = fillNormal(new Float32Array(200_000), makeRng(3));
    const h = histogram(values, -4, 4, 40);
    for (let b = 0; b < 40; b++) {
      const mid = h.lo + (b + 0.5) * h.width;
      expect(Math.abs(h.density[b] - normalPdf(mid))).toBeLessThan(0.01);
    }
  });

  it('with a stride reads every stride-th value only', () => {
    const h = histogram([0, 5, 0, 5, 0, 5], -1, 1, 1, 2);
    expect(h.counts[0]).toBe(3);
    expect(h.n).toBe(3);
  });
});

describe('moments', () => {
  it('gives mean and population sd', () => {
    const m = moments([1, 2, 3, 4]);
    expect(m.mean).toBe(2.5);
    expect(m.sd).toBeCloseTo(Math.sqrt(1.25), 12);
  });
});
