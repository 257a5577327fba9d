// The blends of two noise vectors: slerp keeps the length of equal-length inputs (the property lesson 5's
// walk relies on), lerp shrinks it by the closed-form factor, and both end exactly at their endpoints.
import { describe, expect, it } from 'vitest';
import { fillNormal, makeRng } from '../../../src/lib/math/rng';
import { angleBetween, blend, lerp, norm, slerp } from '../../../src/lib/math/slerp';

const draw = (seed: number, n = 32_768) => fillNormal(new Float32Array(n), makeRng(seed));

describe('slerp and lerp', () => {
  it('return copies of the endpoints bit for bit at u = 0 and u = 1', () => {
    const a = draw(1, 100);
    const b = draw(2, 100);
    for (const f of [slerp, lerp]) {
      expect(Array.from(f(a, b, 0))).toEqual(Array.from(a));
      expect(Array.from(f(a, b, 1))).toEqual(Array.from(b));
      expect(f(a, b, 0)).not.toBe(a);
    }
  });

  it('slerp of two unit vectors at right angles follows the circle: (cos uπ/2, sin uπ/2)', () => {
    const a = Float32Array.of(1, 0);
    const b = Float32Array.of(0, 1);
    for (const u of [0.25, 0.5, 0.8]) {
      const v = slerp(a, b, u);
      expect(v[0]).toBeCloseTo(Math.cos((u * Math.PI) / 2), 6);
      expect(v[1]).toBeCloseTo(Math.sin((u * Math.PI) / 2), 6);
    }
  });

  it('on two Gaussian draws of 32,768 numbers, slerp keeps the length ≈ √d all the way; lerp drops to ≈ 0.71 of it half-way', () => {
    const a = draw(11);
    const b = draw(12);
    const d = Math.sqrt(a.length);
    expect(angleBetween(a, b)).toBeCloseTo(Math.PI / 2, 1); // independent draws in high dimension are nearly orthogonal
    for (const u of [0.1, 0.3, 0.5, 0.7]) expect(norm(slerp(a, b, u)) / d).toBeCloseTo(1, 1);
    // ‖(a + b)/2‖² = (‖a‖² + ‖b‖² + 2a·b)/4 ≈ d/2: a factor √½ ≈ 0.707.
    expect(norm(lerp(a, b, 0.5)) / d).toBeCloseTo(Math.SQRT1_2, 1);
    expect(norm(blend('lerp', a, b, 0.5))).toBeCloseTo(norm(lerp(a, b, 0.5)), 6);
  });

  it('nearly parallel vectors fall back to the linear blend; vectors of different lengths are refused', () => {
    const a = Float32Array.of(1, 2, 3);
    expect(Array.from(slerp(a, a, 0.4))).toEqual(Array.from(lerp(a, a, 0.4)));
    expect(() => slerp(a, Float32Array.of(1, 2), 0.5)).toThrow(/length/);
    expect(() => lerp(a, a, Number.NaN)).toThrow(/finite/);
  });
});
