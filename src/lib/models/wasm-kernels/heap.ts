// The few tfjs-backend-wasm 4.22 internals our own wasm kernels need: its WebAssembly.Memory (so a
// module of ours can import it), a tensor's byte address on that heap, and new outputs on it. Public
// members of the backend class and its emscripten module, but not a documented API: the package is
// pinned, and every caller falls back to tfjs's own ops when one of these throws.
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';

interface WasmBackendInternals {
  wasm?: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  dataIdMap: { get(id: object): { memoryOffset: number } | undefined; has(id: object): boolean };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  /** A Float32Array view of `t` on the heap. Invalid after any allocation that grows the heap. */
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

const internals = (backend: KernelBackend) => backend as unknown as WasmBackendInternals;

/** The backend's memory: `wasmMemory` in the threaded build (shared), the module's export otherwise. */
export function backendMemory(backend: KernelBackend): WebAssembly.Memory {
  const mod = internals(backend).wasm;
  const memory = mod?.wasmMemory ?? mod?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error('the wasm backend does not expose its memory');
  return memory;
}

/** Byte address of `t`'s data in the wasm heap. */
export function heapOffset(backend: KernelBackend, t: TensorInfo): number {
  const entry = internals(backend).dataIdMap.get(t.dataId);
  if (entry === undefined) throw new Error('heapOffset: tensor is not on this wasm backend');
  return entry.memoryOffset;
}

/** Whether data `dataId` still lives on the backend (false once disposed). */
export function onHeap(backend: KernelBackend, dataId: object): boolean {
  return internals(backend).dataIdMap.has(dataId);
}

/** A fresh heap view of `t` (take one after the last allocation before reading or writing). */
export function heapView(backend: KernelBackend, t: TensorInfo): Float32Array {
  return internals(backend).typedArrayFromHeap(t);
}

/** A new uninitialised float32 tensor of `shape` on the heap; the caller disposes it (disposeData). */
export function heapOutput(backend: KernelBackend, shape: number[]): TensorInfo {
  return internals(backend).makeOutput(shape, 'float32');
}
