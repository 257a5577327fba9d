// Where one denoising step of a shipped U-Net goes on wasm (issue 18 item 1: profile per kernel before
// changing anything). Runs the network call a lesson makes (batch 1, or 2 for a guided step) in Node on
// the wasm backend with the browser's forward ops (src/lib/models/ops.ts referenceOps), and sums
// tf.profile's per-kernel times: the convolutions by shape with GFLOP/s, the rest by kernel name. Node's
// wasm runs the same kernels as the engine worker's; the browser adds its own dispatch and threads, so
// read the shares here and the absolute step time in `npm run bench -- engine-step`.
// Usage: npx tsx scripts/profile-inference.ts [--model=base-64|sr-256|sr-1024|latent-64] [--size=N] [--threads=1|2] [--calls=10] [--batch=1|2] [--ops=browser|reference|training] [--tile=4|2]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadModel, parseManifest } from '../src/lib/models/manifest';
import { setTrainingOps } from '../src/lib/models/ops';
import { installWasmModelKernels } from '../src/lib/models/wasm-kernels/install';
import { useWinogradTile } from '../src/lib/models/wasm-kernels/winograd-conv';
import { initTrainingBackend } from '../train/backend';

const arg = (name: string, fallback: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const modelName = arg('model', 'base-64');
const threads = arg('threads', '1') === '2' ? 2 : 1;
const calls = Math.max(1, Number(arg('calls', '10')));
const batch = Math.max(1, Number(arg('batch', '1')));

/** tf.profile also lists the scopes around kernels (op wrappers, tidy): their time is their kernels' again. */
const isScope = (name: string): boolean => name.endsWith('__op') || name === 'unnamed scope';

interface Row { ms: number; calls: number; flops: number }

async function main(): Promise<void> {
  const info = await initTrainingBackend({ threads, verbose: false });
  // initTrainingBackend installs the trainer's ops; the engine runs referenceOps with our wasm GroupNorm
  // (--ops=browser, the default), --ops=reference the reference ops alone, --ops=training the trainer's.
  const ops = arg('ops', 'browser');
  if (ops !== 'training') setTrainingOps(null);
  if (ops === 'browser') await installWasmModelKernels();
  useWinogradTile(arg('tile', '4') === '2' ? 2 : 4); // Winograd's F(4, 3) where the sides allow, or F(2, 3) throughout
  const dir = join('pretrained', modelName);
  const manifest = parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8'), join(dir, 'manifest.json'));
  const model = await loadModel(manifest, new Uint8Array(readFileSync(join(dir, manifest.weightsFile))));
  // A super-resolution stage gets zeros for its low-res input and noise level: the same kernels run.
  // Its net works at the stage's full size ÷ its space-to-depth factor (--size= to override).
  const sr = (manifest.data.details as { sr?: { fullSize: number; spaceToDepth?: number } }).sr;
  const size = Number(arg('size', String(sr ? sr.fullSize / (sr.spaceToDepth ?? 1) : (manifest.data.details as { resolution?: number }).resolution ?? 64)));
  const x = tf.randomNormal([batch, size, size, manifest.config.imageChannels], 0, 1, 'float32', 7) as tf.Tensor4D;
  const t = tf.fill([batch], 500) as tf.Tensor1D;
  const classes = manifest.config.classes > 0 ? (tf.fill([batch], 0, 'int32') as tf.Tensor1D) : undefined;
  const extra = manifest.config.extraChannels > 0 ? (tf.zeros([batch, size, size, manifest.config.extraChannels]) as tf.Tensor4D) : undefined;
  const scalar = manifest.config.extraScalar ? (tf.zeros([batch]) as tf.Tensor1D) : undefined;
  const call = () => model.unet.apply(model.weights, x, t, { classes, extra, scalar }).dispose();
  for (let i = 0; i < 3; i++) call(); // warm-up: XNNPACK builds its operators on the first calls
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) call();
  const wallMs = (performance.now() - t0) / calls;

  // Each call runs the same kernels in the same order: take each kernel's median over the calls, so that a
  // call preempted by another process on this shared machine does not inflate one row.
  const perCall: { key: string; ms: number; flops: number }[][] = [];
  for (let i = 0; i < calls; i++) {
    const profile = await tf.profile(call);
    const list: { key: string; ms: number; flops: number }[] = [];
    for (const k of profile.kernels) {
      if (isScope(k.name)) continue;
      let key = k.name;
      let flops = 0;
      if (k.name === 'FusedConv2D' || k.name === 'Conv2D') {
        const [b, h, w, cin] = k.inputShapes[0] as number[];
        const [kh, kw, , cout] = k.inputShapes[1] as number[];
        key = `conv ${kh}×${kw} ${h}²×${cin}→${cout}`;
        flops = 2 * b * h * w * cin * cout * kh * kw;
      }
      list.push({ key, ms: (await k.kernelTimeMs) as number, flops });
    }
    perCall.push(list);
  }
  const rows = new Map<string, Row>();
  let kernelMs = 0;
  perCall[0].forEach(({ key, flops }, i) => {
    const times = perCall.map((list) => list[i].ms).sort((a, b) => a - b);
    const ms = times[Math.floor(times.length / 2)];
    kernelMs += ms;
    const row = rows.get(key) ?? { ms: 0, calls: 0, flops: 0 };
    row.ms += ms;
    row.calls += 1;
    row.flops += flops;
    rows.set(key, row);
  });
  console.log(`${modelName}, batch ${batch} at ${size}², wasm ${info.threads} thread(s): ${wallMs.toFixed(1)} ms a call (mean of ${calls}); kernels' medians sum to ${kernelMs.toFixed(1)} ms`);
  const sorted = [...rows.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const convMs = sorted.filter(([k]) => k.startsWith('conv')).reduce((s, [, r]) => s + r.ms, 0);
  console.log(`convolutions ${convMs.toFixed(1)} ms (${((100 * convMs) / kernelMs).toFixed(0)} %), everything else ${(kernelMs - convMs).toFixed(1)} ms`);
  for (const [key, r] of sorted) {
    const rate = r.flops > 0 ? `  ${(r.flops / r.ms / 1e6).toFixed(1)} GFLOP/s` : '';
    console.log(`${r.ms.toFixed(2).padStart(8)} ms ${((100 * r.ms) / kernelMs).toFixed(1).padStart(5)} % ${String(r.calls).padStart(4)}×  ${key}${rate}`);
  }
  tf.dispose([x, t, ...(classes ? [classes] : []), ...Object.values(model.weights)]);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
