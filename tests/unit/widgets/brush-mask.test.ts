import { describe, expect, it } from 'vitest';
import { decodeMask, emptyMask, encodeMask, painted, stamp, stroke } from '../../../src/lib/widgets/brush-mask';

describe('the defect brush', () => {
  it('a stamp sets the cells whose centres lie in the disc, and erasing clears them', () => {
    const m = emptyMask(64);
    stamp(m, 0.5, 0.5, 4 / 64);
    // area of a radius-4 disc in cells is about π·16 ≈ 50
    expect(painted(m)).toBeGreaterThan(40);
    expect(painted(m)).toBeLessThan(60);
    expect(m.alpha[32 * 64 + 32]).toBe(1);
    expect(m.alpha[0]).toBe(0);
    stamp(m, 0.5, 0.5, 4 / 64, true);
    expect(painted(m)).toBe(0);
  });

  it('a fast stroke leaves no gap between its ends', () => {
    const m = emptyMask(64);
    stroke(m, [0.1, 0.5], [0.9, 0.5], 2 / 64);
    for (let i = 7; i <= 57; i++) expect(m.alpha[32 * 64 + i]).toBe(1);
  });

  it('round-trips through the link text, and an empty mask is the empty string', () => {
    const m = emptyMask(64);
    expect(encodeMask(m)).toBe('');
    stroke(m, [0.2, 0.2], [0.7, 0.4], 3 / 64);
    stamp(m, 1, 1, 0.05);
    const text = encodeMask(m);
    expect(text).toMatch(/^[A-Za-z0-9_-]{683}$/);
    const back = decodeMask(text, 64);
    expect('error' in back).toBe(false);
    if (!('error' in back)) expect(Array.from(back.alpha)).toEqual(Array.from(m.alpha));
  });

  it('a cut or edited link gives a reason, not a wrong mask', () => {
    const text = encodeMask((() => { const m = emptyMask(64); stamp(m, 0.5, 0.5, 0.1); return m; })());
    expect(decodeMask(text.slice(0, 100), 64)).toEqual({ error: expect.stringContaining('683 characters') });
    expect(decodeMask('*' + text.slice(1), 64)).toEqual({ error: expect.stringContaining('not base64url') });
    expect(() => emptyMask(0)).toThrow(/1\.\.256/);
  });
});
