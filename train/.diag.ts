import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { initTrainingBackend } from '/work/main/train/backend';
import { loadModel, parseManifest } from '/work/main/src/lib/models/manifest';
import { srModelFrom, sampleSuperResolution } from '/work/main/src/lib/pipelines/super-resolution';
import { loadTrainConfig } from '/work/main/train/train-config';
import { srHeldOutBatch } from '/work/main/train/sr-data';
import { srStepNoise, srInputs } from '/work/main/train/sr-objective';
import { qSampleBatch } from '/work/main/src/lib/diffusion/forward';
import { spaceToDepth as s2dPipe } from '/work/main/src/lib/pipelines/space-to-depth';
await initTrainingBackend({ threads: 1 });
const name = process.argv[2] ?? 'sr-256';
const dir = `/work/main/pretrained/${name}`;
const manifest = parseManifest(readFileSync(`${dir}/manifest.json`, 'utf8'), 'm');
const loaded = await loadModel(manifest, new Uint8Array(readFileSync(`${dir}/weights.bin`)));
const model = srModelFrom(manifest, loaded.unet, loaded.weights);
const config = await loadTrainConfig(name);
const batch = srHeldOutBatch(config, 4);
const noise = srStepNoise(config, 0, batch);
const k = config.sr!.spaceToDepth, s = config.resolution, grid = s / k, ch = 3 * k * k;
for (const t of [50, 200, 500, 800]) {
  const n2 = { ...noise, t: noise.t.map(() => t), augLevels: noise.augLevels.map(() => 0) };
  const inp = srInputs(config, batch, n2, model.schedule);
  const shape: [number, number, number, number] = [4, grid, grid, ch];
  const ab = model.schedule.alphaBar[t];
  const mse = tf.tidy(() => {
    const x0 = tf.tensor4d(inp.x0, shape), eps = tf.tensor4d(inp.eps, shape);
    const xt = qSampleBatch(x0, eps, [ab, ab, ab, ab]);
    const v = model.unet.apply(model.weights, xt as tf.Tensor4D, tf.tensor1d([t, t, t, t]), { extra: tf.tensor4d(inp.extra, shape), scalar: tf.tensor1d([0, 0, 0, 0]) });
    const x0hat = tf.sub(tf.mul(xt, Math.sqrt(ab)), tf.mul(v, Math.sqrt(1 - ab)));
    const vtrue = tf.sub(tf.mul(eps, Math.sqrt(ab)), tf.mul(x0, Math.sqrt(1 - ab)));
    const m = (a: tf.Tensor, b: tf.Tensor) => tf.mean(tf.square(tf.sub(a, b))).dataSync()[0];
    const v0 = model.unet.apply(model.weights, xt as tf.Tensor4D, tf.tensor1d([t, t, t, t]), { extra: tf.zerosLike(x0) as tf.Tensor4D, scalar: tf.tensor1d([0, 0, 0, 0]) });
    const vs = model.unet.apply(model.weights, xt as tf.Tensor4D, tf.tensor1d([t, t, t, t]), { extra: tf.reverse(tf.tensor4d(inp.extra, shape), 0) as tf.Tensor4D, scalar: tf.tensor1d([0, 0, 0, 0]) });
    return [m(x0hat, x0), m(tf.tensor4d(inp.extra, shape), x0), m(v, vtrue), m(v0, vtrue), m(vs, vtrue), m(tf.zerosLike(vtrue), vtrue)];
  });
  console.log(`t=${t}: x0hat mse ${mse[0].toFixed(4)}, nearest-up mse ${mse[1].toFixed(4)}, v mse ${mse[2].toFixed(4)} zero-cond ${mse[3].toFixed(4)} shuffled-cond ${mse[4].toFixed(4)} v=0 ${mse[5].toFixed(4)}`);
}
// pipeline sample on the first crop's low-res
const low = s / config.sr!.factor;
const lo = batch.lo.slice(0, low * low * 3);

const out = await sampleSuperResolution(model, lo, low, { aug: 0, steps: 20, seed: 1 });
const truth = batch.x0.slice(0, s * s * 3);
let e = 0; for (let i = 0; i < out.length; i++) e += (out[i] - truth[i]) ** 2;
console.log('pipeline sample mse', e / out.length, 'tensors', tf.memory().numTensors);
// s2d consistency
const a = s2dPipe(truth, s, 3, k); const b = srInputs(config, batch, noise, model.schedule).x0.slice(0, a.length);
let d = 0; for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
console.log('s2d max diff', d);
