// Our own WebAssembly SIMD kernels for training (the weight gradient, direct and Winograd's, the Winograd
// convolution, AdamW, GroupNorm's and SiLU's passes),
// written as WAT text, assembled once with wabt and instantiated against the tfjs wasm backend's own
// WebAssembly.Memory, so they read and write tensors where tfjs keeps them. When that memory is shared
// (the threaded build, two threads), a helper worker imports the same memory and module and takes
// half of a split call; XNNPACK's thread pool is idle while a kernel of ours runs, so the helper
// takes its core rather than competing for one.
import { Worker } from 'node:worker_threads';
import type { KernelBackend } from '@tensorflow/tfjs-core';
import wabtInit from 'wabt';
import { backendMemory } from '../../src/lib/models/wasm-kernels/heap';
import { MODEL_KERNEL_EXPORTS, modelKernelsWat, type PassRunner } from '../../src/lib/models/wasm-kernels/module-wat';
import { adamwWat } from './adamw-wat';
import { filterGradWat } from './filter-grad-wat';
import { winogradFilterWat } from './winograd-filter-wat';

/** The module's exports, in the order the helper numbers them. */
const EXPORTS = ['filterGrad', 'adamw', 'winoFilter2', 'winoFilterOut2', 'winoFilter4', 'winoFilterOut4', ...MODEL_KERNEL_EXPORTS] as const;
export type WasmKernelName = (typeof EXPORTS)[number];
type Fn = (...args: number[]) => void;

/** The module's text. `shared` must match the backend's memory (the threaded build's is shared). */
export function wasmKernelsWat(shared: boolean): string {
  return `(module
  (import "env" "memory" (memory 1${shared ? ' 65536 shared' : ''}))${filterGradWat()}${adamwWat()}${winogradFilterWat()}${modelKernelsWat()})`;
}

/** A helper that has not answered in this long has failed (one call takes well under a second). */
const HELPER_TIMEOUT_MS = 60_000;
// Control words shared with the helper: request and done generations, an error flag, the export's
// index and argument count, then the arguments.
const REQ = 0, DONE = 1, ERR = 2, FN = 3, NARGS = 4, ARGS = 5, MAX_ARGS = 16;
const HELPER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, control, names } = workerData;
const ctl = new Int32Array(control);
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = names.map((n) => exports[n]);
parentPort.postMessage('ready');
let seen = 0;
for (;;) {
  Atomics.wait(ctl, ${REQ}, seen);
  seen = Atomics.load(ctl, ${REQ});
  try { fns[ctl[${FN}]](...ctl.subarray(${ARGS}, ${ARGS} + ctl[${NARGS}])); ctl[${ERR}] = 0; } catch { ctl[${ERR}] = 1; }
  Atomics.store(ctl, ${DONE}, seen);
  Atomics.notify(ctl, ${DONE});
}`;

class Helper {
  private readonly ctl = new Int32Array(new SharedArrayBuffer(4 * (ARGS + MAX_ARGS)));
  private worker: Worker | null = null;

  async start(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<void> {
    const worker = new Worker(HELPER_SOURCE, { eval: true, workerData: { module, memory, control: this.ctl.buffer, names: EXPORTS } });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`helper exited with code ${code}`)));
    });
    worker.removeAllListeners();
    worker.unref(); // blocked in Atomics.wait between calls; must not keep Node alive
    this.worker = worker;
  }

  /** Starts `name(args)` on the helper; `join()` waits for it. */
  post(name: WasmKernelName, args: number[]): void {
    if (args.length > MAX_ARGS) throw new Error(`${name}: more than ${MAX_ARGS} arguments`);
    // The control words are Int32: a float setting (adamw's) would arrive truncated, so such calls stay on this thread.
    if (!args.every((a) => Number.isInteger(a) && a >= -(2 ** 31) && a < 2 ** 32)) throw new Error(`${name}: only integer arguments go to the helper`);
    this.ctl[FN] = EXPORTS.indexOf(name);
    this.ctl[NARGS] = args.length;
    this.ctl.set(args, ARGS);
    Atomics.add(this.ctl, REQ, 1);
    Atomics.notify(this.ctl, REQ);
  }

  join(): void {
    const want = Atomics.load(this.ctl, REQ);
    const t0 = performance.now();
    for (;;) {
      const done = Atomics.load(this.ctl, DONE);
      if (done === want) break;
      if (performance.now() - t0 > HELPER_TIMEOUT_MS) throw new Error('wasm kernel helper thread did not answer');
      Atomics.wait(this.ctl, DONE, done, 1000);
    }
    if (this.ctl[ERR] !== 0) throw new Error('wasm kernel trapped on the helper thread');
  }

  stop(): void {
    void this.worker?.terminate();
    this.worker = null;
  }
}

let kernels: { fns: Record<WasmKernelName, Fn>; helper: Helper | null; backend: KernelBackend } | null = null;

/**
 * Assembles and instantiates the kernels for `backend` (the wasm backend, already started); with
 * `threads` ≥ 2 and a shared heap, also starts the helper thread. Throws if anything is missing;
 * the ops then keep their tfjs-composed forms.
 */
export async function prepareWasmKernels(backend: KernelBackend, threads: number): Promise<void> {
  if (kernels?.backend === backend) return;
  stopWasmKernels();
  const memory = backendMemory(backend);
  const shared = memory.buffer instanceof SharedArrayBuffer;
  const wabt = await wabtInit();
  const parsed = wabt.parseWat('noisebook-kernels.wat', wasmKernelsWat(shared), { simd: true, threads: true });
  let binary: Uint8Array<ArrayBuffer>;
  try {
    binary = new Uint8Array(parsed.toBinary({}).buffer); // a copy on a plain ArrayBuffer
  } finally {
    parsed.destroy();
  }
  const module = await WebAssembly.compile(binary);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const helper = shared && threads >= 2 ? new Helper() : null;
  await helper?.start(module, memory);
  const fns = Object.fromEntries(EXPORTS.map((n) => [n, instance.exports[n] as Fn])) as Record<WasmKernelName, Fn>;
  kernels = { fns, helper, backend };
}

/** Stops the helper thread and forgets the kernels (the ops go back to their tfjs-composed forms). */
export function stopWasmKernels(): void {
  kernels?.helper?.stop();
  kernels = null;
}

/** Whether the kernels are ready for `backend`. */
export function wasmKernelsReady(backend: KernelBackend): boolean {
  return kernels?.backend === backend;
}

/** Threads a split call runs on: 2 with the helper, else 1 (0 when the kernels are not prepared). */
export function wasmKernelThreads(): number {
  return kernels === null ? 0 : kernels.helper === null ? 1 : 2;
}

/**
 * Runs `name(mine)` on this thread and, with a helper, `name(theirs)` on it at the same time (the
 * two must touch disjoint outputs); without one, runs both parts here in turn.
 */
export function runWasmKernel(backend: KernelBackend, name: WasmKernelName, mine: number[], theirs?: number[]): void {
  if (kernels === null || kernels.backend !== backend) throw new Error(`wasm kernel ${name}: call prepareWasmKernels first`);
  const fn = kernels.fns[name];
  if (theirs === undefined) {
    fn(...mine);
  } else if (kernels.helper === null) {
    fn(...mine);
    fn(...theirs);
  } else {
    kernels.helper.post(name, theirs);
    try {
      fn(...mine);
    } finally {
      kernels.helper.join();
    }
  }
}

/** runWasmKernel as the shared forward kernels' runner (src/lib/models/wasm-kernels). */
export const runner = (backend: KernelBackend): PassRunner => (name, mine, theirs) => runWasmKernel(backend, name, mine, theirs);
