import { describe, expect, it } from 'vitest';
import { jobProblem } from '../../../src/lib/engine/protocol';
import { CascadeChain, stageFraction } from '../../../src/lib/widgets/cascade-chain.svelte';
import { cascadeJob } from '../../../src/lib/widgets/cascade-engine';

describe('a cascade run as the page shows it', () => {
  it('fills each stage slot with its steps, then its image and time', () => {
    const chain = new CascadeChain();
    chain.reset([20, 10, 5]);
    expect(chain.state).toBe('loading');
    chain.progress(1, 4, 10);
    expect(chain.state).toBe('running');
    expect(stageFraction(chain.stages[1])).toBeCloseTo(0.4, 9);
    chain.finish(0, new Float32Array(64 * 64 * 3), 120);
    chain.finish(1, new Float32Array(256 * 256 * 3), 300);
    expect(stageFraction(chain.stages[1])).toBe(1);
    expect(chain.totalMs).toBe(420);
    expect(chain.complete).toBe(false);
    chain.finish(2, new Float32Array(1024 * 1024 * 3), 900);
    expect(chain.complete).toBe(true);
  });

  it('refuses an image of the wrong size for its stage', () => {
    const chain = new CascadeChain();
    chain.reset([20, 10, 5]);
    expect(() => chain.finish(1, new Float32Array(64 * 64 * 3), 1)).toThrow(/256×256×3/);
  });

  it('a reset from stage 1 keeps the 64² image, and a failure keeps its code', () => {
    const chain = new CascadeChain();
    chain.reset([20, 10, 5]);
    const base = new Float32Array(64 * 64 * 3);
    chain.finish(0, base, 50);
    chain.reset([20, 2, 2], 1);
    expect(chain.stages[0].image).toBe(base);
    expect(chain.stages[1]).toMatchObject({ steps: 2, image: null, ms: null });
    chain.fail('nan-output');
    expect(chain).toMatchObject({ state: 'error', failure: 'nan-output' });
  });
});

describe('the lesson’s engine job', () => {
  it('is a valid cascade job of the three models, and a valid propagation job with a brush defect', () => {
    const job = cascadeJob({ classIndex: 3, seed: 5, steps: [20, 10, 5], aug: [0.1, 0.3] });
    expect(jobProblem(job)).toBeNull();
    expect(job).toMatchObject({ base: 'base-64', sr: ['sr-256', 'sr-1024'], steps: [20, 10, 5], aug: [0.1, 0.3], send: [0, 1, 2] });
    const brush = { kind: 'brush' as const, size: 64, alpha: new Float32Array(64 * 64) };
    const propagation = { ...job, kind: 'propagation' as const, start: new Float32Array(64 * 64 * 3), defects: [[{ preset: 'blob' as const, mask: brush }]], clean: null, maps: true };
    expect(jobProblem(propagation)).toBeNull();
  });
});
