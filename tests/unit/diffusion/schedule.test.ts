// Schedules against their closed forms and the computed reference values of science.md §1.2.
import { describe, expect, it } from 'vitest';
import {
  SCHEDULE_NAMES,
  alphaBarFromSnr,
  countTBelow,
  firstTBelow,
  makeSchedule,
  pooledSnr,
  snrAt,
} from '../../../src/lib/diffusion/schedule';

/** Relative closeness to the number of significant digits science.md prints. */
function expectSig(actual: number, expected: number, digits: number): void {
  expect(Number(actual.toPrecision(digits))).toBe(expected);
}

describe('schedule conventions', () => {
  it.each(SCHEDULE_NAMES)('%s has arrays of length T+1 with alphaBar[0] = 1 and betas[0] = 0', (name) => {
    const s = makeSchedule(name, { T: 1000 });
    for (const arr of [s.betas, s.alphas, s.alphaBar, s.oneMinusAlphaBar, s.snr, s.logSnr, s.posteriorVariance]) {
      expect(arr.length).toBe(1001);
    }
    expect(s.alphaBar[0]).toBe(1);
    expect(s.betas[0]).toBe(0);
    expect(s.snr[0]).toBe(Infinity);
  });

  it.each(SCHEDULE_NAMES)('%s: alphaBar is the running product of 1−β and decreases strictly', (name) => {
    const s = makeSchedule(name);
    let prod = 1;
    for (let t = 1; t <= s.T; t++) {
      prod *= 1 - s.betas[t];
      expect(s.alphaBar[t]).toBeCloseTo(prod, 15);
      expect(s.alphas[t]).toBe(1 - s.betas[t]);
      expect(s.alphaBar[t]).toBeLessThan(s.alphaBar[t - 1]);
      expect(s.oneMinusAlphaBar[t] / (1 - s.alphaBar[t])).toBeCloseTo(1, 6);
      expect(s.logSnr[t]).toBeCloseTo(Math.log(s.alphaBar[t] / (1 - s.alphaBar[t])), 6);
    }
  });

  it('linear betas are linspace(1e-4, 0.02, 1000) at t = 1..T', () => {
    const s = makeSchedule('linear');
    expect(s.betas[1]).toBeCloseTo(1e-4, 15);
    expect(s.betas[1000]).toBeCloseTo(0.02, 15);
    expect(s.betas[500]).toBeCloseTo(1e-4 + (0.0199 * 499) / 999, 15);
  });

  it('scaled-linear betas are squares of linspace(√0.00085, √0.012)', () => {
    const s = makeSchedule('scaled-linear');
    expect(s.betas[1]).toBeCloseTo(0.00085, 15);
    expect(s.betas[1000]).toBeCloseTo(0.012, 15);
    const root = Math.sqrt(0.00085) + ((Math.sqrt(0.012) - Math.sqrt(0.00085)) * 499) / 999;
    expect(s.betas[500]).toBeCloseTo(root * root, 15);
  });

  it('cosine alphaBar follows f(t)/f(0), f = cos²(((t/T + s)/(1 + s))·π/2), below the clipped last step', () => {
    const s = makeSchedule('cosine');
    const f = (t: number) => Math.cos((((t / 1000 + 0.008) / 1.008) * Math.PI) / 2) ** 2;
    for (const t of [1, 10, 100, 500, 900, 999]) expect(s.alphaBar[t] / (f(t) / f(0))).toBeCloseTo(1, 10);
  });

  it('cosine betas are at most 0.999, and only the last step is clipped', () => {
    const s = makeSchedule('cosine');
    for (let t = 1; t <= 1000; t++) expect(s.betas[t]).toBeLessThanOrEqual(0.999);
    expect(s.betas[1000]).toBe(0.999);
    expect(s.betas[999]).toBeLessThan(0.999);
  });

  it('posteriorVariance is β_t(1−ᾱ_{t−1})/(1−ᾱ_t), 0 at t = 1 and below β_t after', () => {
    const s = makeSchedule('linear');
    expect(s.posteriorVariance[1]).toBe(0);
    for (const t of [2, 100, 487, 1000]) {
      const closed = (s.betas[t] * (1 - s.alphaBar[t - 1])) / (1 - s.alphaBar[t]);
      expect(s.posteriorVariance[t]).toBeCloseTo(closed, 12);
      expect(s.posteriorVariance[t]).toBeLessThan(s.betas[t]);
    }
  });

  it('T is configurable: T = 10 gives 11 entries and a linear β from 1e-4 to 0.02', () => {
    const s = makeSchedule('linear', { T: 10 });
    expect(s.betas.length).toBe(11);
    expect(s.betas[10]).toBeCloseTo(0.02, 15);
  });

  it('rejects a non-integer T and a non-positive resolution', () => {
    expect(() => makeSchedule('linear', { T: 10.5 })).toThrow(RangeError);
    expect(() => makeSchedule('shifted-cosine', { resolution: 0 })).toThrow(RangeError);
  });

  it('schedules are memoized: the same options give the same object', () => {
    expect(makeSchedule('cosine')).toBe(makeSchedule('cosine', { T: 1000 }));
    expect(makeSchedule('shifted-cosine', { resolution: 256 })).toBe(makeSchedule('shifted-cosine', { resolution: 256 }));
    expect(makeSchedule('shifted-cosine', { resolution: 256 })).not.toBe(makeSchedule('shifted-cosine', { resolution: 512 }));
  });
});

describe('reference values (science.md §1.2, T = 1000, t = 0..T with ᾱ_0 = 1)', () => {
  // Strings exactly as science.md prints them; each is checked to its printed significant digits.
  // Cosine SNR at t = 1000 is printed "≈0"; its computed value 2.4e-9 (= ᾱ_T) is checked instead.
  const table: [number, string, string, string, string, string][] = [
    // t, linear ᾱ, linear SNR, cosine ᾱ, cosine SNR, scaled-linear ᾱ
    [50, '0.971', '33.5', '0.992', '124', '0.953'],
    [250, '0.524', '1.10', '0.847', '5.5', '0.675'],
    [500, '0.079', '0.085', '0.494', '0.98', '0.278'],
    [750, '0.0034', '0.0034', '0.144', '0.17', '0.057'],
    [1000, '4.0e-5', '4.0e-5', '2.4e-9', '2.4e-9', '0.0047'],
  ];
  const check = (actual: number, printed: string) => {
    const digits = printed.replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length;
    expectSig(actual, Number(printed), digits);
  };
  it.each(table)('t = %i: linear ᾱ %s, SNR %s; cosine ᾱ %s, SNR %s; scaled-linear ᾱ %s', (t, la, ls, ca, cs, sa) => {
    check(makeSchedule('linear').alphaBar[t], la);
    check(makeSchedule('linear').snr[t], ls);
    check(makeSchedule('cosine').alphaBar[t], ca);
    check(makeSchedule('cosine').snr[t], cs);
    check(makeSchedule('scaled-linear').alphaBar[t], sa);
  });

  it('SNR first drops below 1 at t = 260 (linear) and t = 497 (cosine)', () => {
    expect(firstTBelow(makeSchedule('linear'), 1)).toBe(260);
    expect(firstTBelow(makeSchedule('cosine'), 1)).toBe(497);
    expect(firstTBelow(makeSchedule('linear'), 0)).toBe(-1);
  });

  it('326 linear steps and 64 cosine steps have SNR < 0.01', () => {
    expect(countTBelow(makeSchedule('linear'), 0.01)).toBe(326);
    expect(countTBelow(makeSchedule('cosine'), 0.01)).toBe(64);
  });

  it('Stable Diffusion never reaches zero SNR: √ᾱ_T = 0.068', () => {
    expectSig(Math.sqrt(makeSchedule('scaled-linear').alphaBar[1000]), 0.068, 2);
  });

  it('linear posterior variance is 0.00979 at the reference\'s 0-based index 487, i.e. our t = 488', () => {
    // science.md quotes β̃ at "t = 487" from improved-diffusion's 0-based arrays; our t = 487 gives 0.009772.
    expectSig(makeSchedule('linear').posteriorVariance[488], 0.00979, 3);
    expectSig(makeSchedule('linear').posteriorVariance[487], 0.00977, 3);
  });
});

describe('resolution shift (simple diffusion Eq. 4–5)', () => {
  it('shifted-cosine at the default resolution 64 is identical to cosine', () => {
    const a = makeSchedule('shifted-cosine');
    const b = makeSchedule('cosine');
    expect(a.resolution).toBe(64);
    expect(Array.from(a.alphaBar)).toEqual(Array.from(b.alphaBar));
  });

  it('shifted-cosine at 1024 has logSnr = cosine − 2·ln 16 (−5.55) at every t in (0, T)', () => {
    const shifted = makeSchedule('shifted-cosine', { resolution: 1024 });
    const cosine = makeSchedule('cosine');
    const shift = -2 * Math.log(16);
    expect(shift).toBeCloseTo(-5.545, 3);
    for (let t = 1; t < 1000; t++) expect(shifted.logSnr[t] - cosine.logSnr[t]).toBeCloseTo(shift, 8);
  });

  it('shifted-cosine at 256 shifts log-SNR by −2·ln 4 (−2.77) and is noisier at every t', () => {
    const shifted = makeSchedule('shifted-cosine', { resolution: 256 });
    const cosine = makeSchedule('cosine');
    expect(shifted.logSnr[500] - cosine.logSnr[500]).toBeCloseTo(-2 * Math.log(4), 8);
    for (let t = 1; t <= 1000; t++) expect(shifted.alphaBar[t]).toBeLessThan(cosine.alphaBar[t]);
  });

  it('pooling 16×16 multiplies SNR by 256: cosine t = 500 pooled to 64² has ᾱ ≈ 0.996', () => {
    const snr = snrAt(makeSchedule('cosine'), 500);
    expect(pooledSnr(snr, 16)).toBeCloseTo(snr * 256, 12);
    expectSig(alphaBarFromSnr(pooledSnr(snr, 16)), 0.996, 3);
  });

  it('alphaBarFromSnr inverts the SNR of every step and maps ∞ to 1', () => {
    const s = makeSchedule('linear');
    for (const t of [1, 300, 1000]) expect(alphaBarFromSnr(s.snr[t])).toBeCloseTo(s.alphaBar[t], 14);
    expect(alphaBarFromSnr(Infinity)).toBe(1);
  });

  it('snrAt rejects a t outside 0..T', () => {
    expect(() => snrAt(makeSchedule('linear'), 1001)).toThrow(RangeError);
    expect(() => snrAt(makeSchedule('linear'), 2.5)).toThrow(RangeError);
  });
});
