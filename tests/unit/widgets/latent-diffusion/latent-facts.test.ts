// Lesson 5's reading of the latent model's manifest: what the page needs to decode is required and named
// when missing; the rest is optional and absent figures stay absent (an early checkpoint has fewer).
import { describe, expect, it } from 'vitest';
import { budgetOf, latentFacts, signalAt, timesSeen, unclippedPreview, unstandardise } from '../../../../src/lib/widgets/latent-diffusion/latent-facts';

const latent = { mean: [0.5, -1], std: [2, 3], encoderSha256: 'ab'.repeat(32), trainCount: 3072, heldoutCount: 256, encoding: 'posterior mean', preview: { weights: [[1, 0, 0.5], [0, 2, 0]], bias: [0.1, 0, 0], heldOutMse: 0.012 } };
const manifest = { name: 'latent-64', config: { imageChannels: 2, channelMults: [1, 2, 2] }, paramCount: 453_000, steps: 1000, wallTimeSeconds: 3600, flops: [{ height: 64, width: 64, flopsPerImage: 9e8 }], data: { details: { batch: 16, resolution: 64, latent } }, evaluation: { heldOutLoss: 0.3 } };

describe('latentFacts', () => {
  it('reads the statistics, the counts and the budget; a training loss not measured is null, not zero', () => {
    const f = latentFacts(manifest, 'm.json');
    expect(f).toMatchObject({ channels: 2, mean: [0.5, -1], std: [2, 3], trainCount: 3072, heldoutCount: 256, params: 453_000, levels: 3, flops: 9e8, batch: 16, previewMse: 0.012, heldOutLoss: 0.3, trainLoss: null });
    expect(timesSeen(f)).toBeCloseTo((1000 * 16) / 3072);
  });

  it('refuses a manifest without the latent record or with statistics of the wrong length, naming the field', () => {
    expect(() => latentFacts({ ...manifest, data: { details: {} } }, 'm.json')).toThrow(/m\.json: data\.details\.latent is missing/);
    expect(() => latentFacts({ ...manifest, data: { details: { latent: { ...latent, std: [1] } } } }, 'm.json')).toThrow(/mean and \.std must hold 2 numbers/);
    expect(() => latentFacts({ ...manifest, data: { details: { latent: { ...latent, std: [1, 0] } } } }, 'm.json')).toThrow(/std > 0/);
    expect(() => latentFacts({ config: { imageChannels: 0 } }, 'm.json')).toThrow(/imageChannels/);
  });

  it('undoes the standardisation channel by channel: z = z′·std + mean', () => {
    expect(Array.from(unstandardise(Float32Array.of(0, 0, 1, 1, -1, 2), { mean: [0.5, -1], std: [2, 3] }))).toEqual([0.5, -1, 2.5, 2, -1.5, 5]);
    expect(() => unstandardise(new Float32Array(3), { mean: [0, 0], std: [1, 1] })).toThrow(/2 channels/);
  });

  it('the unclipped preview is the manifest’s linear map on the unstandardised latent, past ±1; no map, no preview', () => {
    const f = latentFacts(manifest, 'm.json');
    // z′ = (1, 1) → z = (2.5, 2) → rgb = (0.1 + 2.5, 2·2, 0.5·2.5) = (2.6, 4, 1.25).
    expect(Array.from(unclippedPreview(Float32Array.of(1, 1), f)!)).toEqual([2.6, 4, 1.25].map(Math.fround));
    expect(unclippedPreview(Float32Array.of(1, 1), { ...f, preview: null })).toBeNull();
  });

  it('√ᾱ of the manifest’s schedule: 1 at t = 0, small near T, null for a schedule the course lacks', () => {
    const f = { schedule: 'cosine', T: 1000, resolution: 64 };
    expect(signalAt(f, 0)).toBe(1);
    expect(signalAt(f, 500)).toBeGreaterThan(0.5);
    expect(signalAt(f, 990)!).toBeLessThan(0.1);
    expect(signalAt({ ...f, schedule: 'karras' }, 10)).toBeNull();
    expect(signalAt(f, 1001)).toBeNull();
  });

  it('reads any U-Net’s budget, with the training loss when the evaluation has it', () => {
    expect(budgetOf({ paramCount: 10, config: { channelMults: [1, 2, 2, 2] }, steps: 5, wallTimeSeconds: 60, data: { details: { batch: 4 } }, evaluation: { heldOutLoss: 0.3, trainLoss: 0.2 } })).toEqual({ params: 10, levels: 4, steps: 5, batch: 4, wallTimeSeconds: 60, heldOutLoss: 0.3, trainLoss: 0.2 });
    expect(budgetOf(null)).toEqual({ params: null, levels: null, steps: 0, batch: null, wallTimeSeconds: null, heldOutLoss: null, trainLoss: null });
  });
});
