import { describe, expect, it } from 'vitest';
import { SCENE_KINDS } from '../../../src/lib/data';
import { jobProblem } from '../../../src/lib/engine/protocol';
import { classIndexOf, ETA_GRID, GUIDANCE_GRID, gridValues, jobKey, nearestStepChoice, sampleJob, snapToGrid, STEP_CHOICES, type ReverseSettings } from '../../../src/lib/widgets/reverse-settings';

const base: ReverseSettings = { kind: 'coast', seed: 7, sampler: 'ddim', steps: 20, eta: 0, guidance: 2 };

describe('grids for η and w', () => {
  it('lists every value as a short decimal string, ends included', () => {
    expect(gridValues(ETA_GRID)).toEqual(['0', '0.1', '0.2', '0.3', '0.4', '0.5', '0.6', '0.7', '0.8', '0.9', '1']);
    expect(gridValues(GUIDANCE_GRID)[0]).toBe('0');
    expect(gridValues(GUIDANCE_GRID).at(-1)).toBe('8');
    expect(gridValues(GUIDANCE_GRID)).toContain('2.5');
  });

  it('snaps a link value to the nearest grid value and clamps it into range', () => {
    expect(snapToGrid(ETA_GRID, '0.33')).toBe('0.3');
    expect(snapToGrid(ETA_GRID, '0.36')).toBe('0.4');
    expect(snapToGrid(ETA_GRID, '7')).toBe('1');
    expect(snapToGrid(ETA_GRID, '-2')).toBe('0');
    expect(snapToGrid(GUIDANCE_GRID, '3.3')).toBe('3.5');
    expect(snapToGrid(GUIDANCE_GRID, '1e9')).toBe('8');
  });

  it('gives undefined (keep the default) for text, blanks and non-finite numbers', () => {
    for (const raw of ['abc', '', '  ', 'Infinity', 'NaN', null]) expect(snapToGrid(ETA_GRID, raw)).toBeUndefined();
  });

  it('every snapped value is one the URL state accepts', () => {
    const values = gridValues(ETA_GRID);
    for (let x = -0.5; x <= 1.5; x += 0.013) expect(values).toContain(snapToGrid(ETA_GRID, String(x)));
  });
});

describe('step counts', () => {
  it('maps a count to the nearest offered one on a log scale', () => {
    expect(nearestStepChoice(20)).toBe(20);
    expect(nearestStepChoice(30)).toBe(20);
    expect(nearestStepChoice(40)).toBe(50);
    expect(nearestStepChoice(1)).toBe(2);
    expect(nearestStepChoice(5000)).toBe(1000);
  });

  it('offers only counts the 1000-step model can run, in increasing order', () => {
    expect([...STEP_CHOICES].sort((a, b) => a - b)).toEqual([...STEP_CHOICES]);
    expect(Math.max(...STEP_CHOICES)).toBeLessThanOrEqual(1000);
  });
});

describe('the sampling job', () => {
  it('is a job the engine accepts, tapping every step', () => {
    const job = sampleJob(base);
    expect(jobProblem(job)).toBeNull();
    expect(job).toMatchObject({ model: 'base-64', sampler: 'ddim', steps: 20, eta: 0, seed: 7, guidance: 2, batch: 1, tapEvery: 1 });
  });

  it('conditions on the scene kind by its index in SCENE_KINDS (the training labels), or on none', () => {
    SCENE_KINDS.forEach((kind, i) => expect(classIndexOf(kind)).toBe(i));
    expect(sampleJob({ ...base, kind: 'any' }).classIndex).toBeNull();
  });

  it('does not guide without a class (guidance needs a conditional prediction)', () => {
    expect(sampleJob({ ...base, kind: 'any', guidance: 5 }).guidance).toBe(1);
  });

  it('DDPM ignores η, so the key does not change when η moves under DDPM', () => {
    const a = jobKey(sampleJob({ ...base, sampler: 'ddpm', eta: 0 }));
    const b = jobKey(sampleJob({ ...base, sampler: 'ddpm', eta: 0.7 }));
    expect(a).toBe(b);
    expect(jobKey(sampleJob({ ...base, eta: 0 }))).not.toBe(jobKey(sampleJob({ ...base, eta: 0.7 })));
  });

  it('the key changes with every setting that changes the image', () => {
    const keys = new Set([base, { ...base, seed: 8 }, { ...base, steps: 50 }, { ...base, kind: 'reef' as const }, { ...base, guidance: 3 }, { ...base, sampler: 'ddpm' as const }].map((s) => jobKey(sampleJob(s))));
    expect(keys.size).toBe(6);
  });
});
