// `npx tsx train/vae/compare-latent-channels.ts <ckpt-dir> …`: the short comparison that chose c
// (train/configs/vae.ts): each run's latest checkpoint (EMA weights) reconstructs the same held-out
// scenes at 1024², one per scene kind, and prints PSNR, HF ratio and the latent's spread per run.
import * as tf from '@tensorflow/tfjs-core';
import { buildVae } from '../../src/lib/models/vae';
import { initTrainingBackend } from '../backend';
import { latestCheckpoint, readCheckpoint } from '../checkpoint';
import { srHeldOutScenes } from '../eval/sr-scenes';
import { highFrequencyEnergy } from '../eval/sr-metrics';
import { exportedWeights } from './vae-loop';
import { HF_FACTOR, latentStats, reconstruct, scoreImage, summarise } from './vae-metrics';
import type { VaeTrainConfig } from './vae-train-config';

await initTrainingBackend({ threads: 1, verbose: false });
const dirs = process.argv.slice(2);
const scenes = srHeldOutScenes(1, 7, 1024, 16);
const truthHf = scenes.reduce((s, x) => s + highFrequencyEnergy(x.truth, 1024, HF_FACTOR), 0) / scenes.length;
for (const dir of dirs) {
  const path = latestCheckpoint(dir);
  if (!path) throw new Error(`no checkpoint in ${dir}`);
  const state = readCheckpoint<VaeTrainConfig>(path);
  const vae = buildVae(state.config.model);
  const parts = exportedWeights(state);
  const toT = (m: Map<string, { data: Float32Array; shape: number[] }>) => Object.fromEntries([...m].map(([k, a]) => [k, tf.tensor(a.data, a.shape)]));
  const enc = toT(parts.encoder);
  const dec = toT(parts.decoder1);
  const t0 = performance.now();
  const recs = scenes.map((s) => reconstruct(vae, enc, dec, s.truth, 1024));
  const seconds = (performance.now() - t0) / 1000 / scenes.length;
  const sum = summarise(recs.map((r, i) => scoreImage(r.image, scenes[i].truth, 1024)), truthHf);
  const stats = latentStats(recs.map((r) => r.latent), state.config.model.latentChannels);
  const tail = state.lossLog.slice(-50);
  const l1 = tail.reduce((s, r) => s + (r.terms?.l1 ?? 0), 0) / tail.length;
  console.log(JSON.stringify({ dir, c: state.config.model.latentChannels, step: state.step, trainL1Last50: +l1.toFixed(4), psnr: +sum.psnr.toFixed(2), psnrMin: +sum.psnrMin.toFixed(2), hfRatio: +sum.hfRatio.toFixed(3), latentStd: +stats.stdAll.toFixed(3), secondsPerImage: +seconds.toFixed(1), wallSeconds: Math.round(state.wallSeconds) }));
  tf.dispose([...Object.values(enc), ...Object.values(dec)]);
}
