import { describe, expect, it } from 'vitest';
import { energyOf, paintDifference, sharedScale, squaredDifference, stageEnergies } from '../../../src/lib/widgets/stage-difference';

describe('difference maps', () => {
  it('a pixel differing by d in every channel has squared difference d²; equal images give zero', () => {
    const a = new Float32Array(2 * 2 * 3);
    const b = a.slice();
    b.set([0.5, 0.5, 0.5], 3);
    expect(Array.from(squaredDifference(a, b))).toEqual([0, 0.25, 0, 0]);
    expect(energyOf(squaredDifference(a, b))).toBeCloseTo(0.0625, 12);
    expect(energyOf(squaredDifference(a, a))).toBe(0);
    expect(() => squaredDifference(a, new Float32Array(3))).toThrow(/differ in size/);
  });

  it('one scale for every stage: the largest value of any map, with a floor for all-zero maps', () => {
    expect(sharedScale([new Float32Array([0.1, 0.3]), null, new Float32Array([0.2])])).toBeCloseTo(0.3, 7);
    expect(sharedScale([new Float32Array(4)])).toBe(1e-6);
  });

  it('paints 0 black and the top pale, brighter for larger differences', () => {
    const out = paintDifference(new Float32Array([0, 0.25, 1]), 1, new Uint8ClampedArray(12));
    expect(Array.from(out.slice(0, 4))).toEqual([0, 0, 0, 255]);
    const lum = (o: number) => out[o] + out[o + 1] + out[o + 2];
    expect(lum(4)).toBeGreaterThan(0);
    expect(lum(8)).toBeGreaterThan(lum(4));
    expect(out[8]).toBe(255);
    expect(() => paintDifference(new Float32Array(2), 0, new Uint8ClampedArray(8))).toThrow(/> 0/);
  });

  it('stage energies are relative to the injected one at the first stage', () => {
    const e = stageEnergies([64, 256], [new Float32Array([0.5, 0]), new Float32Array([0.125, 0.125, 0, 0])]);
    expect(e[0]).toEqual({ size: 64, energy: 0.25, ratio: 1 });
    expect(e[1].ratio).toBeCloseTo(0.25, 6);
    expect(stageEnergies([64], [new Float32Array(2)])[0].ratio).toBe(0);
  });
});
