import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { autoencoderRuns, latentSetRun, pipelineTotals, TRAIN_STEP_FORWARDS, unetRuns } from '../../../../src/lib/widgets/cascade-vs-latent/training-cost';

const shipped = (name: string) => JSON.parse(readFileSync(`pretrained/${name}/manifest.json`, 'utf8')) as Record<string, unknown>;
const latent = {
  name: 'latent-64',
  steps: 100,
  wallTimeSeconds: 250,
  flops: [{ height: 64, width: 64, flopsPerImage: 1e9 }],
  data: { details: { batch: 16, latent: { trainCount: 3072, heldoutCount: 256 } } },
};

describe('training cost (lesson 6)', () => {
  it('a base model: one run, 3 forward passes per example of the manifest’s training-size FLOPs', () => {
    const m = shipped('base-64');
    const [run] = unetRuns(m, 'cascade');
    const forward = (m.flops as { flopsPerImage: number }[])[0].flopsPerImage;
    expect(run).toEqual({ model: 'base-64', pipeline: 'cascade', part: 'denoiser', steps: m.steps, batch: 16, wallTimeSeconds: m.wallTimeSeconds, flops: TRAIN_STEP_FORWARDS * forward * 16 * (m.steps as number) });
  });

  it('an SR stage: its predictor run first, the same network’s FLOPs at the training crop, not at the full size', () => {
    const m = shipped('sr-256');
    const runs = unetRuns(m, 'cascade');
    expect(runs.map((r) => r.part)).toEqual(['predictor', 'denoiser']);
    const crop = (m.flops as { flopsPerImage: number }[])[0].flopsPerImage;
    const full = (m.flops as { flopsPerImage: number }[])[1].flopsPerImage;
    expect(full).toBeGreaterThan(crop);
    expect(runs[0].flops).toBe(3 * crop * 16 * runs[0].steps);
    expect(runs[0].wallTimeSeconds).toBeGreaterThan(0);
  });

  it('the autoencoder: phase 1 and a phase 2 that ran though its decoder is not shipped; their times share the run’s', () => {
    const m = shipped('vae');
    const runs = autoencoderRuns(m);
    expect(runs.map((r) => [r.part, r.steps])).toEqual([['autoencoder, phase 1', 4000], ['autoencoder, phase 2', 1500]]);
    expect(runs[0].wallTimeSeconds! + runs[1].wallTimeSeconds!).toBeCloseTo(m.wallTimeSeconds as number, 6);
    // Phase 2 trains the decoder only (the encoder runs forward): less per step than phase 1.
    expect(runs[1].flops! / runs[1].steps).toBeLessThan(runs[0].flops! / runs[0].steps);
  });

  it('the latent set is one encoder pass per scene at full size; its time is missing from the manifest, and the total says so', () => {
    const vae = shipped('vae');
    const set = latentSetRun(latent, vae)!;
    const enc1024 = (vae.flops as { height: number; encoder: number }[]).find((r) => r.height === 1024)!.encoder;
    expect(set).toMatchObject({ part: 'latent set', steps: 3328, flops: enc1024 * 3328, wallTimeSeconds: null });
    expect(latentSetRun({ data: { details: {} } }, vae)).toBeNull();
    const runs = [...unetRuns(shipped('base-64'), 'cascade'), ...unetRuns(latent, 'latent'), ...autoencoderRuns(vae), set];
    const [cascade, lat] = pipelineTotals(runs);
    expect(cascade).toMatchObject({ pipeline: 'cascade', partial: false, wallTimeSeconds: shipped('base-64').wallTimeSeconds });
    expect(lat.partial).toBe(true);
    expect(lat.flops).toBe(runs.filter((r) => r.pipeline === 'latent').reduce((s, r) => s + r.flops!, 0));
  });

  it('a manifest without counts gives nulls, not zeros', () => {
    const [run] = unetRuns({ name: 'x', steps: 10 }, 'latent');
    expect([run.flops, run.batch, run.wallTimeSeconds]).toEqual([null, null, null]);
    expect(pipelineTotals([run])[1]).toMatchObject({ partial: true, wallTimeSeconds: null, flops: null });
    expect(pipelineTotals([run])[0]).toMatchObject({ pipeline: 'cascade', partial: false, wallTimeSeconds: null, flops: null });
  });
});
