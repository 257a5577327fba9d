// The real tfjs backends for the engine: each imported only when tried, WebGL refused on a software
// rasteriser unless the reader asks for it, and a 1 + 2 check that the backend computes at all.
import type * as tfCore from '@tensorflow/tfjs-core';
import { WASM_PATHS } from './backend';
import type { EngineBackend } from './protocol';

/**
 * The renderer's name when WebGL runs on a software rasteriser (SwiftShader, llvmpipe), else null.
 * There WebGL is ~20× slower than wasm (measurements.md), and its first run alone, compiling every
 * shader, takes seconds: not worth measuring unless the reader asks for it.
 */
function softwareRenderer(): string | null {
  if (typeof OffscreenCanvas === 'undefined') return null;
  const canvas = new OffscreenCanvas(1, 1);
  const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
  if (!gl) return null; // tf.setBackend('webgl') fails with its own reason
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext(); // free the probe's context now, not at GC
  return /swiftshader|llvmpipe|softpipe|software rasterizer|basic render/i.test(renderer) ? renderer : null;
}

/** Why `name` cannot be the backend to use here, known without starting it (choice.ts), or null. */
export function ruledOutInBrowser(name: EngineBackend): string | null {
  const software = name === 'webgl' ? softwareRenderer() : null;
  return software ? `WebGL runs on a software renderer (${software})` : null;
}

/** Whether tfjs's threaded wasm would run more than one thread here (4 or more logical cores). */
export function threadsCompute(cores: number = globalThis.navigator?.hardwareConcurrency ?? 1): boolean {
  return Math.floor(cores / 2) >= 2;
}

/** The real backends, each imported only when tried (a reader on wasm never downloads WebGL's code). */
export async function activateInBrowser(tf: typeof tfCore, name: EngineBackend, forced: boolean, f16Textures = false): Promise<void> {
  const ruledOut = forced ? null : ruledOutInBrowser(name);
  if (ruledOut) throw new Error(ruledOut);
  // Our kernels' chunk downloads while tfjs fetches and compiles its wasm binary, not after it (on a slow
  // line it was one more round trip on the way to the first image).
  const kernels = name === 'wasm' ? import('../models/wasm-kernels/install') : null;
  kernels?.catch(() => undefined); // a failed download is reported below, once wasm is up
  if (name === 'webgl') {
    await import('@tensorflow/tfjs-backend-webgl'); // registers the flag; tfjs reads it when the backend is first made
    if (f16Textures) tf.env().set('WEBGL_FORCE_F16_TEXTURES', true);
  } else if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  else {
    (await import('@tensorflow/tfjs-backend-wasm')).setWasmPaths(WASM_PATHS);
    // In a worker threads are free to start (a page's <meta> policy never reaches a worker); in the
    // page (the in-page fallback) their blob: workers would break its Content-Security-Policy. And
    // only where they can compute: tfjs runs min(max(⌊cores / 2⌋, 1), 4) threads (tfjs-backend-wasm
    // backend.cc), one below 4 logical cores, where the threaded build would only start its pool of 8
    // workers, each instantiating the module, during the reader's first wait.
    if (typeof document !== 'undefined' || !threadsCompute()) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  }
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed to initialise`);
  await tf.ready();
  const sum = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]);
  if (sum !== 3) throw new Error(`backend ${name} computed 1 + 2 = ${sum}`);
  if (kernels !== null) {
    // Our convolution, GroupNorm and SiLU kernels (models/wasm-kernels; imported lazily, not at the top,
    // so that the worker's entry stays free of tfjs): without them the lessons run the same images on
    // tfjs's own ops, only slower, so a failure is a warning, not a failed backend.
    await kernels.then((m) => m.installWasmModelKernels())
      .catch((e: unknown) => console.warn('engine: our wasm kernels not installed;', e));
  }
}
