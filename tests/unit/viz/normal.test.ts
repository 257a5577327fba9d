import { describe, expect, it } from 'vitest';
import { normalCurve, normalPdf } from '../../../src/lib/viz/normal';

describe('normalPdf', () => {
  it('peaks at 1/sqrt(2π) for the standard normal', () => {
    expect(normalPdf(0)).toBeCloseTo(0.3989422804, 9);
  });

  it('is symmetric and matches exp(-1/2)/sqrt(2π) at ±1', () => {
    expect(normalPdf(1)).toBeCloseTo(Math.exp(-0.5) / Math.sqrt(2 * Math.PI), 12);
    expect(normalPdf(-1)).toBe(normalPdf(1));
  });

  it('integrates to 1 (trapezoid rule on [-8, 8]), also when scaled and shifted', () => {
    for (const [mean, sd] of [[0, 1], [2, 0.5]]) {
      const pts = normalCurve(mean - 8 * sd, mean + 8 * sd, 4001, mean, sd);
      let area = 0;
      for (let i = 1; i < pts.length; i++) area += ((pts[i].y + pts[i - 1].y) / 2) * (pts[i].x - pts[i - 1].x);
      expect(area).toBeCloseTo(1, 6);
    }
  });
});
