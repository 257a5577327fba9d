import { describe, expect, it } from 'vitest';
import { makeSchedule } from '../../src/lib/diffusion/schedule';
import { drawLowNoiseSteps, stepOfSigma } from '../../train/sr-low-noise';
import { srHeldOutBatch } from '../../train/sr-data';
import { srStepNoise } from '../../train/sr-objective';
import { checkConfig, type TrainConfig } from '../../train/train-config';
import { tinySrConfig } from './sr-harness';

const schedule = makeSchedule('cosine', { T: 1000 });
const sigmaOf = (t: number) => Math.sqrt(schedule.oneMinusAlphaBar[t] / schedule.alphaBar[t]);

describe('low-noise t draws of the SR objective (sr.lowNoiseShare, EDM p_train)', () => {
  it('stepOfSigma inverts σ_t = √((1−ᾱ)/ᾱ) and clamps to 1..T', () => {
    for (const t of [1, 2, 17, 56, 179, 500, 900, 999]) expect(stepOfSigma(schedule, sigmaOf(t))).toBe(t);
    // between two steps it takes the nearer in log σ
    const mid = Math.sqrt(sigmaOf(40) * sigmaOf(41));
    expect([40, 41]).toContain(stepOfSigma(schedule, mid));
    expect(stepOfSigma(schedule, sigmaOf(40) * 1.0001)).toBe(40);
    expect(stepOfSigma(schedule, 1e-9)).toBe(1);
    expect(stepOfSigma(schedule, 1e9)).toBe(1000);
  });

  it('leaves t alone before `from` or with share 0, and redraws about `share` of them from then on', () => {
    const base = Array.from({ length: 16 }, (_, i) => 900 + i);
    const s = { share: 0.5, from: 10, sigmaData: 0.1 };
    expect(drawLowNoiseSteps([...base], 1, 9, s, schedule)).toEqual(base);
    expect(drawLowNoiseSteps([...base], 1, 10, { ...s, share: 0 }, schedule)).toEqual(base);
    let changed = 0;
    for (let step = 10; step < 110; step++) changed += drawLowNoiseSteps([...base], 1, step, s, schedule).filter((t, i) => t !== base[i]).length;
    expect(changed / 1600).toBeGreaterThan(0.45);
    expect(changed / 1600).toBeLessThan(0.55);
    // a pure function of (seed, step)
    expect(drawLowNoiseSteps([...base], 1, 12, s, schedule)).toEqual(drawLowNoiseSteps([...base], 1, 12, s, schedule));
    expect(drawLowNoiseSteps([...base], 2, 12, s, schedule)).not.toEqual(drawLowNoiseSteps([...base], 1, 12, s, schedule));
  });

  it('centres the redrawn σ on σ_d with EDM\'s spread: median σ ≈ σ_d, ln σ std ≈ 1.2', () => {
    const logs: number[] = [];
    for (let step = 0; step < 400; step++) {
      for (const t of drawLowNoiseSteps(new Array(16).fill(0), 7, step, { share: 1, from: 0, sigmaData: 0.1 }, schedule)) logs.push(Math.log(sigmaOf(t)));
    }
    logs.sort((a, b) => a - b);
    const median = Math.exp(logs[logs.length >> 1]);
    expect(median).toBeGreaterThan(0.09);
    expect(median).toBeLessThan(0.11);
    const q16 = logs[Math.floor(0.16 * logs.length)], q84 = logs[Math.floor(0.84 * logs.length)];
    expect((q84 - q16) / 2).toBeGreaterThan(1.1); // t is a whole step, so the spread is a little rounded
    expect((q84 - q16) / 2).toBeLessThan(1.3);
    expect(logs.filter((l) => Math.exp(l) > 0.3).length / logs.length).toBeLessThan(0.25); // vs 82% of U{1..1000}
  });

  it('in srStepNoise it changes only t: ε, aug levels and aug noise are the draws without it', () => {
    const plain = tinySrConfig({ steps: 40 });
    const low = tinySrConfig({ steps: 40, sr: { ...plain.sr!, lowNoiseShare: 0.5, lowNoiseFrom: 5 } });
    const batch = srHeldOutBatch(plain, 8);
    expect(srStepNoise(low, 4, batch)).toEqual(srStepNoise(plain, 4, batch));
    const a = srStepNoise(plain, 5, batch), b = srStepNoise(low, 5, batch);
    expect(b.eps).toEqual(a.eps);
    expect(b.augEps).toEqual(a.augEps);
    expect(b.augLevels).toEqual(a.augLevels);
    expect(b.t).not.toEqual(a.t);
  });

  it('the config check wants a share in [0, 1], a whole start step and the σ_d it centres on', () => {
    const c = tinySrConfig({ steps: 40 });
    const withSr = (sr: object) => ({ ...c, sr: { ...c.sr!, ...sr } }) as TrainConfig;
    expect(() => checkConfig(withSr({ lowNoiseShare: 0.5, lowNoiseFrom: 3 }))).not.toThrow();
    expect(() => checkConfig(withSr({ lowNoiseShare: 1.5 }))).toThrow(/sr\.lowNoiseShare/);
    expect(() => checkConfig(withSr({ lowNoiseShare: 0.5, lowNoiseFrom: 2.5 }))).toThrow(/sr\.lowNoiseFrom/);
    expect(() => checkConfig(withSr({ lowNoiseShare: 0.5, residualStd: undefined, varianceWeightFrom: undefined }))).toThrow(/sr\.lowNoiseShare/);
  });
});
