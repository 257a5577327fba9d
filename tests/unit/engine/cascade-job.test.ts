// The cascade's part of the protocol: jobs and defects are checked field by field with a reason, presets
// resolve to the pipeline's defects (a painted mask replacing the preset's), and images are transferred.
import { describe, expect, it } from 'vitest';
import { defectProblem, emptyBrush, PRESETS, resolveDefect, type CascadeJob, type PropagationJob } from '../../../src/lib/engine/cascade-job';
import { jobProblem, transferablesOf } from '../../../src/lib/engine/protocol';

const job: CascadeJob = { kind: 'cascade', base: 'base-64', sr: ['sr-256', 'sr-1024'], seed: 1, classIndex: 2, guidance: 3, steps: [20, 8, 4], aug: [0.1, 0], send: [0, 1, 2], previewEvery: 0 };

describe('cascade jobs', () => {
  it('a well-formed cascade or propagation job passes, with or without a start image, defects, sampler', () => {
    expect(jobProblem(job)).toBeNull();
    expect(jobProblem({ ...job, sr: [], steps: [5], aug: [], send: [0] })).toBeNull();
    expect(jobProblem({ ...job, start: new Float32Array(12), defects: [[{ preset: 'blob' }, PRESETS.noise], [], [{ preset: 'blur', mask: emptyBrush(4) }]], sampler: 'ddpm', eta: 1 })).toBeNull();
    const p: PropagationJob = { ...job, kind: 'propagation', maps: true, clean: [new Float32Array(3), new Float32Array(3), new Float32Array(3)] };
    expect(jobProblem(p)).toBeNull();
    expect(jobProblem({ ...p, clean: null })).toBeNull();
  });

  it.each([
    [{ base: '' }, 'base must be a model name'],
    [{ sr: ['sr-256', 3] }, 'sr must be a list of model names'],
    [{ seed: 1.5 }, 'seed must be an integer'],
    [{ classIndex: -1 }, 'classIndex must be an index or null'],
    [{ guidance: Number.NaN }, 'guidance must be ≥ 0'],
    [{ steps: [20, 0, 4] }, 'steps must be 3 positive integers (base first, then one per sr model)'],
    [{ aug: [0.1] }, 'aug must be 2 levels in [0, 1] (one per sr model)'],
    [{ sampler: 'euler' }, 'unknown sampler euler'],
    [{ eta: 2 }, 'eta must lie in [0, 1]'],
    [{ start: [0, 0, 0] }, 'start must be a Float32Array of finite values'],
    [{ start: new Float32Array([0, Number.NaN, 0]) }, 'start must be a Float32Array of finite values'],
    [{ defects: [[], [], [], []] }, 'defects must be a list of at most 3 lists (one per stage)'],
    [{ defects: [{ preset: 'blob' }] }, 'defects[0] must be a list'],
    [{ send: [0, 5] }, 'send must list stage indices in [0, 2]'],
    [{ previewEvery: -1 }, 'previewEvery must be an integer ≥ 0'],
    [{ kind: 'propagation' }, 'maps must be true or false'],
    [{ kind: 'propagation', maps: false, clean: [new Float32Array(3)] }, 'clean must be null or 3 Float32Arrays (one per stage)'],
  ])('refuses %o: %s', (over, reason) => {
    expect(jobProblem({ ...job, ...over })).toBe(reason);
  });

  it.each([
    [{ preset: 'smear' }, 'unknown preset smear (known: blob, noise, shift, blur)'],
    [{ preset: 'blob', mask: { kind: 'star' } }, 'unknown mask kind star'],
    [{ effect: { kind: 'paint', color: [1, 0] }, mask: { kind: 'all' } }, 'a paint effect needs a colour of 3 finite numbers'],
    [{ effect: { kind: 'shift', delta: [0, 0, Infinity] }, mask: { kind: 'all' } }, 'a shift effect needs a delta of 3 finite numbers'],
    [{ effect: { kind: 'noise', sigma: 0.5, seed: 0.5 }, mask: { kind: 'all' } }, 'a noise effect needs sigma ≥ 0 and an integer seed'],
    [{ effect: { kind: 'blur', sigma: 3 }, mask: { kind: 'all' } }, 'a blur effect needs sigma in [0, 0.25] (a fraction of the side)'],
    [{ effect: { kind: 'melt' }, mask: { kind: 'all' } }, 'unknown effect kind melt'],
    [{ effect: { kind: 'shift', delta: [0, 0, 0] }, mask: { kind: 'disc', cx: 0, cy: 0, r: -1 } }, 'a disc mask needs finite cx, cy and r ≥ 0'],
    [{ effect: { kind: 'shift', delta: [0, 0, 0] }, mask: { kind: 'rect', x: 0, y: 0, w: 1 } }, 'a rect mask needs finite x, y, w, h'],
    [{ effect: { kind: 'shift', delta: [0, 0, 0] }, mask: { kind: 'brush', size: 2, alpha: [1, 1, 1, 1] } }, 'a brush of size 2 needs a Float32Array of 4 finite weights'],
    [{ effect: { kind: 'shift', delta: [0, 0, 0] }, mask: { kind: 'brush', size: 4096, alpha: new Float32Array(1) } }, 'a brush size must be an integer in [1, 1024]'],
  ])('refuses the defect %o: %s', (defect, reason) => {
    expect(defectProblem(defect)).toBe(reason);
    expect(jobProblem({ ...job, defects: [[], [defect]] })).toBe(`defects[1]: ${reason}`);
  });

  it('a preset resolves to its own defect, or to its effect through a painted mask', () => {
    expect(resolveDefect({ preset: 'shift' })).toEqual(PRESETS.shift);
    const brush = emptyBrush(8);
    expect(resolveDefect({ preset: 'noise', mask: brush })).toEqual({ effect: PRESETS.noise.effect, mask: brush });
    expect(resolveDefect(PRESETS.blur)).toBe(PRESETS.blur);
  });
});

describe('transferablesOf, cascade messages', () => {
  it('moves a stage image and its fed copy, a preview, the difference maps, and a job\'s start and clean images, not a brush', () => {
    const [image, fed, x0, map] = [new Float32Array(12), new Float32Array(12), new Float32Array(12), new Float32Array(4)];
    expect(transferablesOf({ type: 'stage', id: 1, channel: 'c', stage: { chain: 'run', stage: 0, size: 2, seed: 1, ms: 3, image, fed } })).toEqual([image.buffer, fed.buffer]);
    expect(transferablesOf({ type: 'stage', id: 1, channel: 'c', stage: { chain: 'run', stage: 0, size: 2, seed: 1, ms: 3 } })).toEqual([]);
    expect(transferablesOf({ type: 'stage-progress', id: 1, channel: 'c', step: { chain: 'run', stage: 0, size: 2, step: 1, steps: 2, ms: 1, x0 } })).toEqual([x0.buffer]);
    const propagation = { at: 0, injected: 1, stages: [{ stage: 0, size: 2, energy: 1, ratio: null, map }, { stage: 1, size: 4, energy: 1, ratio: 1 }] };
    expect(transferablesOf({ type: 'cascade-result', id: 1, channel: 'c', stages: [], ms: 1, propagation })).toEqual([map.buffer]);
    const start = new Float32Array(12);
    const clean = [start, new Float32Array(48)];
    const brush = emptyBrush(4);
    const p: PropagationJob = { ...job, kind: 'propagation', maps: false, start, clean, defects: [[{ preset: 'blob', mask: brush }]] };
    expect(transferablesOf({ type: 'run', id: 1, channel: 'c', job: p })).toEqual([start.buffer, clean[1].buffer]);
  });
});
