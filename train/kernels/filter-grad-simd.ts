// Runs the WAT weight-gradient kernel (filter-grad-wat.ts) on the tfjs wasm backend's heap: assembled
// once with wabt, instantiated against the backend's own WebAssembly.Memory, and, when that memory is
// shared (the threaded build, two threads), split by input channels between this thread and one
// helper worker that imports the same memory. XNNPACK's thread pool is idle while a kernel of ours
// runs, so the helper takes its core rather than competing for one.
import { Worker } from 'node:worker_threads';
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import wabtInit from 'wabt';
import type { FilterGradGeometry } from './filter-grad';
import { filterGradWat, MR, NV } from './filter-grad-wat';
import { heapOffset, heapView, type KernelScratch } from './kernel-scratch';

/** Positions per block (blocks of 128–1024 measured within 5 %; 512 keeps Ci = 128 rows in L2). */
const BLOCK = 512;
/** A helper that has not answered in this long has failed (one call takes well under a second). */
const HELPER_TIMEOUT_MS = 60_000;

type FilterGradFn = (...args: number[]) => void;

// Control words shared with the helper: the request and done generations, an error flag, then the
// twelve arguments of filterGrad.
const REQ = 0, DONE = 1, ERR = 2, ARGS = 3;
const HELPER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, control } = workerData;
const ctl = new Int32Array(control);
const run = new WebAssembly.Instance(module, { env: { memory } }).exports.filterGrad;
parentPort.postMessage('ready');
let seen = 0;
for (;;) {
  Atomics.wait(ctl, ${REQ}, seen);
  seen = Atomics.load(ctl, ${REQ});
  try { run(...ctl.subarray(${ARGS}, ${ARGS + 12})); ctl[${ERR}] = 0; } catch { ctl[${ERR}] = 1; }
  Atomics.store(ctl, ${DONE}, seen);
  Atomics.notify(ctl, ${DONE});
}`;

class Helper {
  private readonly ctl = new Int32Array(new SharedArrayBuffer(4 * (ARGS + 12)));
  private worker: Worker | null = null;

  async start(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<void> {
    const worker = new Worker(HELPER_SOURCE, { eval: true, workerData: { module, memory, control: this.ctl.buffer } });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`helper exited with code ${code}`)));
    });
    worker.removeAllListeners();
    worker.unref(); // blocked in Atomics.wait between calls; must not keep Node alive
    this.worker = worker;
  }

  /** Starts filterGrad(args) on the helper; `join()` waits for it. */
  post(args: number[]): void {
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
      if (performance.now() - t0 > HELPER_TIMEOUT_MS) throw new Error('filter-grad helper thread did not answer');
      Atomics.wait(this.ctl, DONE, done, 1000);
    }
    if (this.ctl[ERR] !== 0) throw new Error('filter-grad helper thread trapped');
  }

  stop(): void {
    void this.worker?.terminate();
    this.worker = null;
  }
}

let kernel: { run: FilterGradFn; helper: Helper | null; backend: KernelBackend } | null = null;

/** The backend's WebAssembly.Memory (tfjs-backend-wasm 4.22: `wasmMemory` threaded, `asm.memory` not). */
function backendMemory(backend: KernelBackend): WebAssembly.Memory {
  const mod = (backend as unknown as { wasm?: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } } }).wasm;
  const memory = mod?.wasmMemory ?? mod?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error('the wasm backend does not expose its memory');
  return memory;
}

/**
 * Assembles and instantiates the kernel for `backend` (the wasm backend, already started); with
 * `threads` ≥ 2 and a shared heap, also starts the helper thread. Throws if anything is missing;
 * dW then stays on the GEMM path (conv-grad.ts).
 */
export async function prepareFilterGradSimd(backend: KernelBackend, threads: number): Promise<void> {
  if (kernel?.backend === backend) return;
  stopFilterGradSimd();
  const memory = backendMemory(backend);
  const shared = memory.buffer instanceof SharedArrayBuffer;
  const wabt = await wabtInit();
  const parsed = wabt.parseWat('filter-grad.wat', filterGradWat(shared), { simd: true, threads: true });
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
  kernel = { run: instance.exports.filterGrad as FilterGradFn, helper, backend };
}

/** Stops the helper thread and forgets the kernel (dW goes back to the GEMM path). */
export function stopFilterGradSimd(): void {
  kernel?.helper?.stop();
  kernel = null;
}

/** Whether the kernel is ready for `backend` and handles these channel counts (tile multiples). */
export function filterGradSimdHandles(backend: KernelBackend, ci: number, co: number): boolean {
  return kernel?.backend === backend && ci % MR === 0 && co % (4 * NV) === 0;
}

/** Threads the kernel runs on: 2 with the helper, else 1 (0 when it is not prepared). */
export function filterGradSimdThreads(): number {
  return kernel === null ? 0 : kernel.helper === null ? 1 : 2;
}

/**
 * dW of a stride-1, undilated NHWC Conv2D with the SIMD kernel. x [B, H, W, Ci], dy [B, Ho, Wo, Co]
 * → [KH, KW, Ci, Co]. Intermediates live on `s`; the result is kept out of it for the caller.
 */
export function filterGradSimd(s: KernelScratch, x: TensorInfo, dy: TensorInfo, g: FilterGradGeometry): TensorInfo {
  if (kernel === null || kernel.backend !== s.backend) throw new Error('filterGradSimd: call prepareFilterGradSimd first');
  const [b, , , ci] = x.shape;
  const [, ho, wo, co] = dy.shape;
  const { kh, kw } = g;
  const wp = wo + kw - 1, grid = (ho + kh - 1) * wp; // the padded image, H + top + bottom rows at stride 1
  const xP = g.top + g.bottom + g.left + g.right > 0
    ? s.run('PadV2', { x }, { paddings: [[0, 0], [g.top, g.bottom], [g.left, g.right], [0, 0]], constantValue: 0 })
    : x; // x̃ [B, Hp, Wp, Ci]
  const dyP = kh > 1 || kw > 1
    ? s.run('PadV2', { x: dy }, { paddings: [[0, 0], [0, kh - 1], [0, kw - 1], [0, 0]], constantValue: 0 })
    : dy; // dỹ [B, Hp, Wp, Co], dy in the top-left corner
  const out = s.make([kh, kw, ci, co]);
  heapView(s.backend, out).fill(0); // the kernel adds into it
  // Positions up to the last nonzero dỹ row; n + o_t then stays inside x̃ (filter-grad.ts).
  const total = (b - 1) * grid + (ho - 1) * wp + wo;
  const args = [heapOffset(s.backend, xP), heapOffset(s.backend, dyP), heapOffset(s.backend, out), ci, co, wp, kh, kw, total, BLOCK];
  const split = Math.floor(ci / MR / 2) * MR; // the helper takes channels [split, Ci)
  if (kernel.helper !== null && split > 0) {
    kernel.helper.post([...args, split, ci]);
    try {
      kernel.run(...args, 0, split);
    } finally {
      kernel.helper.join();
    }
  } else {
    kernel.run(...args, 0, ci);
  }
  return s.keep(out);
}
