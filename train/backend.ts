// Sets up tfjs-backend-wasm 4.22 for training in Node: wasm paths, the conv-gradient kernels, the
// custom-gradient model ops, our SIMD weight-gradient kernel, and optionally two threads through the
// Node shim of measurements.md §1.5.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { setTrainingOps } from '../src/lib/models/ops';
import { registerWasmTrainingKernels } from './kernels/register';
import { registerCoreGradients } from './kernels/core-gradients';
import { trainingOps } from './kernels/ops';
import { prepareWasmKernels } from './kernels/wasm-kernels';
import { enableNodeWasmThreads, finishNodeWasmThreads, threadStartFailure } from './kernels/node-threads';

export interface TrainingBackendOptions {
  /** Threads for XNNPACK. Default: 2 when NOISEBOOK_WASM_THREADS=2 is set, else 1. */
  threads?: 1 | 2;
  /** Print what was set up (default true). */
  verbose?: boolean;
}

export interface TrainingBackendInfo {
  backend: string;
  threadsRequested: 1 | 2;
  /** What the backend reports after setup; 1 when the threaded build could not start. */
  threads: number;
  /** Why threads fell back to 1, when they did. */
  note?: string;
}

/** Directory holding the .wasm binaries of the installed @tensorflow/tfjs-backend-wasm. */
export function wasmDistDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

let ready: Promise<TrainingBackendInfo> | null = null;

/** How long the threaded build may take to start its workers before we fall back to 1 thread. */
const THREADED_INIT_MS = 60_000;

/**
 * tf.setBackend for the threaded build: resolves false instead of crashing or hanging when a pool
 * worker fails or the start takes longer than THREADED_INIT_MS.
 */
function setThreadedBackend(name: string): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), THREADED_INIT_MS);
    const done = (ok: boolean) => (clearTimeout(timer), resolve(ok));
    tf.setBackend(name).then(done, () => done(false));
    void threadStartFailure().then(() => done(false));
  });
}

/**
 * Makes 'wasm' the active backend with everything training needs. Idempotent within a process:
 * the thread count is fixed by the first call (the wasm module instantiates once).
 */
export function initTrainingBackend(options: TrainingBackendOptions = {}): Promise<TrainingBackendInfo> {
  ready ??= setUp(options);
  return ready;
}

async function setUp(options: TrainingBackendOptions): Promise<TrainingBackendInfo> {
  const threadsRequested = options.threads ?? (process.env.NOISEBOOK_WASM_THREADS === '2' ? 2 : 1);
  const verbose = options.verbose ?? true;
  let note: string | undefined;
  wasm.setWasmPaths(wasmDistDir());
  if (threadsRequested === 2) {
    // The shim must run before the wasm module is instantiated (setBackend below).
    try {
      enableNodeWasmThreads();
      wasm.setThreadsCount(2);
    } catch (e) {
      note = `2 wasm threads unavailable (${(e as Error).message}); using 1 thread`;
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    }
  }
  const threaded = threadsRequested === 2 && note === undefined;
  let ok = threaded ? await setThreadedBackend('wasm') : await tf.setBackend('wasm');
  if (!ok && threaded) {
    const cause = await Promise.race([threadStartFailure(), Promise.resolve(null)]);
    note = `the threaded wasm build did not start (${cause?.message ?? 'timeout or init failure'}); using 1 thread`;
    finishNodeWasmThreads(false);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasm.setThreadsCount(1);
    ok = await tf.setBackend('wasm');
  }
  if (!ok) throw new Error('tfjs wasm backend failed to initialise');
  await tf.ready();
  if (threaded && note === undefined) finishNodeWasmThreads(true);
  await registerCoreGradients();
  registerWasmTrainingKernels();
  setTrainingOps(trainingOps);
  const threads = wasm.getThreadsCount();
  try {
    await prepareWasmKernels(tf.backend(), threads);
  } catch (e) {
    note = [note, `our SIMD kernels did not start (${(e as Error).message}); dW, GroupNorm and SiLU run as composed tfjs ops`].filter(Boolean).join('; ');
  }
  if (threadsRequested === 2 && threads !== 2 && note === undefined) {
    note = `asked for 2 wasm threads, the backend runs ${threads}; continuing with ${threads}`;
  }
  if (verbose) {
    console.log(`[train] tfjs ${tf.version_core} backend=wasm threads=${threads}`);
    if (note !== undefined) console.log(`[train] note: ${note}`);
  }
  return { backend: tf.getBackend(), threadsRequested, threads, note };
}
