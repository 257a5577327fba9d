// Faults forced on demand (protocol.ts FAULT_KINDS), so every recovery path of the engine can be run
// by a test in a real browser instead of waiting for a GPU reset or a diverged model to happen.
import type * as tfCore from '@tensorflow/tfjs-core';
import type { RunnableModel } from './jobs';

/**
 * A copy of `model` whose network output is NaN, the way a diverged model or a backend with broken
 * float16 maths gives it, so the job's NaN check has to catch it. The NaN is added to the output, not
 * planted in a weight: wasm's fused convolutions clamp their results, and a NaN weight came out finite
 * there. Nothing is allocated outside the sampler's tf.tidy; the original model is untouched.
 */
export function poisonedModel<M extends RunnableModel>(tf: typeof tfCore, model: M): M {
  const { unet } = model;
  return { ...model, unet: { ...unet, apply: (weights, x, t, opts) => tf.add(unet.apply(weights, x, t, opts), Number.NaN) } };
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
