import { describe, expect, it } from 'vitest';
import { lrAt } from '../../train/lr-schedule';

describe('learning-rate schedule', () => {
  const s = { lr: 1e-3, minLr: 1e-4, warmup: 10, steps: 110 };
  it('rises linearly during warm-up and peaks at its end', () => {
    expect(lrAt(s, 0)).toBeCloseTo(1e-4, 12);
    expect(lrAt(s, 4)).toBeCloseTo(5e-4, 12);
    expect(lrAt(s, 9)).toBeCloseTo(1e-3, 12);
    expect(lrAt(s, 10)).toBeCloseTo(1e-3, 12);
  });
  it('follows a half cosine down to minLr at the last step', () => {
    expect(lrAt(s, 60)).toBeCloseTo((1e-3 + 1e-4) / 2, 12);
    expect(lrAt(s, 110)).toBeCloseTo(1e-4, 12);
    for (let i = 11; i < 110; i++) expect(lrAt(s, i)).toBeLessThanOrEqual(lrAt(s, i - 1));
  });
});
