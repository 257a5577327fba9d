// The engine's Web Worker: owns tfjs and the loaded models, picks the backend by measurement, runs
// latest-wins jobs and turns every fault into a coded message (design.md, "The engine is a Web Worker").
import type * as tfCore from '@tensorflow/tfjs-core';
import { loseWebglContext, poisonedModel, webglContextLost } from './faults';
import { activateInBrowser, ruledOutInBrowser } from './browser-backends';
import { runCascadeJob, type CascadeEvent, type CascadeOutcome } from './cascade-run';
import type { SrModel } from '../pipelines/super-resolution';
import { LatestWins, oneStep, roleOf, runSampleJob, runnableFrom, warmUp, type RunnableModel } from './jobs';
import { Arrivals } from './arrivals';
import { downloadModel, modelFromBytes, type ModelBytes } from './loader';
import { autoencoderFrom, oneDecode, runVaeJob, type Autoencoder } from './vae-run';
import { runLatentJob } from './latent-run';
import type { LatentModel } from '../pipelines/latent';
import { EngineError, isEngineRequest, jobProblem, toEngineError, transferablesOf, type CascadeJob, type EngineBackend, type EngineRequest, type EngineResponse, type FaultKind, type GpuMemory, type Job, type LatentFrame, type LatentOutcome, type ModelRole, type PropagationJob, type StepFrame, type VaeOutcome } from './protocol';
import { BackendChoice } from './choice';

/** The worker's side of the channel (the worker global scope, or a fake in tests). */
export interface EnginePort {
  postMessage(message: EngineResponse, transfer: Transferable[]): void;
}

export interface HostDeps {
  tf: typeof tfCore;
  /**
   * Makes `name` the current tfjs backend, or throws; `forced` when the reader chose it (skip "too slow"
   * guesses); `f16Textures` forces WebGL's half-float textures (protocol.ts TextureFloat).
   */
  activate(name: EngineBackend, forced: boolean, f16Textures: boolean): Promise<void>;
  /** Whether the current backend has lost its GPU context (WebGL), so its tensors are gone. */
  contextLost(): boolean;
  /** Loses the WebGL context for real (forced fault); false when it cannot, and the loss is simulated. */
  loseContext?(): boolean;
  /** Why a backend cannot be the one to use here, known without starting it (choice.ts); absent: time them all. */
  ruledOut?(name: EngineBackend): string | null;
  /** Makes the engine die as a crash would (forced fault): in a worker, an uncaught error. */
  crash?(detail: string): void;
  fetch?: typeof fetch;
  caches?: CacheStorage | null;
  now?: () => number;
}

/** A loaded model: a U-Net in a pipeline role, or the autoencoder. */
type Loaded = { url: string; runnable: RunnableModel; autoencoder?: undefined } | { url: string; autoencoder: Autoencoder; runnable?: undefined };

/** Every tensor a loaded model holds. */
const tensorsOf = (m: Loaded): tfCore.Tensor[] => Object.values(m.runnable ? m.runnable.weights : m.autoencoder.weights);

/** The wasm backend's heap (its Emscripten module's HEAPU8), or null when the current backend is not wasm. */
function wasmHeapBytes(tf: typeof tfCore): number | null {
  if (tf.getBackend() !== 'wasm') return null;
  const heap = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8;
  return heap ? heap.buffer.byteLength : null;
}

/** tfjs's WebGL backend's texture pool (TextureManager, not public API: tfjs-backend-webgl 4.22). */
interface WebglInternals {
  textureManager?: { numBytesAllocated: number; getNumUsedTextures(): number; getNumFreeTextures(): number };
}

/** What WebGL holds on the GPU (protocol.ts GpuMemory), or null when the current backend is not WebGL. */
function gpuMemory(tf: typeof tfCore): GpuMemory | null {
  if (tf.getBackend() !== 'webgl') return null;
  const pool = (tf.backend() as unknown as WebglInternals).textureManager;
  if (!pool) return null;
  const textures = tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED') ? 'f32' : 'f16';
  return { textures, bytesAllocated: pool.numBytesAllocated, usedTextures: pool.getNumUsedTextures(), freeTextures: pool.getNumFreeTextures() };
}

/**
 * Measuring order: wasm first sets the bar, so a slow WebGL is dropped after one timed run; cpu is
 * only measured when neither starts (select.ts `lastResort`).
 */
export const DEFAULT_CANDIDATES: readonly EngineBackend[] = ['wasm', 'webgl', 'cpu'];

/**
 * The engine without the worker around it: feed it request data with `handle`, it answers on `port`.
 * Backend changes, loads and jobs take turns (a mutex), so no job sees the backend switch under it.
 */
export function createEngineHost(port: EnginePort, deps: HostDeps) {
  const { tf } = deps;
  const now = deps.now ?? (() => performance.now());
  const post = (m: EngineResponse): void => port.postMessage(m, transferablesOf(m));
  let candidates: EngineBackend[] = [...DEFAULT_CANDIDATES];
  let override: EngineBackend | null = null;
  let f16Textures = false;
  const demoted = new Set<EngineBackend>();
  let current: EngineBackend | null = null;
  const models = new Map<string, Loaded>();
  /** Forced faults waiting for the next job: NaN output (on any channel, or one), a simulated context loss. */
  const forced: { nan: { channel: string | null } | null; lost: boolean } = { nan: null, lost: false };
  const contextLost = (): boolean => forced.lost || deps.contextLost();
  let stopped = false;

  let tail: Promise<unknown> = Promise.resolve();
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  }

  const usable = (): EngineBackend[] => candidates.filter((b) => !demoted.has(b));
  async function activate(name: EngineBackend): Promise<void> {
    await deps.activate(name, name === override, f16Textures);
    current = name;
  }

  /** Any backend that starts, unmeasured, so a model can load before there is one to measure with. */
  async function startAny(): Promise<void> {
    const reasons: string[] = [];
    for (const name of override && !demoted.has(override) ? [override, ...usable()] : usable()) {
      try {
        return await activate(name);
      } catch (error) {
        reasons.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    throw new EngineError('backend-failed', reasons.join('; ') || 'no backend left to try');
  }

  /** One unit of a loaded model's real work: a denoising step, or a 256² decode for the autoencoder. */
  const unitOf = (m: Loaded) => (): tfCore.Tensor => (m.runnable ? oneStep(m.runnable) : oneDecode(m.autoencoder));

  /** On WebGL, compiles the lesson-shaped job's shaders now, before the reader's first step (jobs.ts warmUp). */
  const warm = (model: Loaded): Promise<number | null> => (current === 'webgl' && model.runnable ? warmUp(model.runnable, now) : Promise.resolve(null));

  const choice = new BackendChoice({ candidates: usable, override: () => (override && !demoted.has(override) ? override : null), activate, ruledOut: deps.ruledOut, now, post });

  /** Chooses the backend with `model` (choice.ts), warms the winner up, and tells the page which backend runs and how fast. */
  function select(model: Loaded): Promise<void> {
    const workload = async () => {
      const out = tf.tidy(unitOf(model));
      await out.data(); // waits for the GPU, so its time is counted
      out.dispose();
    };
    return choice.select(workload, () => warm(model));
  }

  const arrivals = new Arrivals({ fetch: deps.fetch, caches: deps.caches });

  /** Makes the tensors of a downloaded model on the current backend (the caller holds the mutex); the first one measures the backends. */
  async function install(name: string, url: string, bytes: ModelBytes, id: number | null): Promise<void> {
    if (!current) await startAny();
    const fetched = modelFromBytes(bytes);
    let entry: Loaded;
    try {
      entry = fetched.kind === 'vae' ? { url, autoencoder: autoencoderFrom(fetched.manifest, fetched.model) } : { url, runnable: runnableFrom(fetched.manifest, fetched.model.unet, fetched.model.weights) };
    } catch (error) {
      tf.dispose(Object.values(fetched.model.weights));
      throw error;
    }
    const old = models.get(name);
    if (old) tf.dispose(tensorsOf(old));
    models.set(name, entry);
    if (!choice.chosen) await select(entry);
    else await warm(entry);
    const paramCount = fetched.kind === 'vae' ? fetched.manifest.paramCount.encoder + fetched.manifest.paramCount.decoder : fetched.manifest.paramCount;
    if (id !== null) post({ type: 'loaded', id, model: name, paramCount, fromCache: fetched.fromCache, role: entry.runnable ? roleOf(entry.runnable) : 'vae' });
  }

  /**
   * Downloads a model in turn with the others (arrivals.ts) while the backend starts and jobs run, then
   * makes its tensors at the mutex, unless a job that needed it has done so already.
   */
  function load(name: string, url: string, id: number | null): Promise<void> {
    const onProgress = (p: { loaded: number; total: number | null }) => id !== null && post({ type: 'load-progress', id, ...p });
    const arrival = arrivals.add(name, url, onProgress, (bytes) => install(name, url, bytes, id));
    // A failed download settles the install at once (no mutex needed), so a job waiting for it hears why.
    return arrival.bytes.then(() => exclusive(arrival.install), arrival.install);
  }

  /**
   * Reloads every model (the old tensors may be gone with the context) after a fault on `bad`, which
   * is dropped when `demote` (a lost WebGL context, NaN on WebGL): the models move to the next backend.
   */
  async function recover(bad: EngineBackend, demote: boolean): Promise<void> {
    forced.lost = false;
    if (demote) demoted.add(bad);
    for (const m of models.values()) {
      try {
        tf.dispose(tensorsOf(m));
      } catch {
        // a lost context can refuse to free its textures; they are gone with it anyway
      }
    }
    const again = [...models.entries()];
    models.clear();
    current = null;
    choice.reset();
    await startAny();
    // Already at the mutex: download (from the offline cache, mostly) and install here, not in load's turn.
    for (const [name, m] of again) await install(name, m.url, await downloadModel(m.url, { fetch: deps.fetch, caches: deps.caches }), null);
  }

  /** A loaded model by name, of the role the job needs it in. */
  function model(name: string, role: 'base'): RunnableModel;
  function model(name: string, role: 'sr'): SrModel;
  function model(name: string, role: 'vae'): Autoencoder;
  function model(name: string, role: 'latent'): LatentModel;
  function model(name: string, role: ModelRole): RunnableModel | Autoencoder {
    const entry = models.get(name);
    if (!entry) throw new EngineError('model-missing', `model "${name}" is not loaded`);
    const words = { base: 'a base model', sr: 'a super-resolution model', vae: 'an autoencoder', latent: 'a latent model' };
    const has: ModelRole = entry.runnable ? roleOf(entry.runnable) : 'vae';
    if (has !== role) throw new EngineError('backend-failed', `bad job: "${name}" is ${words[has]}, not ${words[role]}`);
    return entry.runnable ?? entry.autoencoder;
  }

  /** Runs a cascade or propagation job on its models, each poisoned when a NaN fault is aimed at it. */
  function cascade(job: CascadeJob | PropagationJob, signal: AbortSignal, emit: (e: CascadeEvent) => void, poison: <M extends RunnableModel>(m: M) => M): Promise<CascadeOutcome> {
    const base = poison(model(job.base, 'base'));
    const sr = job.sr.map((name, i) => {
      const arriving = models.has(name) ? undefined : arrivals.pending(name);
      if (!arriving) return poison(model(name, 'sr'));
      // Still downloading: the stages before it run meanwhile, and its own stage waits for it here.
      return async (): Promise<SrModel> => {
        await arriving().catch((error: unknown) => {
          const e = toEngineError(error, 'model-missing');
          throw new EngineError(e.code, `stage ${i + 1} needs the model "${name}", which did not load: ${e.detail}`);
        });
        return poison(model(name, 'sr'));
      };
    });
    return runCascadeJob({ base, sr }, job, signal, emit, now);
  }

  type Progress = { kind: 'frame'; frame: StepFrame } | { kind: 'latent-frame'; frame: LatentFrame } | CascadeEvent;
  type Outcome = ({ kind: 'sample'; x: Float32Array; shape: number[] } | ({ kind: 'cascade' } & CascadeOutcome) | { kind: 'vae'; outcome: VaeOutcome } | { kind: 'latent'; outcome: LatentOutcome }) & { ms: number };
  const scheduler = new LatestWins<Job, Progress, Outcome>({
    run: (job, signal, progress, ticket) =>
      exclusive(async () => {
        if (job.kind === 'sample' && !models.has(job.model)) throw new EngineError('model-missing', `model "${job.model}" is not loaded`);
        if (contextLost()) throw new EngineError('context-lost', 'the WebGL context was lost before the job started');
        const hit = forced.nan !== null && (forced.nan.channel === null || forced.nan.channel === ticket.channel);
        if (hit) forced.nan = null;
        const poison = <M extends RunnableModel>(m: M): M => (hit ? poisonedModel(tf, m) : m);
        const start = now();
        const out: Outcome =
          job.kind === 'sample'
            ? { kind: 'sample', ...(await runSampleJob(poison(model(job.model, 'base')), job, signal, (frame) => progress({ kind: 'frame', frame }))), ms: 0 }
            : job.kind === 'vae'
              ? { kind: 'vae', outcome: await runVaeJob(model(job.model, 'vae'), job, signal, now, hit), ms: 0 }
              : job.kind === 'latent'
                ? { kind: 'latent', outcome: await runLatentJob({ latent: poison(model(job.model, 'latent')), ae: model(job.vae, 'vae') }, job, signal, (frame) => progress({ kind: 'latent-frame', frame }), now), ms: 0 }
                : { kind: 'cascade', ...(await cascade(job, signal, progress, poison)) };
        // A lost context can hand back zeros instead of throwing: such a result is not the model's.
        if (contextLost()) throw new EngineError('context-lost', 'the WebGL context was lost during the job');
        return out.kind === 'cascade' ? out : { ...out, ms: now() - start };
      }).then((out) => {
        // A backend chosen untimed is timed once a job has warmed it up, after the jobs already waiting.
        if (choice.owed && !scheduler.hasWaiting()) void exclusive(() => choice.timeAfterJob()).catch((e: unknown) => reportError(null, null, e, 'backend-failed'));
        return out;
      }),
    progress: (t, p) => {
      if (p.kind === 'frame') post({ type: 'progress', id: t.id, channel: t.channel, frame: p.frame });
      else if (p.kind === 'latent-frame') post({ type: 'latent-progress', id: t.id, channel: t.channel, frame: p.frame });
      else if (p.kind === 'stage-progress') post({ type: 'stage-progress', id: t.id, channel: t.channel, step: p.step });
      else post({ type: 'stage', id: t.id, channel: t.channel, stage: p.stage });
    },
    deliver: (t, r) =>
      post(
        r.kind === 'sample'
          ? { type: 'result', id: t.id, channel: t.channel, x: r.x, shape: r.shape, ms: r.ms }
          : r.kind === 'vae'
            ? { type: 'vae-result', id: t.id, channel: t.channel, outcome: r.outcome, ms: r.ms }
            : r.kind === 'latent'
              ? { type: 'latent-result', id: t.id, channel: t.channel, outcome: r.outcome, ms: r.ms }
              : { type: 'cascade-result', id: t.id, channel: t.channel, stages: r.stages, ms: r.ms, propagation: r.propagation },
      ),
    fail: (t, error) => {
      const lost = error.code !== 'cancelled' && (error.code === 'context-lost' || contextLost());
      // NaN on WebGL is most often float16 textures (measurements.md): worth one try on another backend.
      const nanOnGl = current === 'webgl' && error.code === 'nan-output';
      post({ type: 'error', id: t.id, channel: t.channel, code: lost ? 'context-lost' : error.code, detail: error.detail });
      const bad = current;
      // A context lost on another backend is the simulated fault: same path, same backend afterwards.
      if ((lost || nanOnGl) && bad) void exclusive(() => recover(bad, bad === 'webgl')).catch((e: unknown) => reportError(null, null, e, 'backend-failed'));
    },
  });

  function reportError(id: number | null, channel: string | null, error: unknown, fallback: EngineError['code']): void {
    const e = toEngineError(error, fallback);
    post({ type: 'error', id, channel, code: e.code, detail: e.detail });
  }

  /** Puts a forced fault in place (protocol.ts FAULT_KINDS) and says so, except a crash, which says nothing. */
  function force(id: number, kind: FaultKind, channel: string | null): Promise<void> {
    if (kind === 'crash') {
      const detail = `forced crash (request ${id})`;
      if (deps.crash) deps.crash(detail);
      else throw new Error(detail);
      return Promise.resolve();
    }
    if (kind === 'nan') {
      forced.nan = { channel };
      post({ type: 'fault-set', id, kind });
      return Promise.resolve();
    }
    // Between jobs, like the other backend changes: the next job finds the context gone.
    return exclusive(async () => {
      if (!(current === 'webgl' && deps.loseContext?.())) forced.lost = true;
      post({ type: 'fault-set', id, kind });
    });
  }

  async function handle(request: EngineRequest): Promise<void> {
    if (stopped) return;
    switch (request.type) {
      case 'init':
        candidates = request.candidates.length > 0 ? [...request.candidates] : [...DEFAULT_CANDIDATES];
        override = request.override;
        f16Textures = request.f16Textures ?? f16Textures;
        return exclusive(async () => {
          const first = models.values().next().value;
          if (first) await select(first);
          else {
            await startAny();
            post({ type: 'ready', backend: current as EngineBackend, msPerRun: null, firstRunMs: null, warmUpMs: null, timings: [], overridden: current === override });
          }
        }).catch((e: unknown) => reportError(null, null, e, 'backend-failed'));
      case 'load':
        return load(request.model, request.url, request.id).catch((e: unknown) => reportError(request.id, null, e, 'backend-failed'));
      case 'run': {
        const problem = jobProblem(request.job);
        if (problem) return reportError(request.id, request.channel, new EngineError('backend-failed', `bad job: ${problem}`), 'backend-failed');
        return scheduler.submit({ id: request.id, channel: request.channel }, request.job);
      }
      case 'cancel':
        return scheduler.cancel(request.channel);
      case 'fault':
        return force(request.id, request.kind, request.channel ?? null);
      case 'prefetch':
        // Downloads and a backend started while the page still loads; the page's load and init follow.
        for (const url of request.urls) arrivals.prefetch(url);
        return exclusive(() => (current ? Promise.resolve() : startAny())).catch(() => undefined); // init says why
      case 'memory': {
        // After the jobs in hand, so a count taken mid-job does not look like a leak.
        await scheduler.idle();
        const { id } = request;
        return exclusive(async () => post({ type: 'memory', id, numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes, backend: current, heapBytes: wasmHeapBytes(tf), gpu: gpuMemory(tf) }));
      }
    }
  }

  return {
    /** Handles one message's data; anything that is not a request is ignored. */
    handle: (data: unknown): Promise<void> => (isEngineRequest(data) ? handle(data) : Promise.resolve()),
    /** Resolves when no job is running or waiting and no load or backend change is pending. */
    idle: async (): Promise<void> => {
      await arrivals.settled();
      await scheduler.idle();
      await tail;
    },
    backend: (): EngineBackend | null => current,
    /** Frees every model's tensors and ignores later requests (the in-page engine being replaced). */
    dispose: (): void => {
      stopped = true;
      for (const m of models.values()) tf.dispose(tensorsOf(m));
      models.clear();
    },
  };
}

/** The real backends and context check, for a host in a worker or (the client's fallback) in the page. */
export function browserDeps(tf: typeof tfCore, crash: (detail: string) => void): HostDeps {
  return { tf, activate: (name, forced, f16) => activateInBrowser(tf, name, forced, f16), ruledOut: ruledOutInBrowser, contextLost: () => webglContextLost(tf), loseContext: () => loseWebglContext(tf), crash };
}

/**
 * The engine on a worker scope: returns the handler of each message's data, in arrival order
 * (worker-entry.ts listens from the start and passes on what came before this module had loaded).
 * `fetch` is the entry's, which answers the first model's early downloads (early-fetch.ts).
 */
export function engineOnScope(scope: EnginePort, fetch?: typeof globalThis.fetch): (data: unknown) => void {
  // A forced crash is an uncaught error, which the page sees as the Worker's error event, like a real one.
  const crash = (detail: string): void =>
    void setTimeout(() => {
      throw new Error(detail);
    });
  const host = import('@tensorflow/tfjs-core').then((tf) => createEngineHost(scope, { ...browserDeps(tf, crash), ...(fetch ? { fetch } : {}) }));
  host.catch((error: unknown) => scope.postMessage({ type: 'error', id: null, channel: null, code: 'backend-failed', detail: `tfjs did not load: ${String(error)}` }, []));
  return (data) => void host.then((h) => h.handle(data));
}
