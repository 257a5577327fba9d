// Starts TensorFlow.js in the page (lesson 1 computes in the main thread; the Web Worker engine of
// design.md comes later): WebAssembly with SIMD first, then the plain JavaScript cpu backend.
// tfjs is imported dynamically, so prose, math and images never wait for it, and only tfjs-core plus
// one backend ship (never the @tensorflow/tfjs umbrella, measurements.md §2.5).
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** The three wasm binaries as URLs on this site (plain, SIMD, threaded SIMD); the worker engine uses them too. */
export const WASM_PATHS = {
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
};

export type BackendName = 'wasm' | 'cpu';

export interface BackendReport {
  /** The backend tfjs now runs on, or null when none could start. */
  backend: BackendName | null;
  /** Whether the wasm binary in use has SIMD (only for wasm). */
  simd?: boolean;
  /** Worker threads of the wasm backend (1 on a 2-core machine: tfjs caps at cores/2). */
  threads?: number;
  /** Why a backend earlier in the order did not start (or, with backend null, why none did). */
  error?: string;
  /** Milliseconds from the call to a backend that has computed a test sum. */
  ms: number;
}

/** One way to start a backend: resolves with details when tfjs runs on it, rejects with the reason otherwise. */
export type BackendLoader = () => Promise<Pick<BackendReport, 'simd' | 'threads'>>;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Sets the backend and checks that it computes; tfjs reports a failed init as `false`, not a throw. */
async function activate(name: BackendName): Promise<typeof import('@tensorflow/tfjs-core')> {
  const tf = await import('@tensorflow/tfjs-core');
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed to initialise`);
  await tf.ready();
  // 1 + 2 on the device: a backend that loads but cannot run kernels fails here, not in a widget.
  const sum = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]);
  if (sum !== 3) throw new Error(`backend ${name} computed 1 + 2 = ${sum}`);
  return tf;
}

/**
 * WebAssembly, with the .wasm binaries served from this site (Vite copies them; no CDN). Only the
 * kernels the forward process needs are registered (x_t = a·x_0 + b·ε: Add, Multiply, plus Cast,
 * Identity and Reshape that tfjs uses around them): registering all ~150 wasm kernels would pull in
 * the cpu backend's shared code and push the lesson page over its 250 KB (gzip) budget. The Web
 * Worker engine of the model lessons loads the full backend.
 */
export const loadWasm: BackendLoader = async () => {
  const [wasm, tf, add, multiply, cast, identity, reshape] = await Promise.all([
    import('@tensorflow/tfjs-backend-wasm/dist/base'),
    import('@tensorflow/tfjs-core'),
    import('@tensorflow/tfjs-backend-wasm/dist/kernels/Add'),
    import('@tensorflow/tfjs-backend-wasm/dist/kernels/Multiply'),
    import('@tensorflow/tfjs-backend-wasm/dist/kernels/Cast'),
    import('@tensorflow/tfjs-backend-wasm/dist/kernels/Identity'),
    import('@tensorflow/tfjs-backend-wasm/dist/kernels/Reshape'),
  ]);
  for (const config of [add.addConfig, multiply.multiplyConfig, cast.castConfig, identity.identityConfig, reshape.reshapeConfig]) {
    if (!tf.getKernel(config.kernelName, 'wasm')) tf.registerKernel(config);
  }
  wasm.setWasmPaths(WASM_PATHS);
  // One thread in the page: threaded wasm starts its workers from blob: URLs, which the page's
  // Content-Security-Policy does not allow (svelte.config.js), and elementwise ops gain nothing from them.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  await activate('wasm');
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  return { simd, threads: wasm.getThreadsCount() };
};

/** Plain JavaScript kernels: slow, but they run wherever the page runs. */
export const loadCpu: BackendLoader = async () => {
  await import('@tensorflow/tfjs-backend-cpu');
  await activate('cpu');
  return {};
};

/**
 * Tries the loaders in order and reports the first that works, with the earlier failures' reasons
 * joined in `error`. Never rejects: a page with no backend still shows its prose and math.
 */
export async function startBackendWith(
  loaders: readonly (readonly [BackendName, BackendLoader])[],
  now: () => number = () => performance.now(),
): Promise<BackendReport> {
  const start = now();
  const failures: string[] = [];
  for (const [name, load] of loaders) {
    try {
      const details = await load();
      const report: BackendReport = { backend: name, ...details, ms: now() - start };
      if (failures.length > 0) report.error = failures.join('; ');
      return report;
    } catch (error) {
      failures.push(`${name}: ${message(error)}`);
    }
  }
  return { backend: null, error: failures.join('; '), ms: now() - start };
}

let started: Promise<BackendReport> | undefined;

/** Starts tfjs once per page (later calls share the first start): wasm, else cpu. */
export function startBackend(): Promise<BackendReport> {
  started ??= startBackendWith([
    ['wasm', loadWasm],
    ['cpu', loadCpu],
  ]);
  return started;
}
