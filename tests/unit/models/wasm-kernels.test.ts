// The engine's GroupNorm and SiLU on our own wasm kernels (src/lib/models/wasm-kernels/): the committed
// module is the WAT assembled, and on a plain wasm backend (as in a lesson's worker) the ops equal the
// reference ops on the cpu backend (SiLU over its whole float range), fall back to them where the
// kernel does not apply, leave no tensor, and leave a lesson's sample of the shipped base-64 the same
// picture.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { relErr } from '../../support/rel-err';
import '@tensorflow/tfjs-backend-cpu';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { makeRng } from '../../../src/lib/math/rng';
import { loadModel, parseManifest } from '../../../src/lib/models/manifest';
import { activeOps, setTrainingOps } from '../../../src/lib/models/ops';
import { baseModelFrom, sampleBase } from '../../../src/lib/pipelines/base';
import { installedKernelVariant, installWasmModelKernels, relaxedSimd, wasmConv2d, wasmGroupNorm, wasmGroupNormApplies, wasmSilu } from '../../../src/lib/models/wasm-kernels/install';
import { moduleSources } from '../../../scripts/wasm-kernels';
import { wasmDistDir } from '../../../train/backend';

const BASE_64 = 'pretrained/base-64';

interface Case { b: number; h: number; w: number; c: number; groups: number; shift: number }
const CASES: Case[] = [
  { b: 1, h: 8, w: 8, c: 8, groups: 2, shift: 0 },
  { b: 3, h: 5, w: 7, c: 16, groups: 4, shift: 1.5 },
  { b: 2, h: 16, w: 16, c: 32, groups: 8, shift: -0.5 },
  { b: 1, h: 4, w: 4, c: 12, groups: 3, shift: 0 },
  { b: 2, h: 3, w: 5, c: 6, groups: 3, shift: 0 }, // C not a multiple of 4: the reference ops
];

function run(c: Case, seed: number): Float32Array {
  const rng = makeRng(seed);
  const normals = (n: number, scale: number, shift: number) => Float32Array.from({ length: n }, () => rng.normal() * scale + shift);
  return tf.tidy(() => {
    const x = tf.tensor4d(normals(c.b * c.h * c.w * c.c, 1.5, c.shift), [c.b, c.h, c.w, c.c]);
    const gamma = tf.tensor1d(normals(c.c, 0.5, 1)), beta = tf.tensor1d(normals(c.c, 1, 0));
    return activeOps().groupNorm(x, gamma, beta, c.groups).dataSync<'float32'>().slice();
  });
}


/** SiLU's inputs: 419 normals at two scales, then 16 edges of its range: 435 values, a scalar tail of 3. */
const siluInputs = (): Float32Array => {
  const rng = makeRng(5);
  const xs = Array.from({ length: 419 }, (_, i) => rng.normal() * (i % 2 ? 3 : 12));
  return Float32Array.from([...xs, -200, -90, -88, -87.5, -20, -1, -1e-8, 0, 1e-8, 1, 20, 87.5, 88, 90, 200, NaN]);
};
function siluRun(): Float32Array {
  return tf.tidy(() => activeOps().silu(tf.tensor1d(siluInputs())).dataSync<'float32'>().slice());
}

describe('GroupNorm and SiLU on our wasm kernels', () => {
  const reference: Float32Array[] = [];
  let siluReference: Float32Array;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    CASES.forEach((c, i) => reference.push(run(c, i)));
    siluReference = siluRun();
    wasm.setWasmPaths(wasmDistDir());
    await tf.setBackend('wasm');
    await installWasmModelKernels();
  }, 60_000);

  it('the committed modules are the WAT assembled (npm run wasm-kernels)', async () => {
    const sources = await moduleSources();
    expect(sources.size).toBe(5);
    for (const [path, source] of sources) expect(readFileSync(path, 'utf8'), path).toBe(source);
  });

  it('installs the variant for this engine: a plain memory, fused multiply-adds only where relaxed SIMD validates', () => {
    expect(installedKernelVariant()).toBe(relaxedSimd() ? 'plain-fma' : 'plain');
  });

  // Node 20 runs relaxed SIMD only behind a flag, Chromium by default: check that variant's convolution
  // in a child process with the flag, against a float64 direct convolution, beside the plain variant's.
  it('the fused multiply-add variant convolves as the plain one does (both forms, within 1e-5 of a float64 reference)', () => {
    const out = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', 'tests/support/fma-check.ts'], { encoding: 'utf8' });
    const errors = JSON.parse(out.trim().split('\n').pop() as string) as Record<string, number>;
    expect(Object.keys(errors).sort()).toEqual(['fma F2', 'fma F4', 'plain F2', 'plain F4']);
    for (const [name, err] of Object.entries(errors)) expect(err, name).toBeLessThan(1e-5);
  }, 60_000);

  it('stand behind groupNorm and silu on the wasm backend they were installed on (GroupNorm where C is a multiple of 4)', () => {
    expect(activeOps().groupNorm).toBe(wasmGroupNorm);
    expect(activeOps().silu).toBe(wasmSilu);
    expect(CASES.map((c) => wasmGroupNormApplies(c.c))).toEqual([true, true, true, true, false]);
  });

  it.each(CASES.map((c, i) => [`b${c.b} ${c.h}×${c.w}×${c.c} G${c.groups} mean ${c.shift}`, i] as const))(
    'equals the reference ops on the cpu backend (%s)', (_name, i) => {
      expect(relErr(run(CASES[i], i), reference[i])).toBeLessThan(1e-5);
    });

  it('SiLU equals the reference ops on the cpu backend to 1e-6 of max(1, |x|), from −200 to 200 and NaN', () => {
    const got = siluRun(), xs = siluInputs();
    let worst = 0;
    for (let i = 0; i < xs.length - 1; i++) worst = Math.max(worst, Math.abs(got[i] - siluReference[i]) / Math.max(1, Math.abs(xs[i])));
    expect(worst).toBeLessThan(1e-6);
    expect(got[xs.length - 1]).toBeNaN();
  });

  it('leaves the tensor and wasm buffer counts where they were', () => {
    run(CASES[1], 9);
    siluRun();
    const tensors = tf.memory().numTensors, buffers = tf.backend().numDataIds();
    for (let i = 0; i < 3; i++) {
      run(CASES[1], i);
      siluRun();
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(buffers);
  });

  it.runIf(existsSync(BASE_64))('leave a 20-step guided DDIM sample of the shipped base-64 the same image within 0.1 display level', async () => {
    const manifest = parseManifest(readFileSync(join(BASE_64, 'manifest.json'), 'utf8'), BASE_64);
    const loaded = await loadModel(manifest, new Uint8Array(readFileSync(join(BASE_64, manifest.weightsFile))));
    const model = baseModelFrom(manifest, loaded.unet, loaded.weights);
    const draw = async () => {
      const x = await sampleBase(model, { classIndex: 2, guidance: 3, batch: 1, sampler: 'ddim', steps: 20, eta: 0, seed: 11 });
      const levels = tf.tidy(() => tf.mul(tf.add(x, 1), 127.5).dataSync<'float32'>().slice());
      x.dispose();
      return levels;
    };
    try {
      const ours = await draw();
      setTrainingOps(null);
      const theirs = await draw();
      let max = 0, sum = 0;
      for (let i = 0; i < ours.length; i++) { const d = Math.abs(ours[i] - theirs[i]); max = Math.max(max, d); sum += d; }
      console.log(`base-64 sample, our conv, GroupNorm and SiLU vs tfjs ops: mean |Δ| ${(sum / ours.length).toFixed(4)}, max ${max.toFixed(4)} levels`);
      expect(max).toBeLessThan(0.1);
    } finally {
      setTrainingOps({ groupNorm: wasmGroupNorm, silu: wasmSilu, conv2d: wasmConv2d });
      tf.dispose(Object.values(loaded.weights));
    }
  }, 60_000);

  it('give way to the reference ops on another backend', async () => {
    await tf.setBackend('cpu');
    try {
      expect(wasmGroupNormApplies(16)).toBe(false);
      expect(relErr(run(CASES[1], 1), reference[1])).toBeLessThan(1e-6);
    } finally {
      await tf.setBackend('wasm');
      setTrainingOps(null);
    }
  });
});
