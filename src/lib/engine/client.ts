// The page's handle on the engine: promises over the worker protocol, a restarted worker after a crash
// (models reloaded, the reader told), and the engine on the main thread when workers keep failing.
import {
  EngineError,
  transferablesOf,
  type CascadeJob,
  type EngineBackend,
  type EngineErrorCode,
  type EngineRequest,
  type EngineResponse,
  type FaultKind,
  type GpuMemory,
  type LatentFrame,
  type LatentJob,
  type LatentOutcome,
  type ModelRole,
  type PropagationJob,
  type PropagationSummary,
  type SampleJob,
  type StageDone,
  type StageStep,
  type StepFrame,
  type VaeJob,
  type VaeOutcome,
} from './protocol';
import type { LoadProgress } from './loader';
import { inPageEngine, moduleWorker, type WorkerLike } from './engine-workers';

export type { WorkerLike } from './engine-workers';

/** The worker's 'ready' report without its tag: one definition, in protocol.ts. */
export type ReadyInfo = Omit<Extract<EngineResponse, { type: 'ready' }>, 'type'>;

/** tf.memory() inside the engine, between jobs. */
export interface EngineMemory {
  numTensors: number;
  numBytes: number;
  backend: EngineBackend | null;
  /** The wasm heap in bytes (never shrinks: the peak so far); null on other backends. */
  heapBytes: number | null;
  /** WebGL's textures: format, bytes, in use and pooled; null on other backends. */
  gpu: GpuMemory | null;
}

export interface RunResult {
  x: Float32Array;
  shape: number[];
  ms: number;
}

/** What a cascade or propagation job hands the page while it runs. */
export interface CascadeHandlers {
  /** Every step of every stage (with x̂₀ every `previewEvery` steps). */
  onStep?: (step: StageStep) => void;
  /** Each stage as it finishes, with its image when the job's `send` lists it. */
  onStage?: (stage: StageDone) => void;
}

export interface CascadeResult {
  /** The job's chain ('run'), one entry per stage in order, as onStage received them. */
  stages: StageDone[];
  /** A propagation job's clean chain when the engine ran it (empty when the page sent it, and for a cascade job). */
  clean: StageDone[];
  /** The whole job, ms. */
  ms: number;
  /** The clean-vs-defected differences of a propagation job; null for a cascade job. */
  propagation: PropagationSummary | null;
}

/** An autoencoder job's arrays and times (vae-job.ts), and the whole job's ms. */
export interface VaeResult extends VaeOutcome {
  msTotal: number;
}

/** A latent job's end (latent-job.ts): the final latent, its preview, the decoded image, the steps' and the decode's ms, and the whole job's ms. */
export interface LatentResult extends LatentOutcome {
  msTotal: number;
}

export interface PropagationResult extends CascadeResult {
  propagation: PropagationSummary;
}

/** A loaded model: its size, whether it came from the offline cache, and its role (from its manifest). */
export interface LoadResult {
  paramCount: number;
  fromCache: boolean;
  role: ModelRole;
}

export interface ClientOptions {
  /** Makes the engine worker; default: the module worker built from ./worker.ts. */
  createWorker?: () => WorkerLike;
  /** Used once workers failed `maxRestarts` times or cannot be made at all; default: the engine in this page. */
  createFallback?: () => WorkerLike;
  maxRestarts?: number;
  candidates?: EngineBackend[];
  override?: EngineBackend | null;
  /** Force WebGL's half-float textures, as on GPUs that cannot render to float32 (URL parameter webgl=f16). */
  f16Textures?: boolean;
  /** The backend in use and its speed, after every (re)selection: for the badge. */
  onReady?: (info: ReadyInfo) => void;
  /** Faults not tied to one request (a crash, a lost context): for a notice in the reader's language. */
  onFault?: (code: EngineErrorCode, detail: string) => void;
}

type Pending =
  | { kind: 'load'; model: string; url: string; resolve: (v: LoadResult) => void; reject: (e: EngineError) => void; onProgress?: (p: LoadProgress) => void }
  | { kind: 'run'; resolve: (v: RunResult) => void; reject: (e: EngineError) => void; onFrame?: (f: StepFrame) => void }
  | { kind: 'cascade'; resolve: (v: CascadeResult) => void; reject: (e: EngineError) => void; handlers: CascadeHandlers; stages: StageDone[]; clean: StageDone[] }
  | { kind: 'vae'; resolve: (v: VaeResult) => void; reject: (e: EngineError) => void }
  | { kind: 'latent'; resolve: (v: LatentResult) => void; reject: (e: EngineError) => void; onFrame?: (f: LatentFrame) => void }
  | { kind: 'fault'; fault: FaultKind; resolve: () => void; reject: (e: EngineError) => void }
  | { kind: 'memory'; resolve: (v: EngineMemory) => void; reject: (e: EngineError) => void };

export class EngineClient {
  private worker: WorkerLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Models loaded so far, reloaded into a restarted worker. */
  private readonly loaded = new Map<string, string>();
  private restarts = 0;
  private onFallback = false;
  private override: EngineBackend | null;
  /** The last backend report, or null before the first. */
  ready: ReadyInfo | null = null;

  constructor(private readonly opts: ClientOptions = {}) {
    this.override = opts.override ?? null;
    this.start();
  }

  /** Loads a model folder (e.g. "/models/base-64/"); resolves when its weights are on the device. */
  load(model: string, url: string, onProgress?: (p: LoadProgress) => void): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { kind: 'load', model, url, resolve, reject, onProgress });
      this.send({ type: 'load', id, model, url });
    });
  }

  /** Runs a job on a widget's channel; a newer run on the channel rejects this one with code 'cancelled'. */
  run(channel: string, job: SampleJob, onFrame?: (f: StepFrame) => void): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { kind: 'run', resolve, reject, onFrame });
      this.send({ type: 'run', id, channel, job });
    });
  }

  /**
   * Runs the cascade on a widget's channel (latest wins, like `run`): stages arrive through `handlers` as
   * they finish, and the promise resolves with all of them. The job's `start` image is given away to the
   * engine (transferred): pass a copy (`image.slice()`) if the page still shows it.
   */
  runCascade(channel: string, job: CascadeJob, handlers: CascadeHandlers = {}): Promise<CascadeResult> {
    return this.cascadeJob(channel, job, handlers);
  }

  /**
   * Runs the chain clean and with the job's defects, with the same seeds, and resolves with the difference
   * per stage (energies, ratios to the injected energy, maps if `maps`). `start` and `clean` are given away
   * (transferred): pass copies of images the page still shows.
   */
  runPropagation(channel: string, job: PropagationJob, handlers: CascadeHandlers = {}): Promise<PropagationResult> {
    return this.cascadeJob(channel, job, handlers) as Promise<PropagationResult>;
  }

  private cascadeJob(channel: string, job: CascadeJob | PropagationJob, handlers: CascadeHandlers): Promise<CascadeResult> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { kind: 'cascade', resolve, reject, handlers, stages: [], clean: [] });
      this.send({ type: 'run', id, channel, job });
    });
  }

  /**
   * Runs an autoencoder job on a widget's channel (latest wins, like `run`). Its source pixels or latent
   * are given away to the engine (transferred): pass a copy of an array the page still shows.
   */
  runVae(channel: string, job: VaeJob): Promise<VaeResult> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { kind: 'vae', resolve, reject });
      this.send({ type: 'run', id, channel, job });
    });
  }

  /** Runs a latent job on a widget's channel (latest wins, like `run`); its steps' frames arrive through `onFrame`. */
  runLatent(channel: string, job: LatentJob, onFrame?: (f: LatentFrame) => void): Promise<LatentResult> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { kind: 'latent', resolve, reject, onFrame });
      this.send({ type: 'run', id, channel, job });
    });
  }

  /**
   * Forces a fault so its recovery path runs (tests, and readers curious what the page does):
   * resolves once it is in place; for 'crash', once the client has seen the worker die. `channel` aims
   * a 'nan' at that widget's next job (default: whichever job runs next).
   */
  forceFault(kind: FaultKind, channel?: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { kind: 'fault', fault: kind, resolve, reject });
      this.send(channel === undefined ? { type: 'fault', id, kind } : { type: 'fault', id, kind, channel });
    });
  }

  /** The engine's tf.memory() once the jobs in hand are done: each job must leave numTensors unchanged. */
  memory(): Promise<EngineMemory> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { kind: 'memory', resolve, reject });
      this.send({ type: 'memory', id });
    });
  }

  cancel(channel: string): void {
    this.send({ type: 'cancel', channel });
  }

  /** The reader's backend choice (null: measure); the engine re-selects at once. */
  setOverride(backend: EngineBackend | null): void {
    this.override = backend;
    this.send(this.initMessage());
  }

  private initMessage(): EngineRequest {
    return { type: 'init', candidates: this.opts.candidates ?? [], override: this.override, ...(this.opts.f16Textures ? { f16Textures: true } : {}) };
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
    this.failAll('cancelled', 'the engine was shut down');
  }

  private send(message: EngineRequest): void {
    if (!this.worker) {
      if ('id' in message) this.settle(message.id, new EngineError('worker-crashed', 'the engine is not running'));
      return;
    }
    this.worker.postMessage(message, transferablesOf(message));
  }

  private start(): void {
    const make = this.onFallback ? (this.opts.createFallback ?? inPageEngine) : (this.opts.createWorker ?? moduleWorker);
    let worker: WorkerLike;
    try {
      worker = make();
    } catch (error) {
      if (this.onFallback) {
        this.opts.onFault?.('worker-crashed', `no engine could start: ${String(error)}`);
        return this.failAll('worker-crashed', String(error));
      }
      this.onFallback = true; // no module workers here (old browser, strict CSP): run in the page
      return this.start();
    }
    this.worker = worker;
    worker.onmessage = (event) => this.receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault?.(); // handled here: the reader gets a notice, the console no uncaught error
      this.crashed(worker, event.message ?? 'the engine worker stopped');
    };
    worker.postMessage(this.initMessage(), []);
    for (const [model, url] of this.loaded) worker.postMessage({ type: 'load', id: 0, model, url }, []);
    for (const [id, p] of this.pending) if (p.kind === 'load') worker.postMessage({ type: 'load', id, model: p.model, url: p.url }, []);
  }

  /** A crash loses every tensor: runs in flight fail, loads in flight are re-sent, then the engine restarts. */
  private crashed(worker: WorkerLike, detail: string): void {
    if (worker !== this.worker) return;
    worker.terminate();
    this.worker = null;
    for (const [id, p] of this.pending) {
      if (p.kind === 'fault' && p.fault === 'crash') {
        this.pending.delete(id);
        p.resolve(); // the crash that was asked for
      } else if (p.kind !== 'load') this.settle(id, new EngineError('worker-crashed', detail));
    }
    this.opts.onFault?.('worker-crashed', detail);
    if (this.restarts++ >= (this.opts.maxRestarts ?? 2)) {
      if (this.onFallback) return this.failAll('worker-crashed', `${detail} (gave up after ${this.restarts} restarts)`);
      this.onFallback = true;
    }
    this.start();
  }

  private receive(m: EngineResponse): void {
    if (m.type === 'ready') {
      this.ready = { backend: m.backend, msPerRun: m.msPerRun, firstRunMs: m.firstRunMs, warmUpMs: m.warmUpMs, timings: m.timings, overridden: m.overridden, ...(m.retimed ? { retimed: true as const } : {}) };
      this.opts.onReady?.(this.ready);
      return;
    }
    if (m.type === 'error') {
      if (m.id === null || m.id === 0 || !this.pending.has(m.id) || m.code === 'context-lost') this.opts.onFault?.(m.code, m.detail);
      if (m.id !== null) this.settle(m.id, new EngineError(m.code, m.detail));
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'load-progress' && p.kind === 'load') p.onProgress?.({ loaded: m.loaded, total: m.total });
    else if (m.type === 'progress' && p.kind === 'run') p.onFrame?.(m.frame);
    else if (m.type === 'stage-progress' && p.kind === 'cascade') p.handlers.onStep?.(m.step);
    else if (m.type === 'stage' && p.kind === 'cascade') {
      (m.stage.chain === 'clean' ? p.clean : p.stages).push(m.stage);
      p.handlers.onStage?.(m.stage);
    } else if (m.type === 'cascade-result' && p.kind === 'cascade') {
      this.pending.delete(m.id);
      p.resolve({ stages: p.stages, clean: p.clean, ms: m.ms, propagation: m.propagation });
    }
    else if (m.type === 'loaded' && p.kind === 'load') {
      this.pending.delete(m.id);
      this.loaded.set(p.model, p.url);
      p.resolve({ paramCount: m.paramCount, fromCache: m.fromCache, role: m.role });
    } else if (m.type === 'result' && p.kind === 'run') {
      this.pending.delete(m.id);
      p.resolve({ x: m.x, shape: m.shape, ms: m.ms });
    } else if (m.type === 'vae-result' && p.kind === 'vae') {
      this.pending.delete(m.id);
      p.resolve({ ...m.outcome, msTotal: m.ms });
    } else if (m.type === 'latent-progress' && p.kind === 'latent') p.onFrame?.(m.frame);
    else if (m.type === 'latent-result' && p.kind === 'latent') {
      this.pending.delete(m.id);
      p.resolve({ ...m.outcome, msTotal: m.ms });
    } else if (m.type === 'fault-set' && p.kind === 'fault') {
      this.pending.delete(m.id);
      p.resolve();
    } else if (m.type === 'memory' && p.kind === 'memory') {
      this.pending.delete(m.id);
      p.resolve({ numTensors: m.numTensors, numBytes: m.numBytes, backend: m.backend, heapBytes: m.heapBytes, gpu: m.gpu });
    }
  }

  private settle(id: number, error: EngineError): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.reject(error);
  }

  private failAll(code: EngineErrorCode, detail: string): void {
    for (const id of [...this.pending.keys()]) this.settle(id, new EngineError(code, detail));
  }
}
