import { describe, expect, it } from 'vitest';
import { f16BitsToF32, f32ToF16Bits, readFloat16, writeFloat16 } from '../../../src/lib/models/float16';
import { makeRng } from '../../../src/lib/math/rng';

describe('float16', () => {
  it('encodes exactly representable values to their IEEE bit patterns', () => {
    const cases: [number, number][] = [
      [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff],
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -24, 0x0001], // smallest subnormal
      [1023 * 2 ** -24, 0x03ff], // largest subnormal
      [1 / 3, 0x3555],
    ];
    for (const [v, bits] of cases) expect(f32ToF16Bits(v), `${v}`).toBe(bits);
  });

  it('maps ±Inf to ±Inf, NaN to a NaN, and overflow past 65520 to Inf', () => {
    expect(f32ToF16Bits(Infinity)).toBe(0x7c00);
    expect(f32ToF16Bits(-Infinity)).toBe(0xfc00);
    expect(Number.isNaN(f16BitsToF32(f32ToF16Bits(NaN)))).toBe(true);
    expect(f32ToF16Bits(65519)).toBe(0x7bff); // below the halfway point to 2^16: stays at the max
    expect(f32ToF16Bits(65520)).toBe(0x7c00); // halfway: ties to even (0x7bff is odd) → Inf
    expect(f32ToF16Bits(1e6)).toBe(0x7c00);
    expect(f32ToF16Bits(-1e6)).toBe(0xfc00);
  });

  it('rounds ties to even, in normals and subnormals', () => {
    // 1 + 2^-11 is halfway between 1 (even mantissa) and 1 + 2^-10: → 1.
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00);
    // 1 + 3·2^-11 is halfway between 1 + 2^-10 (odd) and 1 + 2^-9 (even): → up.
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(f32ToF16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just above halfway → up
    expect(f32ToF16Bits(2 ** -25)).toBe(0x0000); // halfway between 0 and the smallest subnormal → 0 (even)
    expect(f32ToF16Bits(1.5 * 2 ** -24)).toBe(0x0002); // halfway between 1 and 2 subnormal units → 2
    expect(f32ToF16Bits(2 ** -25 + 2 ** -35)).toBe(0x0001); // above halfway → smallest subnormal
    expect(f32ToF16Bits(2 ** -26)).toBe(0x0000);
    expect(f32ToF16Bits(-(2 ** -26))).toBe(0x8000); // signed zero survives underflow
    expect(f32ToF16Bits(2 ** -14 - 2 ** -26)).toBe(0x0400); // rounds up from subnormal into the smallest normal
  });

  it('decodes every finite half and re-encodes it to the same bits', () => {
    for (let h = 0; h < 0x10000; h++) {
      const exp = (h >>> 10) & 0x1f;
      if (exp === 0x1f) continue;
      expect(f32ToF16Bits(f16BitsToF32(h))).toBe(h);
    }
    expect(f16BitsToF32(0x7c00)).toBe(Infinity);
    expect(f16BitsToF32(0xfc00)).toBe(-Infinity);
    expect(Number.isNaN(f16BitsToF32(0x7e00))).toBe(true);
    expect(Object.is(f16BitsToF32(0x8000), -0)).toBe(true);
  });

  it('round-trips normal-range values within half an ulp (relative error ≤ 2^-11)', () => {
    const rng = makeRng(7);
    const src = new Float32Array(20000);
    for (let i = 0; i < src.length; i++) src[i] = rng.normal() * 10 ** rng.range(-4, 4);
    const view = new DataView(new ArrayBuffer(src.length * 2));
    writeFloat16(src, view, 0);
    const back = readFloat16(view, 0, src.length);
    let worst = 0;
    for (let i = 0; i < src.length; i++) {
      if (Math.abs(src[i]) < 2 ** -14) continue; // subnormal range: absolute error ≤ 2^-25 instead
      worst = Math.max(worst, Math.abs(back[i] - src[i]) / Math.abs(src[i]));
    }
    expect(worst).toBeLessThanOrEqual(2 ** -11);
    expect(worst).toBeGreaterThan(2 ** -13); // the test data actually exercised rounding
  });

  it('writes little-endian bytes', () => {
    const view = new DataView(new ArrayBuffer(2));
    writeFloat16(new Float32Array([1]), view, 0);
    expect([view.getUint8(0), view.getUint8(1)]).toEqual([0x00, 0x3c]);
  });
});
