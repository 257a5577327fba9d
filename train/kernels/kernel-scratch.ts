// A scratch pad for kernels composed of other wasm kernels: runs them by name and frees every
// intermediate at the end (or earlier, to bound memory inside a loop).
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { heapOutput } from '../../src/lib/models/wasm-kernels/heap';

/**
 * Runs wasm kernels by name and remembers every intermediate so one `free()` releases them. We call
 * kernels directly (not tf ops) because we are already inside a kernel: no engine bookkeeping.
 */
export class KernelScratch {
  private temps: TensorInfo[] = [];
  constructor(readonly backend: KernelBackend) {}

  run(name: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = tf.getKernel(name, 'wasm');
    if (kernel === undefined) throw new Error(`wasm kernel ${name} is not registered`);
    const out = kernel.kernelFunc({ inputs, attrs, backend: this.backend }) as TensorInfo;
    this.temps.push(out);
    return out;
  }

  /** A new uninitialised float32 buffer of `shape` on the wasm heap, freed like the others. */
  make(shape: number[]): TensorInfo {
    const out = heapOutput(this.backend, shape);
    this.temps.push(out);
    return out;
  }

  /** Hand `t` to the caller: it is no longer freed by `free()`. */
  keep(t: TensorInfo): TensorInfo {
    this.temps = this.temps.filter((u) => u !== t);
    return t;
  }

  /** Free `t` now (it must have come from this scratch pad). */
  release(t: TensorInfo): void {
    this.keep(t);
    this.backend.disposeData(t.dataId);
  }

  free(): void {
    // Reshape returns the same dataId with its refCount raised, so each entry is one release.
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    this.temps = [];
  }
}

// The heap helpers live with the model's own wasm kernels (the browser uses them too).
export { heapOffset, heapView } from '../../src/lib/models/wasm-kernels/heap';

/** BackendWasm's output allocator for any dtype (tfjs-backend-wasm 4.22, public on the class). */
export interface WasmHeap {
  makeOutput(shape: number[], dtype: 'float32' | 'int32' | 'bool'): TensorInfo;
}
