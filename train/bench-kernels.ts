// Micro-benchmark of the wasm training kernels (measurements.md §1.2–1.3 figures are the bar):
// conv fwd, dW (all three methods), dx at base-64's conv shapes, batch 16, and GN/SiLU/resample fwd+bwd.
// Usage: npx tsx train/bench-kernels.ts [--threads 1|2] [--reps N] [--only conv|ops]   (no --threads: both)
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { referenceOps, type ModelOps } from '../src/lib/models/ops';
import { initTrainingBackend } from './backend';
import { useFilterGrad, type FilterGradMethod } from './kernels/conv-grad';
import { filterGradSimdHandles } from './kernels/filter-grad-simd';
import { wasmKernelThreads } from './kernels/wasm-kernels';
import { stockWasmKernel } from './kernels/register';
import { trainingOps } from './kernels/ops';

const [B, H, W, C, K] = [16, 64, 64, 32, 3];
const CONV_GFLOP = (2 * B * H * W * C * C * K * K) / 1e9; // one 3×3 SAME conv, multiply-adds × 2

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface Timing { median: number; min: number; cpu: number }
const fmt = (t: Timing) => `${t.median.toFixed(1)} (${t.min.toFixed(1)})`;

/**
 * Median and min wall ms of each function after 2 warm-up calls, and the median CPU ms of this
 * process. Calls are interleaved (one of each per round) so that load from other processes hits all
 * of them alike. On one thread the CPU time is the figure to compare on a shared machine: it does
 * not count the time other processes held the core (only their cache traffic still shows).
 * Returned tensors are disposed.
 */
function timeAll(fns: (() => tf.TensorContainer)[], reps: number): Timing[] {
  for (const fn of fns) for (let i = 0; i < 2; i++) tf.dispose(fn());
  const ms = fns.map(() => [] as number[]);
  const cpu = fns.map(() => [] as number[]);
  for (let r = 0; r < reps; r++) {
    fns.forEach((fn, i) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const out = fn(); // wasm kernels run synchronously: the work is done when this returns
      ms[i].push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu[i].push((c.user + c.system) / 1000);
      tf.dispose(out);
    });
  }
  const med = (m: number[]) => [...m].sort((a, b) => a - b)[Math.floor(m.length / 2)];
  return ms.map((m, i) => ({ median: med(m), min: Math.min(...m), cpu: med(cpu[i]) }));
}

function fwdBwd(op: (x: tf.Tensor4D) => tf.Tensor, x: tf.Tensor4D, dy: tf.Tensor): () => tf.TensorContainer {
  return () => tf.grad((a: tf.Tensor) => op(a as tf.Tensor4D))(x, dy);
}

/** Conv layers of base-64 (batch 16): [H = W, Ci, Co, K]; the last two are in.conv and out.conv. */
const CONV_SHAPES: [number, number, number, number][] = [[64, 32, 32, 3], [32, 64, 64, 3], [16, 64, 64, 3], [64, 96, 32, 3], [32, 128, 64, 1], [64, 3, 32, 3], [64, 32, 3, 3]];

/** Interleaved timings of conv fwd, dW (both methods) and dx at each shape, with GFLOP/s. */
function convRows(threads: number, reps: number): string[] {
  const fns: (() => tf.TensorContainer)[] = [];
  const labels: [string, number][] = [];
  for (const [s, ci, co, k] of CONV_SHAPES) {
    const x = tf.randomNormal([B, s, s, ci]) as tf.Tensor4D;
    const w = tf.mul(tf.randomNormal([k, k, ci, co]), 0.1) as tf.Tensor4D;
    const dy = tf.randomNormal([B, s, s, co]) as tf.Tensor4D;
    const gflop = (2 * B * s * s * ci * co * k * k) / 1e9;
    const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined } as unknown as tf.NamedAttrMap;
    const dW = (method: FilterGradMethod) => () => {
      useFilterGrad(method);
      return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: [k, k, ci, co] });
    };
    const shape = `${s}×${s} ${ci}→${co} k${k}`;
    fns.push(() => tf.conv2d(x, w, 1, 'same'), dW('conv'), dW('gemm'), dW('simd'),
      () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: [B, s, s, ci] }));
    const simd = filterGradSimdHandles(tf.backend(), ci, co) ? `our SIMD kernel on ${wasmKernelThreads()} thread(s)` : 'SIMD kernel n/a, as auto';
    labels.push([`${shape} fwd (Conv2D)`, gflop], [`${shape} dW, batch-as-channels conv`, gflop],
      [`${shape} dW, chunked GEMM`, gflop], [`${shape} dW, ${simd}`, gflop], [`${shape} dx (flipped-filter conv)`, gflop]);
  }
  const times = timeAll(fns, reps);
  useFilterGrad('auto');
  // On one thread GFLOP/s from CPU time (see timeAll); on two, from the median wall time.
  const gf = (g: number, t: Timing) => (g / ((threads === 1 ? t.cpu : t.median) / 1000)).toFixed(1);
  return [`\n## conv kernels, batch ${B}, ${threads} thread(s); load average ${os.loadavg()[0].toFixed(1)}`,
    `| kernel | wall ms, median (min) | CPU ms | GFLOP/s (${threads === 1 ? 'CPU' : 'wall'}) |`, '|---|---|---|---|',
    ...labels.map(([label, g], i) => `| ${label} | ${fmt(times[i])} | ${times[i].cpu.toFixed(1)} | ${gf(g, times[i])} |`)];
}

async function runOne(threads: 1 | 2, reps: number, only: string | undefined): Promise<void> {
  const info = await initTrainingBackend({ threads, verbose: false });
  if (only !== 'ops') for (const line of convRows(info.threads, reps)) console.log(line);
  if (only === 'conv') return;
  const x = tf.randomNormal([B, H, W, C]) as tf.Tensor4D;
  const w = tf.mul(tf.randomNormal([K, K, C, C]), 0.1) as tf.Tensor4D;
  const dy = tf.randomNormal([B, H, W, C]) as tf.Tensor4D;
  const gamma = tf.ones([C]) as tf.Tensor1D, beta = tf.zeros([C]) as tf.Tensor1D;
  const convAttrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined } as unknown as tf.NamedAttrMap;
  const convFns: [string, () => tf.TensorContainer][] = [];
  const conv = (label: string, fn: () => tf.TensorContainer) => convFns.push([label, fn]);
  const native = stockWasmKernel('Conv2DBackpropInput');
  if (native !== undefined && threads === 1) {
    // The replaced scalar loop, called directly through the backend (~0.3 s per call unloaded).
    const backend = tf.backend();
    conv('dx  (stock wasm Conv2DBackpropInput)', () => {
      const out = native.kernelFunc({ inputs: { dy, filter: w }, backend, attrs: { ...convAttrs, inputShape: [B, H, W, C] } }) as tf.TensorInfo;
      backend.disposeData(out.dataId);
      return [];
    });
  }
  const pairs: [string, (ops: ModelOps) => () => tf.TensorContainer][] = [
    ['GroupNorm(8) fwd', (ops) => () => ops.groupNorm(x, gamma, beta, 8)],
    ['GroupNorm(8) fwd+bwd', (ops) => () => tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      ops.groupNorm(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 8))([x, gamma, beta], dy)],
    ['SiLU fwd+bwd', (ops) => fwdBwd(ops.silu, x, dy)],
    ['down2 (avgPool) fwd+bwd', (ops) => fwdBwd(ops.down2, x, tf.tidy(() => tf.slice(dy, [0, 0, 0, 0], [B, H / 2, W / 2, C])))],
    ['up2 (nearest) fwd+bwd', (ops) => fwdBwd(ops.up2, tf.tidy(() => tf.slice(x, [0, 0, 0, 0], [B, H / 2, W / 2, C])) as tf.Tensor4D, dy)],
  ];
  const convTimes = timeAll(convFns.map(([, fn]) => fn), reps);
  const rows = convFns.map(([label], i) => [label, convTimes[i]] as const);
  const opTimes = timeAll(pairs.flatMap(([, make]) => [make(trainingOps), make(referenceOps)]), reps);
  const opRows = pairs.map(([label], i) => [label, opTimes[2 * i], opTimes[2 * i + 1]] as const);

  console.log(`\n## wasm, ${info.threads} thread(s)${info.note ? ` (${info.note})` : ''}; [${B}, ${H}, ${W}, ${C}], 3×3 32→32 = ${CONV_GFLOP.toFixed(2)} GFLOP`);
  const gf = (t: Timing) => `${(CONV_GFLOP / (t.median / 1000)).toFixed(1)} (${(CONV_GFLOP / (t.min / 1000)).toFixed(1)})`;
  console.log('median (min) over the timed calls; load average now', os.loadavg()[0].toFixed(1));
  console.log('| kernel | ms/call | GFLOP/s |\n|---|---|---|');
  for (const [label, t] of rows) console.log(`| ${label} | ${fmt(t)} | ${gf(t)} |`);
  console.log('\n| op at [16, 64, 64, 32] | training op ms | reference op (tfjs autodiff) ms |\n|---|---|---|');
  for (const [label, ours, ref] of opRows) console.log(`| ${label} | ${fmt(ours)} | ${fmt(ref)} |`);
  console.log(`\ntensors alive at the end: ${tf.memory().numTensors}`);
}

const reps = Number(arg('--reps') ?? 10);
const only = arg('--only'); // 'conv' or 'ops': one half of the tables
const threadsArg = arg('--threads');
if (threadsArg === '1' || threadsArg === '2') {
  await runOne(Number(threadsArg) as 1 | 2, reps, only);
} else {
  // The thread count is fixed when the wasm module loads, so each count runs in its own process.
  for (const t of ['1', '2']) {
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--threads', t, '--reps', String(reps)], { stdio: 'inherit' });
    if (r.status !== 0) process.exitCode = r.status ?? 1;
  }
}
