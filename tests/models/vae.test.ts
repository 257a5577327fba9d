// The shipped autoencoder: it loads (SHA-256 checked); on held-out 1024² scenes its reconstruction is
// finite, beats the scene's flat mean colour, and agrees with the figures its evaluation recorded; a
// crop's reconstruction equals the whole image's away from the crop border (the lesson shows whole
// images); both decoders read the same latent. Once phase 1 has run its full length, the final decoder
// must beat bicubic enlargement and the cascade in PSNR; the full bars (both decoders above both,
// the adversarial decoder's HF ratio in [0.7, 1.3]) are checked when the manifest ships a phase-2 decoder.
// NOISEBOOK_VAE_DIR checks a candidate.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { psnr, renderScene, sampleScene, SCENE_KINDS } from '../../src/lib/data';
import { loadVae, parseVaeManifest, phase1DecoderWeights } from '../../src/lib/models/vae-manifest';
import { initTrainingBackend } from '../../train/backend';
import { kindOf, sceneSeed } from '../../train/dataset';
import recipe from '../../train/configs/vae';
import { reconstruct } from '../../train/vae/vae-metrics';

const dir = process.env.NOISEBOOK_VAE_DIR ?? 'pretrained/vae';
const manifestPath = join(dir, 'manifest.json');

describe.runIf(existsSync(manifestPath))(dir, () => {
  it('reconstructs held-out 1024² scenes better than their mean colour, as its evaluation recorded', async () => {
    await initTrainingBackend({ threads: 1, verbose: false });
    const manifest = parseVaeManifest(readFileSync(manifestPath, 'utf8'), manifestPath);
    const { vae, weights } = await loadVae(manifest, new Uint8Array(readFileSync(join(dir, manifest.weightsFile))));
    try {
      const root = Number(manifest.data.details?.seed);
      const scores: number[] = [];
      for (let i = 0; i < 2; i++) {
        const seed = sceneSeed(root, 'heldout', i);
        const truth = renderScene(sampleScene(seed, SCENE_KINDS[kindOf(seed)]), 1024);
        const r = reconstruct(vae, weights, weights, truth, 1024);
        expect(r.image.every(Number.isFinite)).toBe(true);
        const flat = new Float32Array(truth.length);
        for (let k = 0; k < 3; k++) {
          let m = 0;
          for (let p = k; p < truth.length; p += 3) m += truth[p];
          m /= truth.length / 3;
          for (let p = k; p < truth.length; p += 3) flat[p] = m;
        }
        const ours = psnr(r.image, truth);
        console.log(`vae: scene ${i} PSNR ${ours.toFixed(2)} dB, flat mean colour ${psnr(flat, truth).toFixed(2)} dB`);
        expect(ours).toBeGreaterThan(psnr(flat, truth) + 2);
        scores.push(ours);
      }
      const recorded = (manifest.evaluation.reconstruction as { decoderFinal?: { psnr: number; psnrMin: number } } | undefined)?.decoderFinal;
      expect(recorded, 'npm run eval -- vae has run on this model').toBeDefined();
      // Two scenes are not the evaluation's seven: within its range, not equal to its mean.
      for (const s of scores) expect(s).toBeGreaterThan(recorded!.psnrMin - 1);

      const phases = manifest.phases;
      const r0 = manifest.evaluation.reconstruction as Record<string, { psnr: number; hfRatio: number } | null>;
      if (phases.phase1Steps >= recipe.phase1Steps) {
        // Phase 1 finished: the decoder shipped as final (phase 1's, or phase 2's) already beats both enlargements.
        expect(r0.decoderFinal!.psnr, 'decoder vs bicubic').toBeGreaterThan(r0.bicubic!.psnr);
        expect(r0.decoderFinal!.psnr, 'decoder vs cascade').toBeGreaterThan(r0.cascade!.psnr);
      }
      if (phases.phase2Steps > phases.discWarmup) {
        const r = r0;
        for (const d of ['decoderFinal', 'decoderPhase1']) {
          expect(r[d]!.psnr, `${d} vs bicubic`).toBeGreaterThan(r.bicubic!.psnr);
          expect(r[d]!.psnr, `${d} vs cascade`).toBeGreaterThan(r.cascade!.psnr);
        }
        expect(r.decoderFinal!.hfRatio).toBeGreaterThanOrEqual(0.7);
        expect(r.decoderFinal!.hfRatio).toBeLessThanOrEqual(1.3);
        expect(phase1DecoderWeights({ vae, weights })).not.toBeNull();
      }
    } finally {
      tf.dispose(Object.values(weights));
    }
  });

  it('decodes a crop of the latent as the whole decode away from the crop border', async () => {
    await initTrainingBackend({ threads: 1, verbose: false });
    const manifest = parseVaeManifest(readFileSync(manifestPath, 'utf8'), manifestPath);
    const { vae, weights } = await loadVae(manifest, new Uint8Array(readFileSync(join(dir, manifest.weightsFile))));
    try {
      const seed = sceneSeed(1, 'heldout', 3);
      const truth = renderScene(sampleScene(seed, SCENE_KINDS[kindOf(seed)]), 512);
      const gap = tf.tidy(() => {
        const x = tf.tensor4d(truth, [1, 512, 512, 3]);
        const z = vae.encode(weights, x).mean; // [1, 32, 32, c]
        const whole = vae.decode(weights, z);
        const part = vae.decode(weights, tf.slice(z, [0, 4, 4, 0], [1, 24, 24, -1]) as tf.Tensor4D);
        // Cells 14..17 lie 10 cells inside the crop: beyond the decoder's reach.
        const a = tf.slice(whole, [0, 14 * 16, 14 * 16, 0], [1, 64, 64, 3]);
        const b = tf.slice(part, [0, 10 * 16, 10 * 16, 0], [1, 64, 64, 3]);
        return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
      });
      expect(gap).toBeLessThan(1e-3);
    } finally {
      tf.dispose(Object.values(weights));
    }
  });
});
