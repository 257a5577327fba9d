// Faults forced on demand (protocol.ts FAULT_KINDS), so every recovery path of the engine can be run
// by a test in a real browser instead of waiting for a GPU reset or a diverged model to happen.
import type * as tfCore from '@tensorflow/tfjs-core';
import type { RunnableModel } from './jobs';

/**
 * A copy of `model` whose first weight tensor is all NaN: the network then outputs NaN the way a
 * diverged model or a backend with broken float16 maths does, and the job's NaN check has to catch it
 * (one NaN in a convolution kernel reaches every pixel through GroupNorm's statistics). The original
 * weights are untouched; `dispose` frees the one tensor made here.
 */
export function poisonedModel(tf: typeof tfCore, model: RunnableModel): { model: RunnableModel; dispose: () => void } {
  const names = Object.keys(model.weights);
  if (names.length === 0) throw new Error('the model has no weights to poison');
  const victim = names[0];
  const nan = tf.fill(model.weights[victim].shape, Number.NaN);
  return { model: { ...model, weights: { ...model.weights, [victim]: nan } }, dispose: () => nan.dispose() };
}

/** The WebGL backend's context (tfjs keeps it on backend().gpgpu.gl, with no public accessor). */
function webglContext(tf: typeof tfCore): WebGLRenderingContext | null {
  if (tf.getBackend() !== 'webgl') return null;
  const backend = tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } };
  return backend.gpgpu?.gl ?? null;
}

/** Whether tfjs runs on WebGL and its context is lost, so its tensors are gone. */
export function webglContextLost(tf: typeof tfCore): boolean {
  return webglContext(tf)?.isContextLost() === true;
}

/**
 * Loses the WebGL context for real, through WEBGL_lose_context (what a GPU reset or a driver update
 * does to a page). Returns false when tfjs is not on WebGL or the extension is missing: the host then
 * simulates the loss instead.
 */
export function loseWebglContext(tf: typeof tfCore): boolean {
  const gl = webglContext(tf);
  const ext = gl?.getExtension('WEBGL_lose_context');
  if (!gl || !ext) return false;
  ext.loseContext();
  return gl.isContextLost();
}
