import { describe, expect, it } from 'vitest';
import type { StepFrame } from '../../../src/lib/engine/protocol';
import { maxDifference, rmsDifference, Trajectory } from '../../../src/lib/widgets/trajectory';

function frame(i: number, steps: number, x0value: number): StepFrame {
  const n = 4 * 4 * 3;
  return { i, steps, t: 1000 - i * 10, tPrev: 990 - i * 10, shape: [1, 4, 4, 3], xt: new Float32Array(n), eps: new Float32Array(n), x0: new Float32Array(n).fill(x0value) };
}

describe('image differences', () => {
  it('RMS of a constant offset is the offset; identical images give 0', () => {
    expect(rmsDifference(new Float32Array([1, 1, 1, 1]), new Float32Array([0.5, 0.5, 0.5, 0.5]))).toBeCloseTo(0.5, 12);
    expect(rmsDifference(new Float32Array([0.3, -0.2]), new Float32Array([0.3, -0.2]))).toBe(0);
    expect(rmsDifference(new Float32Array([3, 0]), new Float32Array([0, 4]))).toBeCloseTo(Math.sqrt(12.5), 12);
  });

  it('max difference finds the single largest pixel', () => {
    expect(maxDifference(new Float32Array([0, 0, 0]), new Float32Array([0.1, -0.7, 0.2]))).toBeCloseTo(0.7, 6);
  });

  it('refuses images of different sizes', () => {
    expect(() => rmsDifference(new Float32Array(3), new Float32Array(4))).toThrow(/differ in size/);
    expect(() => maxDifference(new Float32Array(3), new Float32Array(4))).toThrow(/differ in size/);
  });
});

describe('Trajectory', () => {
  it('records the change of x̂₀ between consecutive steps, none before the first', () => {
    const t = new Trajectory(3);
    t.add(frame(0, 3, 0));
    t.add(frame(1, 3, 0.5));
    t.add(frame(2, 3, 0.6));
    expect(Number.isNaN(t.change[0])).toBe(true);
    expect(t.change[1]).toBeCloseTo(0.5, 6);
    expect(t.change[2]).toBeCloseTo(0.1, 6);
    expect(t.maxChange()).toBeCloseTo(0.5, 6);
    expect(t.complete).toBe(true);
  });

  it('counts only the unbroken prefix as arrived, and fills the change in when the gap closes', () => {
    const t = new Trajectory(3);
    t.add(frame(0, 3, 0));
    t.add(frame(2, 3, 1));
    expect(t.arrived).toBe(1);
    expect(Number.isNaN(t.change[2])).toBe(true);
    t.add(frame(1, 3, 0.25));
    expect(t.arrived).toBe(3);
    expect(t.change[2]).toBeCloseTo(0.75, 6);
  });

  it('shows the nearest arrived frame for a cursor beyond the run, and nothing before the first', () => {
    const t = new Trajectory(5);
    expect(t.at(0)).toBeUndefined();
    t.add(frame(0, 5, 0));
    t.add(frame(1, 5, 0));
    expect(t.at(4)?.i).toBe(1);
    expect(t.at(-3)?.i).toBe(0);
    expect(t.at(0.6)?.i).toBe(1);
  });

  it('rejects frames of another run or outside its steps, and bad step counts', () => {
    const t = new Trajectory(3);
    expect(() => t.add(frame(0, 4, 0))).toThrow(/4-step run/);
    expect(() => t.add(frame(3, 3, 0))).toThrow(/outside/);
    expect(() => new Trajectory(0)).toThrow(/positive integer/);
  });
});
