// Lesson 5's settings as jobs: deterministic DDIM at guidance 1, the two disturb edits after step k and after
// the last, the walk's start (none at u = 0), and notes for every link value that had to change.
import { describe, expect, it } from 'vitest';
import { disturbEdits, latentJob, linkNotes, midStep, snapLatentSteps, walkStart } from '../../../../src/lib/widgets/latent-diffusion/latent-settings';

describe('lesson 5 settings', () => {
  it('a job is deterministic DDIM on latent-64 and the vae, the null class for “any”', () => {
    expect(latentJob({ kind: 'any', seed: 3, steps: 20 })).toMatchObject({ model: 'latent-64', vae: 'vae', classIndex: null, guidance: 1, sampler: 'ddim', eta: 0, seed: 3, steps: 20 });
    expect(latentJob({ kind: 'coast', seed: 3, steps: 20 }).classIndex).toBe(1);
  });

  it('the half-way edit goes in after step k (index k − 1), clamped inside the run; the late one after the last step', () => {
    expect(disturbEdits('noise', 10, 20)).toEqual({ mid: { at: 9, space: 'preview', defect: { preset: 'noise' }, onImage: true }, late: { at: 19, space: 'preview', defect: { preset: 'noise' }, onImage: true } });
    expect([midStep(0, 20), midStep(40, 20), midStep(3, 5)]).toEqual([1, 19, 3]);
  });

  it('step counts snap to the offered ones on a log scale; the walk starts from the seed’s own noise at u = 0', () => {
    expect([snapLatentSteps('7'), snapLatentSteps('30'), snapLatentSteps('1000'), snapLatentSteps('x')]).toEqual([5, 20, 50, undefined]);
    expect(walkStart(4, 0, 'slerp')).toBeUndefined();
    expect(walkStart(4, 0.30000000000000004, 'lerp')).toEqual({ seedB: 4, u: 0.3, blend: 'lerp' });
  });

  it('notes each link value that was changed, keeps quiet about equal ones written differently and about absent keys', () => {
    const params = new URLSearchParams('kind=volcano&steps=20&u=0.50&seed=');
    expect(linkNotes(params, { kind: 'coast', steps: '20', u: '0.5', seed: 7, at: 10 })).toEqual([
      { key: 'kind', raw: 'volcano', used: 'coast' },
      { key: 'seed', raw: '', used: '7' },
    ]);
  });
});
