// Lesson 6's cost table (cost-figures.ts): the runs of both pipelines in order with their sums, the overfitting
// gaps (base-64's own, else the one latent-64's evaluation measured for it), and the quality figures, each null
// when the manifests lack it ("not measured yet"), never filled in.
import { describe, expect, it } from 'vitest';
import { costFigures, recordedDefect, trainingRuns } from '../../../../src/lib/widgets/cascade-vs-latent/cost-figures';

const unet = (name: string, extra: object = {}) => ({ name, steps: 10, wallTimeSeconds: 100, flops: [{ height: 64, flopsPerImage: 1e9 }], data: { details: { batch: 4 } }, ...extra });
const vae = { name: 'vae', wallTimeSeconds: 60, flops: [{ height: 256, encoder: 1, decoder: 2 }, { height: 1024, encoder: 16, decoder: 32 }], data: { details: { batch: 2, crop: 256 } }, phases: { phase1Steps: 6, phase2Steps: 0 } };
const gap = (train: number, held: number) => ({ trainLoss: train, heldOutLoss: held, gap: held - train, relativeGap: (held - train) / held });

describe('costFigures', () => {
  it('lists the cascade’s runs, then the autoencoder, the latent set and latent-64, and sums each pipeline', () => {
    const latent = unet('latent-64', { data: { details: { batch: 4, latent: { trainCount: 3, heldoutCount: 1, seconds: 8 } } } });
    const runs = trainingRuns({ 'base-64': unet('base-64'), 'sr-256': unet('sr-256'), vae, 'latent-64': latent });
    expect(runs.map((r) => `${r.model} ${r.part}`)).toEqual(['base-64 denoiser', 'sr-256 denoiser', 'vae autoencoder, phase 1', 'vae latent set', 'latent-64 denoiser']);
    const { totals } = costFigures({ 'base-64': unet('base-64'), 'sr-256': unet('sr-256'), vae, 'latent-64': latent });
    expect(totals[0]).toMatchObject({ pipeline: 'cascade', wallTimeSeconds: 200, flops: 2 * 3 * 1e9 * 4 * 10, partial: false });
    expect(totals[1]).toMatchObject({ pipeline: 'latent', wallTimeSeconds: 60 + 8 + 100, partial: false });
  });

  it('takes base-64’s own gap first, else the one latent-64’s evaluation measured for it', () => {
    const own = costFigures({ 'base-64': unet('base-64', { evaluation: { overfitting: gap(0.1, 0.12) } }), 'latent-64': unet('latent-64', { evaluation: { baseGap: gap(0.2, 0.3), overfitting: gap(0.5, 0.7) } }) });
    expect(own.cascade.gap?.heldOutLoss).toBe(0.12);
    expect(own.latent.gap?.gap).toBeCloseTo(0.2);
    const measured = costFigures({ 'base-64': unet('base-64'), 'latent-64': unet('latent-64', { evaluation: { baseGap: gap(0.2, 0.3) } }) });
    expect(measured.cascade.gap?.relativeGap).toBeCloseTo(1 / 3);
  });

  it('leaves what is not measured null; a held-out loss alone comes from the export', () => {
    const f = costFigures({ 'base-64': unet('base-64', { evaluation: { heldOutLoss: 0.135 } }), 'latent-64': unet('latent-64', { evaluation: { heldOutLoss: 0.98 } }) });
    expect(f.cascade).toEqual({ gap: null, heldOutLoss: 0.135, frechet: null, detail: null });
    expect(f.latent).toEqual({ gap: null, heldOutLoss: 0.98, frechet: null, detail: null });
  });

  it('reads the Fréchet distances and the 1024² detail ratios of latent-64’s evaluation for both pipelines', () => {
    const fd = (d: number, floor: number, count: number) => ({ count, samplesVsHeldOut: { distance: d }, heldOutVsHeldOut: { distance: floor } });
    const evaluation = { frechet: fd(0.5, 0.05, 70), baseFrechet: fd(0.2, 0.05, 70), highFrequency: { samplesVsHeldOut: { fine: { ratio: 0.06 }, mid: { ratio: 0.4 } }, cascadeVsHeldOut: { fine: { ratio: 0.37 }, mid: { ratio: 0.8 } } } };
    const f = costFigures({ 'base-64': unet('base-64', { evaluation: { frechet: fd(0.08, 0.005, 500) } }), 'latent-64': unet('latent-64', { evaluation }) });
    expect(f.cascade.frechet).toEqual({ distance: 0.2, floor: 0.05, count: 70 });
    expect(f.latent.frechet).toEqual({ distance: 0.5, floor: 0.05, count: 70 });
    expect(f.cascade.detail).toEqual({ fine: 0.37, mid: 0.8 });
    expect(f.latent.detail).toEqual({ fine: 0.06, mid: 0.4 });
    // Before latent-64's evaluation, base-64's own figure at its own count.
    expect(costFigures({ 'base-64': unet('base-64', { evaluation: { frechet: fd(0.08, 0.005, 500) } }) }).cascade.frechet).toEqual({ distance: 0.08, floor: 0.005, count: 500 });
  });

  it('reads what the evaluations measured for a preset: the cascade’s at 1024² and aug 0, the latent’s means', () => {
    const propagation = { sizes: [256, 1024], augLevels: [0, 0.3], steps: [20, 20], seed: 5, rows: [{ preset: 'blob', aug: 0, injected: 0.1, ratio: [0.99, 0.98] }, { preset: 'blob', aug: 0.3, injected: 0.1, ratio: [0.5, 0.4] }] };
    const starts = [{ kind: 'meadow', seed: 5 }, { kind: 'coast', seed: 6 }, { kind: 'city', seed: 7 }];
    const disturb = { sampler: { steps: 20, midStep: 10 }, size: 1024, count: 3, starts, presets: ['blob', 'noise', 'shift', 'blur'], mean: { blob: { mid: { ratio: 0.2, injected: 1, energy: 0.2, n: 3 }, late: { ratio: 0.9, injected: 1, energy: 0.9, n: 3 } } } };
    const m = { 'sr-1024': { evaluation: { propagation } }, 'latent-64': { evaluation: { disturb } } };
    expect(recordedDefect(m, 'blob')).toEqual({ cascade: 0.98, mid: 0.2, late: 0.9, starts: 3 });
    expect(recordedDefect(m, 'blur')).toEqual({ cascade: null, mid: null, late: null, starts: 3 });
    expect(recordedDefect({}, 'blob')).toEqual({ cascade: null, mid: null, late: null, starts: 0 });
  });
});
