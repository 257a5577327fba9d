import { describe, expect, it } from 'vitest';
import { centreSquare, fileProblem, MAX_FILE_BYTES, MAX_SIDE, rgbaToUnit, sideProblem } from '../../../../src/lib/widgets/the-autoencoder/upload-image';

describe('upload-image', () => {
  it('the centred square of a landscape picture keeps its full height and cuts equal margins left and right', () => {
    expect(centreSquare(1920, 1080)).toEqual({ sx: 420, sy: 0, side: 1080 });
  });

  it('the centred square of a portrait picture keeps its full width', () => {
    expect(centreSquare(600, 1001)).toEqual({ sx: 0, sy: 200, side: 600 });
    expect(centreSquare(512, 512)).toEqual({ sx: 0, sy: 0, side: 512 });
  });

  it('an empty or over-large file is refused before it is decoded', () => {
    expect(fileProblem({ size: 0 })).toBe('empty');
    expect(fileProblem({ size: MAX_FILE_BYTES + 1 })).toBe('too-big-file');
    expect(fileProblem({ size: MAX_FILE_BYTES })).toBeNull();
  });

  it('a picture over 8000 pixels a side is refused; a zero-sized one is not an image', () => {
    expect(MAX_SIDE).toBe(8000);
    expect(sideProblem(8001, 10)).toBe('too-many-pixels');
    expect(sideProblem(10, 8001)).toBe('too-many-pixels');
    expect(sideProblem(8000, 8000)).toBeNull();
    expect(sideProblem(0, 5)).toBe('not-an-image');
  });

  it('RGBA bytes map to [−1, 1] floats, the inverse of floatToRgba, and alpha is dropped', () => {
    const rgba = new Uint8ClampedArray([0, 255, 127.5, 0, 255, 0, 51, 255, 10, 20, 30, 40, 200, 100, 0, 128]);
    const out = rgbaToUnit(rgba, 2);
    expect(out.length).toBe(12);
    expect(out[0]).toBeCloseTo(-1, 6);
    expect(out[1]).toBeCloseTo(1, 6);
    expect(out[3]).toBeCloseTo(1, 6);
    expect(out[5]).toBeCloseTo(51 / 127.5 - 1, 6);
    expect(Array.from(out).every((v) => v >= -1 && v <= 1)).toBe(true);
    expect(() => rgbaToUnit(new Uint8ClampedArray(8), 2)).toThrow(RangeError);
  });
});
