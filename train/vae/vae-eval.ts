// `npm run eval -- vae`: the autoencoder on whole held-out scenes at 1024² (issue 14 item 3): PSNR and the
// HF energy ratio against the true render for each decoder, beside (a) bicubic enlargement of the true
// 64² image and (b) the cascade's sr-256 → sr-1024 given the true 64² image, on the same scenes; the
// latent's statistics and the scale factor for diffusion (LDM App. G); eval-crops.png. Written into
// pretrained/vae/manifest.json `evaluation` (only that field changes).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { bicubicUpsample } from '../../src/lib/data/bicubic';
import { downsampleArea, SCENE_KINDS } from '../../src/lib/data';
import { deriveSeed } from '../../src/lib/math/rng';
import { loadModel, parseManifest, type JsonValue } from '../../src/lib/models/manifest';
import { loadVae, parseVaeManifest, phase1DecoderWeights } from '../../src/lib/models/vae-manifest';
import { sampleSuperResolution, srModelFrom, type SrModel } from '../../src/lib/pipelines/super-resolution';
import { renderExamples } from '../dataset';
import { writeAtomically } from '../eval/manifest-update';
import { highFrequencyEnergy } from '../eval/sr-metrics';
import { srHeldOutScenes } from '../eval/sr-scenes';
import { gitCommit } from '../export';
import { vaeCropsPng } from './vae-crops';
import { HF_FACTOR, latentStats, reconstruct, scoreImage, summarise, type ImageScore } from './vae-metrics';

export interface VaeEvalOptions {
  modelDir: string;
  /** Folders of the cascade's SR stages; the cascade column is skipped when either is missing. */
  sr256Dir: string;
  sr1024Dir: string;
  /** Held-out scenes (default 7: one of each kind). */
  heldOut?: number;
  /** Training scenes whose latents give the statistics (default 16). */
  statsScenes?: number;
  /** DDIM steps per SR stage (default 20, as the SR evaluation). */
  steps?: number;
  log?: (line: string) => void;
}

async function loadSr(dir: string): Promise<SrModel> {
  const manifest = parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8'), join(dir, 'manifest.json'));
  const loaded = await loadModel(manifest, new Uint8Array(readFileSync(join(dir, manifest.weightsFile))));
  return srModelFrom(manifest, loaded.unet, loaded.weights);
}

export async function runVaeEvaluation(o: VaeEvalOptions): Promise<{ [metric: string]: JsonValue }> {
  const log = o.log ?? (() => {});
  const t0 = performance.now();
  const path = join(o.modelDir, 'manifest.json');
  const manifest = parseVaeManifest(readFileSync(path, 'utf8'), path);
  const loaded = await loadVae(manifest, new Uint8Array(readFileSync(join(o.modelDir, manifest.weightsFile))));
  const d1 = phase1DecoderWeights(loaded);
  const { vae, weights } = loaded;
  const seed = Number(manifest.data.details?.seed ?? 0);
  const size = 1024;
  const f = vae.factor;
  const scenes = srHeldOutScenes(seed, o.heldOut ?? SCENE_KINDS.length, size, f);
  const truthHf = scenes.reduce((s, x) => s + highFrequencyEnergy(x.truth, size, HF_FACTOR), 0) / scenes.length;
  const rows: { label: string; images: Float32Array[] }[] = [];
  const scores: Record<string, ImageScore[]> = { bicubic: [], cascade: [], decoderFinal: [], decoderPhase1: [] };
  const ms: Record<string, number[]> = { encode: [], decode: [] };
  const latents: Float32Array[] = [];
  const hasCascade = existsSync(join(o.sr256Dir, 'manifest.json')) && existsSync(join(o.sr1024Dir, 'manifest.json'));
  const sr = hasCascade ? [await loadSr(o.sr256Dir), await loadSr(o.sr1024Dir)] : null;
  const steps = o.steps ?? 20;
  try {
    for (const [i, s] of scenes.entries()) {
      const low = downsampleArea(s.truth, size, f); // the true 64² image
      const bicubic = bicubicUpsample(low, size / f, f);
      scores.bicubic.push(scoreImage(bicubic.map((v) => Math.min(1, Math.max(-1, v))), s.truth, size));
      let cascade: Float32Array | null = null;
      if (sr) {
        const up = await sampleSuperResolution(sr[0], low, size / f, { aug: 0, steps, sampler: 'ddim', eta: 0, seed: deriveSeed(1, i) });
        cascade = await sampleSuperResolution(sr[1], up, size / 4, { aug: 0, steps, sampler: 'ddim', eta: 0, seed: deriveSeed(2, i) });
        scores.cascade.push(scoreImage(cascade, s.truth, size));
      }
      const te = performance.now();
      const final = reconstruct(vae, weights, weights, s.truth, size);
      ms.encode.push(performance.now() - te); // encode + one decode
      latents.push(final.latent);
      scores.decoderFinal.push(scoreImage(final.image, s.truth, size));
      const phase1 = d1 ? reconstruct(vae, weights, { ...weights, ...d1 }, s.truth, size).image : null;
      if (phase1) scores.decoderPhase1.push(scoreImage(phase1, s.truth, size));
      const label = SCENE_KINDS[s.kind];
      log(`  ${label}: bicubic ${scores.bicubic[i].psnr.toFixed(2)} dB${cascade ? `, cascade ${scores.cascade[i].psnr.toFixed(2)}` : ''}, decoder ${scores.decoderFinal[i].psnr.toFixed(2)}${phase1 ? `, phase-1 decoder ${scores.decoderPhase1[i].psnr.toFixed(2)}` : ''}`);
      if (rows.length < 4) rows.push({ label, images: [s.truth, bicubic, ...(cascade ? [cascade] : []), ...(phase1 ? [phase1] : []), final.image] });
    }
    const n = o.statsScenes ?? 16;
    const train = renderExamples(seed, 'train', 0, n, size);
    for (let i = 0; i < n; i++) latents.push(reconstruct(vae, weights, weights, train.x0.subarray(i * size * size * 3, (i + 1) * size * size * 3), size).latent);
  } finally {
    tf.dispose(Object.values(weights));
    if (sr) for (const m of sr) tf.dispose(Object.values(m.weights));
  }
  const columns = ['truth', 'bicubic', ...(sr ? ['cascade'] : []), ...(d1 ? ['phase one'] : []), d1 ? 'phase two' : 'decoder'];
  const crops = vaeCropsPng(rows, columns, size, 128, 2);
  writeAtomically(join(o.modelDir, 'eval-crops.png'), crops.png);
  const stats = latentStats(latents, vae.config.latentChannels);
  const figure = (k: string) => (scores[k].length ? summarise(scores[k], truthHf) : null);
  const results: { [metric: string]: JsonValue } = {
    reconstruction: {
      scenes: scenes.length,
      size,
      hfFactor: HF_FACTOR,
      truthHf,
      bicubic: figure('bicubic'),
      cascade: figure('cascade'),
      decoderFinal: figure('decoderFinal'),
      decoderPhase1: figure('decoderPhase1'),
      note:
        `whole held-out scenes at ${size}² (one per kind, never trained on), encoded to the posterior mean and decoded; bicubic = the true ${size / f}² image enlarged ${f}×; ` +
        `cascade = sr-256 then sr-1024 given the true ${size / f}² image (DDIM ${steps} steps, aug 0); hfRatio = HF energy (detail finer than ${HF_FACTOR} px) over the truth's`,
      secondsPerEncodeAndDecode: ms.encode.reduce((a, b) => a + b, 0) / ms.encode.length / 1000,
    },
    latent: { ...stats, scenes: latents.length, note: 'posterior means of the held-out and the first training scenes at 1024²; scaleFactor = 1/std of all values (LDM scale_by_std)' },
    evalCrops: { file: 'eval-crops.png', legend: crops.legend },
    evaluatedWith: { weightsSha256: manifest.weightsSha256, steps: manifest.steps, commit: gitCommit(), at: new Date().toISOString(), seconds: (performance.now() - t0) / 1000, backend: tf.getBackend() },
  };
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const next = { ...raw, evaluation: { ...(raw.evaluation as object), ...results } };
  writeAtomically(path, JSON.stringify(next, null, 1) + '\n', (tmp) => void parseVaeManifest(readFileSync(tmp, 'utf8'), tmp));
  return results;
}
