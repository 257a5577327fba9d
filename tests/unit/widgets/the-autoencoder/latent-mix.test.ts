import { describe, expect, it } from 'vitest';
import { channelStats, meanPosteriorStd, mixLatent, overallStats, priorLatent, symmetricRange } from '../../../../src/lib/widgets/the-autoencoder/latent-mix';

/** An HWC latent of side²·c values where channel k has mean k and spread k + 1 (a ramp). */
function ramp(side: number, c: number): Float32Array {
  const z = new Float32Array(side * side * c);
  for (let p = 0; p < side * side; p++) for (let k = 0; k < c; k++) z[p * c + k] = k + (k + 1) * Math.sin(p * 0.37 + k);
  return z;
}

describe('latent-mix', () => {
  it('channel statistics are taken per channel of the HWC layout', () => {
    const z = new Float32Array([1, 10, 3, 30]); // two cells, two channels
    const s = channelStats(z, 2);
    expect(s.mean).toEqual([2, 20]);
    expect(s.std[0]).toBeCloseTo(1, 9);
    expect(s.std[1]).toBeCloseTo(10, 9);
    expect(() => channelStats(new Float32Array(5), 2)).toThrow(RangeError);
  });

  it('m = 0 gives the latent back exactly', () => {
    const z = ramp(8, 4);
    expect(Array.from(mixLatent(z, 4, 0, 1))).toEqual(Array.from(z));
  });

  it('every m keeps each channel’s mean and spread (up to sampling error), as the forward process does around the mean', () => {
    const z = ramp(64, 4);
    const before = channelStats(z, 4);
    for (const m of [0.3, 0.7, 1]) {
      const after = channelStats(mixLatent(z, 4, m, 7), 4);
      for (let k = 0; k < 4; k++) {
        expect(Math.abs(after.mean[k] - before.mean[k])).toBeLessThan(0.08 * before.std[k]);
        expect(after.std[k] / before.std[k]).toBeGreaterThan(0.9);
        expect(after.std[k] / before.std[k]).toBeLessThan(1.1);
      }
    }
  });

  it('m = 1 keeps nothing of the arrangement: the mix no longer correlates with the latent', () => {
    const z = ramp(64, 2);
    const mixed = mixLatent(z, 2, 1, 3);
    let dot = 0;
    let a2 = 0;
    let b2 = 0;
    const s = channelStats(z, 2);
    for (let i = 0; i < z.length; i += 2) {
      const a = z[i] - s.mean[0];
      const b = mixed[i] - s.mean[0];
      dot += a * b;
      a2 += a * a;
      b2 += b * b;
    }
    expect(Math.abs(dot / Math.sqrt(a2 * b2))).toBeLessThan(0.06);
  });

  it('the mix is seeded: the same seed gives the same noise', () => {
    const z = ramp(8, 2);
    expect(Array.from(mixLatent(z, 2, 0.5, 9))).toEqual(Array.from(mixLatent(z, 2, 0.5, 9)));
    expect(Array.from(mixLatent(z, 2, 0.5, 9))).not.toEqual(Array.from(mixLatent(z, 2, 0.5, 10)));
    expect(() => mixLatent(z, 2, 1.5, 1)).toThrow(RangeError);
  });

  it('a latent drawn from the prior has about mean 0 and standard deviation 1', () => {
    const z = priorLatent(64, 8, 5);
    expect(z.length).toBe(64 * 64 * 8);
    const s = overallStats(z);
    expect(Math.abs(s.mean)).toBeLessThan(0.02);
    expect(s.std).toBeGreaterThan(0.98);
    expect(s.std).toBeLessThan(1.02);
  });

  it('the mean posterior σ is the mean of exp(logvar / 2)', () => {
    expect(meanPosteriorStd(new Float32Array([0, Math.log(4)]))).toBeCloseTo(1.5, 6);
  });

  it('the histogram range is symmetric, holds nearly all values and never less than [−4, 4]', () => {
    expect(symmetricRange(new Float32Array([0.1, -0.2]))).toBe(4);
    const wide = Float32Array.from({ length: 1000 }, (_, i) => (i - 500) / 50); // −10 … 9.98
    expect(symmetricRange(wide)).toBe(10);
  });
});
