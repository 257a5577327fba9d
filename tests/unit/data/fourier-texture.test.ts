import { describe, expect, it } from 'vitest';
import { makeField, rasterField } from '../../../src/lib/data/fourier-texture';

function raster(field: ReturnType<typeof makeField>, size: number): Float64Array {
  const r = rasterField(field, size, 0, 0, 1 / size, 1 / size);
  if (!r) throw new Error('field skipped');
  const out = new Float64Array(size * size);
  for (let j = 0; j < size; j++) {
    r.setRow(j);
    for (let i = 0; i < size; i++) out[j * size + i] = r.at(i);
  }
  return out;
}

describe('fourier texture', () => {
  const grain = makeField(11, { lo: 220, hi: 480 }, 12, 10);
  const fibre = makeField(12, { lo: 150, hi: 420, fibreAngle: 0.4, spread: 0.16 }, 10, 8);

  it('a field has unit variance at fine resolution', () => {
    for (const f of [grain, fibre]) {
      const v = raster(f, 2048);
      let s = 0, s2 = 0;
      for (const x of v) { s += x; s2 += x * x; }
      const mean = s / v.length;
      expect(Math.abs(mean)).toBeLessThan(0.05);
      expect(s2 / v.length - mean * mean).toBeGreaterThan(0.7);
      expect(s2 / v.length - mean * mean).toBeLessThan(1.3);
    }
  });

  it('the 64² raster is the exact 16×16 block mean of the 1024² raster', () => {
    const mottle = makeField(5, { lo: 40, hi: 120 }, 8, 6);
    for (const f of [mottle, grain]) {
      const fine = raster(f, 1024), coarse = raster(f, 64);
      let worst = 0;
      for (let J = 0; J < 64; J++)
        for (let I = 0; I < 64; I++) {
          let s = 0;
          for (let j = 0; j < 16; j++) for (let i = 0; i < 16; i++) s += fine[(J * 16 + j) * 1024 + I * 16 + i];
          worst = Math.max(worst, Math.abs(s / 256 - coarse[J * 64 + I]));
        }
      // Midpoint sampling of the fine level is itself an approximation at 1/1024: error ≪ the unit std.
      expect(worst).toBeLessThan(0.02);
    }
  });

  it('the fine band nearly vanishes at 64² and is skipped below a threshold', () => {
    const r = rasterField(grain, 64, 0, 0, 1 / 64, 1 / 64);
    expect(r === null || r.rms < 0.05).toBe(true);
    expect(rasterField(grain, 64, 0, 0, 1 / 64, 1 / 64, 0.5)).toBeNull();
    expect(rasterField(grain, 1024, 0, 0, 1 / 1024, 1 / 1024)!.rms).toBeGreaterThan(0.5);
  });
});
