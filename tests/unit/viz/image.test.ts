import { describe, expect, it } from 'vitest';
import { floatToRgba, sideOf } from '../../../src/lib/viz/image';

describe('floatToRgba', () => {
  it('maps -1, 0 and 1 to 0, 128 and 255 and sets alpha to 255', () => {
    const img = new Float32Array([-1, 0, 1]);
    const out = floatToRgba(img, new Uint8ClampedArray(4));
    expect(Array.from(out)).toEqual([0, 128, 255, 255]);
  });

  it('clips noisy values outside [-1, 1] instead of wrapping', () => {
    const out = floatToRgba(new Float32Array([-3.5, 2.2, 1.0001]), new Uint8ClampedArray(4));
    expect(Array.from(out)).toEqual([0, 255, 255, 255]);
  });

  it('keeps pixel order: pixel p goes to bytes 4p..4p+3', () => {
    const img = new Float32Array([1, 1, 1, -1, -1, -1]);
    const out = floatToRgba(img, new Uint8ClampedArray(8));
    expect(Array.from(out)).toEqual([255, 255, 255, 255, 0, 0, 0, 255]);
  });

  it('rejects an output buffer of the wrong size', () => {
    expect(() => floatToRgba(new Float32Array(6), new Uint8ClampedArray(4))).toThrow(RangeError);
  });
});

describe('sideOf', () => {
  it('recovers the side of a square RGB image and rejects other lengths', () => {
    expect(sideOf(64 * 64 * 3)).toBe(64);
    expect(() => sideOf(64 * 63 * 3)).toThrow(RangeError);
  });
});
