// Lets tfjs-backend-wasm 4.22 run its threaded-SIMD build in Node (upstream disables it there,
// tensorflow/tfjs#3830). Recipe of measurements.md §1.5; it depends on the 4.22 bundle's internals,
// which is why the package is pinned and callers fall back to one thread when this throws.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';

// The threaded factory's source is shipped to each worker as text; it refers to these closure names
// of the CommonJS bundle (dist/tf-backend-wasm.node.js), which a worker must define before eval.
const WORKER_PRELUDE = [
  "var require$$0 = require('fs');",
  "var require$$1 = require('path');",
  "var require$$3 = require('perf_hooks');",
  "var require$$4 = require('os');",
  'var commonjsGlobal = globalThis;',
  'var _scriptDir = undefined;',
].join('\n');

/** A real Blob that also keeps its text, so it can be written to a file synchronously. */
class TextBlob extends Blob {
  readonly source: string | undefined;
  constructor(parts: BlobPart[] = [], options?: BlobPropertyBag) {
    super(parts, options);
    this.source = parts.every((p) => typeof p === 'string') ? (parts as string[]).join('') : undefined;
  }
}

interface Installed {
  dir: string;
  /** Pool workers and emscripten's own error handler for each (restored once the pool runs). */
  workers: Map<Worker, unknown>;
  restoreCpus: () => void;
  /** Settles with the first worker error while the pool starts. */
  failure: Promise<Error>;
}
let installed: Installed | null = null;

/**
 * Installs the shim. Must run after `@tensorflow/tfjs-backend-wasm` is imported (it registers the
 * flag) and before `tf.setBackend('wasm')` first instantiates the module. Throws if anything
 * it relies on is missing. Call `finishNodeWasmThreads()` once the backend is ready.
 */
export function enableNodeWasmThreads(): void {
  if (installed !== null) return;
  if (typeof Blob === 'undefined' || typeof URL.createObjectURL !== 'function') throw new Error('Blob/URL.createObjectURL missing');
  // 1. The bundle answers "no threads" whenever IS_NODE; override the flag.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  // 2. backend.cc caps the pool at logical_cores/2, which is 1 on a 2-vCPU machine: report ≥ 4 cores
  //    while the pool is created.
  const realCpus = os.cpus;
  const cpus = realCpus();
  if (cpus.length < 4) os.cpus = () => [...cpus, ...cpus, ...cpus, ...cpus].slice(0, Math.max(4, cpus.length));
  // 3. Workers cannot load blob: URLs in Node: write the two emscripten Blob scripts to .cjs files.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'noisebook-wasm-threads-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const files = new WeakMap<TextBlob, string>();
  let count = 0;
  const workers = new Map<Worker, unknown>();
  let fail: (e: Error) => void = () => {};
  const failure = new Promise<Error>((resolve) => (fail = resolve));
  const fileFor = (blob: TextBlob): string => {
    let file = files.get(blob);
    if (file === undefined) {
      file = path.join(dir, `script-${count++}.cjs`);
      writeFileSync(file, `${WORKER_PRELUDE}\n${blob.source}`);
      files.set(blob, file);
    }
    return file;
  };
  globalThis.Blob = TextBlob as typeof Blob;
  const realCreate = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (obj: Blob) => (obj instanceof TextBlob && obj.source !== undefined ? fileFor(obj) : realCreate(obj));
  // 4. The main script goes to each worker as `urlOrBlob` in its 'load' message: send the path.
  //    Remember the pool's workers: finishNodeWasmThreads() unrefs them so Node can exit.
  const realPost = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (this: Worker, message: unknown, transfer?: readonly never[]) {
    const m = message as { urlOrBlob?: unknown } | null;
    if (m !== null && typeof m === 'object' && m.urlOrBlob instanceof TextBlob && m.urlOrBlob.source !== undefined) {
      message = { ...m, urlOrBlob: fileFor(m.urlOrBlob) };
      // emscripten's handler rethrows a worker error, which kills the process; while the pool
      // starts, report it instead so the caller can fall back to one thread.
      const w = this as unknown as { onerror: unknown };
      workers.set(this, w.onerror);
      w.onerror = (e: unknown) => fail(e instanceof Error ? e : new Error(String(e)));
    }
    return realPost.call(this, message, transfer);
  };
  installed = { dir, workers, failure, restoreCpus: () => (os.cpus = realCpus) };
}

/**
 * Call once the backend has started (or failed to): restores os.cpus. After a good start, gives the
 * pool's workers back emscripten's error handler and unrefs them, so Node can exit when the script
 * ends (a wasm call blocks the main thread anyway while they work). After a failed start, stops them
 * and keeps their errors quiet. The Blob/URL/postMessage patches stay in case emscripten starts a
 * worker later.
 */
export function finishNodeWasmThreads(started = true): void {
  if (installed === null) return;
  installed.restoreCpus();
  for (const [w, onerror] of installed.workers) {
    if (started) {
      (w as unknown as { onerror: unknown }).onerror = onerror;
      w.unref();
    } else {
      void w.terminate();
    }
  }
}

/** Resolves with the first error a pool worker raised while starting (never, if none did). */
export function threadStartFailure(): Promise<Error> {
  return installed?.failure ?? new Promise(() => {});
}
