// Times whole training steps of a model's config on the wasm backend in Node (forward, backward,
// AdamW): the figure the bench reports as ms/step and effective GFLOP/s (3 × forward FLOPs / time,
// as in measurements.md: norms, activations and the optimiser are not counted).
// Usage: npx tsx train/bench-step.ts --model=base-64 --threads=1|2 --steps=6  → one JSON line on stdout.
import * as tf from '@tensorflow/tfjs-core';
import { makeSchedule } from '../src/lib/diffusion/schedule';
import { countFlops } from '../src/lib/models/count';
import { buildUNet } from '../src/lib/models/unet';
import { makeRng } from '../src/lib/math/rng';
import { AdamW } from './adamw';
import { initTrainingBackend } from './backend';
import { filterGradMethod, useFilterGrad } from './kernels/conv-grad';
import { convMethod, useConvMethod } from './kernels/winograd-train';
import { trainingBatch } from './dataset';
import { lossAndGrads, stepNoise } from './objective';
import { loadTrainConfig } from './train-config';

const arg = (name: string, fallback: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;

async function main(): Promise<void> {
  const threads = Number(arg('threads', '1')) === 2 ? 2 : 1;
  const steps = Math.max(2, Number(arg('steps', '6')));
  const config = await loadTrainConfig(arg('model', 'base-64'));
  const info = await initTrainingBackend({ threads, verbose: false });
  useFilterGrad(filterGradMethod(arg('dw', 'auto'))); // --dw=gemm|conv: the stride-1 dW without our SIMD kernel
  useConvMethod(convMethod(arg('conv', 'auto'))); // --conv=xnnpack: the 3×3 forward and dx without Winograd
  const unet = buildUNet(config.model);
  const schedule = makeSchedule(config.schedule, { T: config.T, resolution: config.resolution });
  const init = unet.init(makeRng(1));
  let params: tf.NamedTensorMap = Object.fromEntries(unet.specs.map((s) => [s.name, tf.tensor(init.get(s.name) as Float32Array, s.shape)]));
  const adam = new AdamW({ beta1: config.beta1, beta2: config.beta2, eps: config.adamEps, weightDecay: config.weightDecay });
  // Data is rendered outside the timed region: the figure is the network's cost, not the world's.
  const renderStart = performance.now();
  const batches = Array.from({ length: steps }, (_, i) => trainingBatch(config.seed, i, config.batch, config.resolution));
  const renderMs = (performance.now() - renderStart) / steps;
  const times: number[] = [];
  const cpuTimes: number[] = []; // this process's CPU ms (all threads): robust to other processes' load on 1 thread
  for (let i = 0; i < steps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const { grads } = lossAndGrads(unet, params, batches[i], stepNoise(config, i, batches[i]), config, schedule);
    const next = adam.apply(params, grads, config.lr);
    tf.dispose(grads);
    tf.dispose(params);
    params = next;
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuTimes.push((c.user + c.system) / 1000);
  }
  const warm = times.slice(1).sort((a, b) => a - b);
  const medianMs = warm[warm.length >> 1];
  const warmCpu = cpuTimes.slice(1).sort((a, b) => a - b);
  const forwardFlops = countFlops(config.model, config.resolution, config.resolution) * config.batch;
  console.log(
    JSON.stringify({
      model: arg('model', 'base-64'),
      threads: info.threads,
      batch: config.batch,
      firstMs: times[0],
      medianMs,
      minMs: warm[0],
      cpuMs: warmCpu[warmCpu.length >> 1],
      effectiveGflops: (3 * forwardFlops) / (medianMs / 1000) / 1e9,
      renderMsPerBatch: renderMs,
      note: info.note ?? '',
    }),
  );
  tf.dispose(params);
  adam.dispose();
  process.exit(0);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
