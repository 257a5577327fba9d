// Where a training step's time goes, per kernel: every wasm kernel is wrapped with a wall-clock timer
// (wasm kernels run synchronously, so the time around kernelFunc is the kernel's own work), and each
// call is put in a category: the conv kernels by name, the rest by the training op that issued it
// (found on the call stack). Convolution rows also get GFLOP/s = 2·MACs / time (measurements.md).
// Usage: npx tsx train/profile-step.ts [--model=base-64] [--threads=1|2] [--steps=3] [--shapes]
import * as tf from '@tensorflow/tfjs-core';
import { makeSchedule } from '../src/lib/diffusion/schedule';
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

/** Kernels named for what they compute; everything else is named by the op on the stack. */
const BY_KERNEL: Record<string, string> = {
  FusedConv2D: 'conv forward',
  Conv2D: 'conv forward',
  Conv2DBackpropInput: 'conv input gradient (dx)',
  Conv2DBackpropFilter: 'conv weight gradient (dW)',
};
/** Source files of the training ops, innermost match wins (kernels called from them). */
const BY_FILE: [RegExp, string][] = [
  [/kernels\/group-norm\.ts/, 'group norm'],
  [/kernels\/silu\.ts/, 'SiLU'],
  [/kernels\/resample\.ts/, 'down2/up2'],
  [/train\/adamw\.ts/, 'AdamW'],
  [/lib\/diffusion\//, 'noising and loss'],
];

/** FLOPs (2·MACs) of a conv kernel call from its input shapes, or 0 for any other kernel. */
function convFlops(name: string, inputs: tf.NamedTensorInfoMap, out: tf.TensorInfo): number {
  if (name === 'FusedConv2D' || name === 'Conv2D') {
    const [kh, kw, ci] = inputs.filter.shape;
    return 2 * out.shape.slice(0, 3).reduce((a, b) => a * b, 1) * kh * kw * ci * out.shape[3];
  }
  if (name === 'Conv2DBackpropInput') {
    const [kh, kw, ci, co] = inputs.filter.shape;
    return 2 * inputs.dy.shape.slice(0, 3).reduce((a, b) => a * b, 1) * kh * kw * ci * co;
  }
  if (name === 'Conv2DBackpropFilter') {
    const [kh, kw, ci, co] = out.shape;
    return 2 * inputs.dy.shape.slice(0, 3).reduce((a, b) => a * b, 1) * kh * kw * ci * co;
  }
  return 0;
}

interface Tally { ms: number; cpu: number; calls: number; flops: number }
const byCategory = new Map<string, Tally>();
const byKernel = new Map<string, Tally>();
let recording = false;
const shapes = process.argv.includes('--shapes'); // one row per kernel and input shapes
let depth = 0;

function add(map: Map<string, Tally>, key: string, ms: number, cpu: number, flops: number): void {
  const t = map.get(key) ?? { ms: 0, cpu: 0, calls: 0, flops: 0 };
  t.ms += ms;
  t.cpu += cpu;
  t.calls += 1;
  t.flops += flops;
  map.set(key, t);
}

function category(kernelName: string): string {
  if (BY_KERNEL[kernelName]) return BY_KERNEL[kernelName];
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n')) for (const [re, label] of BY_FILE) if (re.test(line)) return label;
  return kernelName === 'Concat' || kernelName === 'Slice' || kernelName === 'SplitV' ? 'concat/split (skips)' : 'other (bias, residual, embedding)';
}

/**
 * Re-registers every wasm kernel behind a timer. Only outermost calls are timed: our conv-gradient
 * kernels call other kernels through the registry, and those calls belong to the outer kernel.
 */
function wrapKernels(): void {
  Error.stackTraceLimit = 60;
  for (const config of tf.getKernelsForBackend('wasm')) {
    const inner = config.kernelFunc;
    const kernelFunc: tf.KernelFunc = (args) => {
      if (!recording || depth > 0) return inner(args);
      depth++;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      try {
        const out = inner(args);
        const ms = performance.now() - t0;
        const c = process.cpuUsage(c0);
        const cpu = (c.user + c.system) / 1000;
        const flops = convFlops(config.kernelName, args.inputs, (Array.isArray(out) ? out[0] : out) as tf.TensorInfo);
        add(byCategory, category(config.kernelName), ms, cpu, flops);
        add(byKernel, shapes ? `${config.kernelName} ${shapeOf(args.inputs)}` : config.kernelName, ms, cpu, flops);
        return out;
      } finally {
        depth--;
      }
    };
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel({ ...config, setupFunc: undefined, kernelFunc });
  }
}

/**
 * One table, sorted by time. On one thread the CPU time of this process is the kernel's own time
 * even when other processes share the core, so shares and GFLOP/s come from it; on two threads
 * (pool workers add their CPU time) they come from the wall time.
 */
function table(title: string, map: Map<string, Tally>, steps: number, useCpu: boolean, limit = Infinity): void {
  const key = (t: Tally) => (useCpu ? t.cpu : t.ms);
  const total = [...map.values()].reduce((a, t) => a + key(t), 0);
  const totalWall = [...map.values()].reduce((a, t) => a + t.ms, 0);
  console.log(`\n| ${title} | ${useCpu ? 'CPU' : 'wall'} ms/step | share | wall ms/step | calls/step | GFLOP/s |\n|---|---|---|---|---|---|`);
  [...map.entries()].sort((a, b) => key(b[1]) - key(a[1])).slice(0, limit).forEach(([k, t]) => {
    const gf = t.flops > 0 ? (t.flops / (key(t) / 1000) / 1e9).toFixed(1) : '';
    const row = [k, (key(t) / steps).toFixed(1), `${((100 * key(t)) / total).toFixed(1)} %`, (t.ms / steps).toFixed(1), (t.calls / steps).toFixed(0), gf];
    console.log(`| ${row.join(' | ')} |`);
  });
  console.log(`| all kernels | ${(total / steps).toFixed(1)} | 100 % | ${(totalWall / steps).toFixed(1)} | | |`);
}

const shapeOf = (inputs: tf.NamedTensorInfoMap) => Object.values(inputs).filter((t) => t !== undefined && t !== null).map((t) => `[${t.shape}]`).join(" ");

async function main(): Promise<void> {
  const threads = Number(arg('threads', '1')) === 2 ? 2 : 1;
  const steps = Math.max(1, Number(arg('steps', '3')));
  const config = await loadTrainConfig(arg('model', 'base-64'));
  const info = await initTrainingBackend({ threads, verbose: false });
  useFilterGrad(filterGradMethod(arg('dw', 'auto'))); // --dw=gemm|conv: the stride-1 dW without our SIMD kernel
  useConvMethod(convMethod(arg('conv', 'auto'))); // --conv=xnnpack: the 3×3 forward and dx without Winograd
  wrapKernels();
  const unet = buildUNet(config.model);
  const schedule = makeSchedule(config.schedule, { T: config.T, resolution: config.resolution });
  const init = unet.init(makeRng(1));
  let params: tf.NamedTensorMap = Object.fromEntries(unet.specs.map((s) => [s.name, tf.tensor(init.get(s.name) as Float32Array, s.shape)]));
  const adam = new AdamW({ beta1: config.beta1, beta2: config.beta2, eps: config.adamEps, weightDecay: config.weightDecay });
  const wall: number[] = [];
  for (let i = 0; i <= steps; i++) {
    const batch = trainingBatch(config.seed, i, config.batch, config.resolution);
    recording = i > 0; // step 0 warms up (kernel setup, XNNPACK operator creation)
    const t0 = performance.now();
    const { grads } = lossAndGrads(unet, params, batch, stepNoise(config, i, batch), config, schedule);
    const next = adam.apply(params, grads, config.lr);
    tf.dispose([grads, params]);
    params = next;
    if (i > 0) wall.push(performance.now() - t0);
  }
  console.log(`## ${arg('model', 'base-64')}, batch ${config.batch}, wasm ${info.threads} thread(s), ${steps} profiled steps`);
  console.log(`wall ms/step (with profiling overhead): ${wall.map((m) => m.toFixed(0)).join(', ')}`);
  table('category', byCategory, steps, info.threads === 1);
  table(shapes ? 'kernel and input shapes' : 'kernel', byKernel, steps, info.threads === 1, shapes ? 40 : 16);
  tf.dispose(params);
  adam.dispose();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
