import { describe, expect, it } from 'vitest';
import { adversarialTrained, evaluationOf, squeezeCounts, vaeFacts } from '../../../../src/lib/widgets/the-autoencoder/vae-facts';

const manifest = {
  config: { imageChannels: 3, latentChannels: 8, channels: [8, 16, 32, 64, 128], encoderBlocks: [0, 1, 1, 1, 2], decoderBlocks: [1, 1, 1, 1, 2] },
  paramCount: { encoder: 100, decoder: 200 },
  flops: [{ height: 1024, width: 1024, encoder: 5e9, decoder: 9e9 }],
  phases: { phase1Steps: 300, phase2Steps: 0, discWarmup: 0 },
  steps: 300,
  wallTimeSeconds: 1200,
  lossCurves: { l1: [[0, 0.5], [300, 0.1]], kl: [[0, 2], 'bad'], adv: [] },
  evaluation: { heldOutL1: 0.05 },
  data: { details: { batch: 4, crop: 256, loss: { kl: 1e-8 }, discWeight: 0.5 } },
};

describe('vae-facts', () => {
  it('a phase 2 that ran but is not shipped keeps its steps and its warm-up for the loss curves (0 when not recorded)', () => {
    const withheld = (notShipped: object) => vaeFacts({ ...manifest, data: { details: { ...manifest.data.details, phase2NotShipped: notShipped } } }, 'm.json');
    const f = withheld({ stepsRun: 1500, discWarmup: 300 });
    expect([f.phase2NotShipped, f.phase2NotShippedWarmup, f.phases.phase2Steps]).toEqual([1500, 300, 0]);
    expect(withheld({ stepsRun: 1500 }).phase2NotShippedWarmup).toBe(0);
    expect([vaeFacts(manifest, 'm.json').phase2NotShipped, vaeFacts(manifest, 'm.json').phase2NotShippedWarmup]).toEqual([null, 0]);
  });

  it('reads c and f = 2^(levels − 1) from the config: 1024² in, 64·64·8 out', () => {
    const f = vaeFacts(manifest, 'm.json');
    expect(f.channels).toBe(8);
    expect(f.factor).toBe(16);
    expect(squeezeCounts(f)).toEqual({ pixels: 3_145_728, side: 64, latent: 32_768, ratio: 96 });
  });

  it('an interim model without a phase-1 decoder or an evaluation reports them as absent', () => {
    const f = vaeFacts(manifest, 'm.json');
    expect(f.hasPhase1).toBe(false);
    expect(adversarialTrained(f)).toBe(false);
    expect(f.evaluation).toEqual({ scenes: null, final: null, phase1: null, bicubic: null, cascade: null });
    expect(f.latent).toBeNull();
    expect(Object.keys(f.lossCurves)).toEqual(['l1', 'kl']);
    expect(f.lossCurves.kl).toEqual([[0, 2]]);
    expect(f.details).toEqual({ batch: 4, crop: 256, klWeight: 1e-8, discWeight: 0.5 });
  });

  it('a trained model with both decoders has its figures read from evaluation.reconstruction (train/vae/vae-eval.ts)', () => {
    const f = vaeFacts(
      {
        ...manifest,
        phase1Weights: [{}],
        phases: { phase1Steps: 4000, phase2Steps: 1500, discWarmup: 300 },
        evaluation: {
          reconstruction: { scenes: 8, decoderFinal: { psnr: 27, psnrMin: 22, hfRatio: 0.9 }, decoderPhase1: { psnr: 27.5, psnrMin: 23, hfRatio: 0.6 }, bicubic: { psnr: 24, hfRatio: 0.2 }, cascade: { psnr: 25, hfRatio: 0.7 } },
          latent: { mean: [0, 1], std: [2, 3], scaleFactor: 0.4 },
        },
      },
      'm.json',
    );
    expect(adversarialTrained(f)).toBe(true);
    expect(f.evaluation.scenes).toBe(8);
    expect(f.evaluation.phase1).toEqual({ psnr: 27.5, hfRatio: 0.6 });
    expect(f.evaluation.cascade).toEqual({ psnr: 25, hfRatio: 0.7 });
    expect(f.latent).toEqual({ mean: [0, 1], std: [2, 3], scaleFactor: 0.4 });
  });

  it('figures that were not measured (null) or are malformed are absent', () => {
    const e = evaluationOf({ reconstruction: { scenes: 7, decoderFinal: { psnr: 20, hfRatio: 1 }, decoderPhase1: null, cascade: null, bicubic: { psnr: 'x' } } });
    expect(e).toEqual({ scenes: 7, final: { psnr: 20, hfRatio: 1 }, phase1: null, bicubic: null, cascade: null });
    expect(evaluationOf(null).final).toBeNull();
  });

  it('a manifest without the latent’s shape is an error naming the field', () => {
    expect(() => vaeFacts({ config: { channels: [8, 16] } }, 'm.json')).toThrow(/latentChannels/);
    expect(() => vaeFacts({}, 'm.json')).toThrow(/config/);
  });
});
