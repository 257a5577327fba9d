// Quality bars of the shipped super-resolution models (issue 5 item 7), on a few held-out crops: the model
// loads (SHA-256 checked); one denoising step at t = 500 gives an x̂₀ closer to the truth than its own
// upsampled input, so the net uses the low-res image and adds to it; and a 10-step sample from the true
// low-res crop is as close to the truth as bicubic (PSNR) while holding more high-frequency detail than
// bicubic and no more than twice the truth's (detail, not noise). Runs once pretrained/<model>/ exists.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { qSampleBatch } from '../../src/lib/diffusion/forward';
import { epsAndX0 } from '../../src/lib/diffusion/prediction';
import { loadModel, parseManifest } from '../../src/lib/models/manifest';
import { sampleSuperResolution, srConditioning, srModelFrom, type SrModel } from '../../src/lib/pipelines/super-resolution';
import { spaceToDepth } from '../../src/lib/pipelines/space-to-depth';
import { initTrainingBackend } from '../../train/backend';
import { bicubicUpsample } from '../../src/lib/data/bicubic';
import { highFrequencyEnergy, scoreUpsample } from '../../train/eval/sr-metrics';
import { srHeldOutBatch } from '../../train/sr-data';
import { loadTrainConfig } from '../../train/train-config';

const CROPS = 4;
const mse = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / a.length;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

for (const name of ['sr-256', 'sr-1024'] as const) {
  const dir = `pretrained/${name}`;
  const manifestPath = join(dir, 'manifest.json');
  describe.runIf(existsSync(manifestPath))(dir, () => {
    it(`loads; at t = 500 its x̂₀ beats its upsampled input; a 10-step sample matches bicubic's PSNR with more detail`, { timeout: 180_000 }, async () => {
      await initTrainingBackend({ threads: 1, verbose: false });
      const manifest = parseManifest(readFileSync(manifestPath, 'utf8'), manifestPath);
      const loaded = await loadModel(manifest, new Uint8Array(readFileSync(join(dir, manifest.weightsFile))));
      const before = tf.memory().numTensors;
      try {
        const model: SrModel = srModelFrom(manifest, loaded.unet, loaded.weights);
        const config = await loadTrainConfig(name);
        expect(manifest.data.details?.seed).toBe(config.seed); // the held-out crops below are this model's
        const crop = config.resolution;
        const low = crop / model.sr.factor;
        const { spaceToDepth: k } = model.sr;
        const held = srHeldOutBatch(config, CROPS);
        const pixels = crop * crop * 3;
        const lowValues = low * low * 3;

        // One step at t = 500 on every crop, clean conditioning (a = 0).
        const t = 500;
        const ab = model.schedule.alphaBar[t];
        let modelErr = 0, inputErr = 0;
        for (let i = 0; i < CROPS; i++) {
          const truth = held.x0.subarray(i * pixels, (i + 1) * pixels);
          const lo = held.lo.slice(i * lowValues, (i + 1) * lowValues);
          const cond = srConditioning(lo, new Float32Array(lo.length), 1, low, model.sr);
          const grid = crop / k;
          const shape: [number, number, number, number] = [1, grid, grid, 3 * k * k];
          const eps = Float32Array.from({ length: pixels }, (_, j) => Math.sin(j * 12.9898 + i) * 1.7); // fixed, unit-ish variance
          const x0hat = tf.tidy(() => {
            const x0 = tf.tensor4d(spaceToDepth(truth, crop, 3, k), shape);
            const xt = qSampleBatch(x0, tf.tensor4d(spaceToDepth(eps, crop, 3, k), shape), [ab]);
            const out = model.unet.apply(model.weights, xt as tf.Tensor4D, tf.tensor1d([t]), { extra: tf.tensor4d(cond, shape), scalar: tf.tensor1d([0]) });
            return epsAndX0(model.prediction, xt, out, ab, null).x0.dataSync() as Float32Array;
          });
          modelErr += mse(x0hat, spaceToDepth(truth, crop, 3, k));
          inputErr += mse(cond, spaceToDepth(truth, crop, 3, k));
        }
        console.log(`${name} at t = ${t}: x̂₀ MSE ${(modelErr / CROPS).toFixed(5)} vs upsampled input ${(inputErr / CROPS).toFixed(5)}`);

        // A 10-step DDIM sample per crop from its true low-res window, against bicubic.
        const scores = { model: [] as number[], bicubic: [] as number[], hfModel: [] as number[], hfBicubic: [] as number[], hfTruth: [] as number[] };
        for (let i = 0; i < CROPS; i++) {
          const truth = held.x0.slice(i * pixels, (i + 1) * pixels);
          const lo = held.lo.slice(i * lowValues, (i + 1) * lowValues);
          const out = await sampleSuperResolution(model, lo, low, { aug: 0, steps: 10, seed: 11 + i });
          const bic = bicubicUpsample(lo, low, model.sr.factor).map((v) => Math.max(-1, Math.min(1, v)));
          const m = scoreUpsample(out, truth, lo, crop, model.sr.factor);
          const b = scoreUpsample(bic, truth, lo, crop, model.sr.factor);
          scores.model.push(m.psnr);
          scores.bicubic.push(b.psnr);
          scores.hfModel.push(m.hf);
          scores.hfBicubic.push(b.hf);
          scores.hfTruth.push(highFrequencyEnergy(truth, crop, model.sr.factor));
        }
        const [psnr, psnrBic, hf, hfBic, hfTruth] = [scores.model, scores.bicubic, scores.hfModel, scores.hfBicubic, scores.hfTruth].map(mean);
        console.log(`${name}, ${CROPS} crops, 10 steps: PSNR ${psnr.toFixed(2)} dB (bicubic ${psnrBic.toFixed(2)}), HF ${(hf / hfTruth).toFixed(3)} of the truth's (bicubic ${(hfBic / hfTruth).toFixed(3)})`);
        expect(modelErr).toBeLessThan(inputErr);
        expect(psnr).toBeGreaterThan(psnrBic - 2);
        expect(hf).toBeGreaterThan(hfBic);
        expect(hf).toBeLessThan(2 * hfTruth);
        expect(tf.memory().numTensors).toBe(before);
      } finally {
        tf.dispose(Object.values(loaded.weights));
      }
    });
  });
}
