// The page's one engine (design.md, "The engine is a Web Worker"): an EngineClient made lazily in the
// browser on first use (never while prerendering), with what the widgets show about it as reactive state:
// the backend and its speed, each model's download progress, and faults as codes the page puts in words.
import { EngineClient, type LatentResult, type ReadyInfo, type RunResult, type VaeResult } from '$lib/engine/client';
import { EngineError, type EngineBackend, type EngineErrorCode, type LatentFrame, type LatentJob, type SampleJob, type StepFrame, type VaeJob } from '$lib/engine/protocol';

export interface ModelLoad {
  /** Weight bytes received and expected (null until the manifest has arrived). */
  loaded: number;
  total: number | null;
  done: boolean;
  failed: boolean;
  /** Whether the weights came from the offline cache (known once done). */
  fromCache: boolean;
}

export interface Fault {
  /** Increasing id, so a list of notices has a stable key. */
  id: number;
  code: EngineErrorCode;
  /** For logs and the console, not for readers. */
  detail: string;
  /** The model a load fault is about, for the sentence ("the model “base-64”…"). */
  model: string | null;
  /** The backend in use when the fault arrived (after a recovery: the one the engine moved to). */
  backend: EngineBackend | null;
}

export type RunOutcome = { status: 'done'; result: RunResult } | { status: 'cancelled' } | { status: 'failed'; code: EngineErrorCode };
export type VaeRunOutcome = { status: 'done'; result: VaeResult } | { status: 'cancelled' } | { status: 'failed'; code: EngineErrorCode };
export type LatentRunOutcome = { status: 'done'; result: LatentResult } | { status: 'cancelled' } | { status: 'failed'; code: EngineErrorCode };

/** Share of a model downloaded, in [0, 1]; 0 until the size is known. */
export function loadFraction(load: ModelLoad): number {
  if (load.done) return 1;
  if (!load.total) return 0;
  return Math.min(1, load.loaded / load.total);
}

/** The folder a model is served from (src/routes/models/[model]/[file]). */
export function modelUrl(model: string): string {
  if (!/^[a-z0-9-]+$/.test(model)) throw new RangeError(`not a model name: ${JSON.stringify(model)}`);
  return `/models/${model}/`;
}

/**
 * Whether the page asks for WebGL's half-float textures (`?webgl=f16`): what a phone or an old GPU that
 * cannot render to float32 textures runs, tried on any machine. Any other value leaves tfjs to decide.
 */
export function f16TexturesRequested(search: string): boolean {
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once, never rendered
  return new URLSearchParams(search).get('webgl') === 'f16';
}

/** Keeps the latest faults only: a flapping backend must not bury the lesson under notices. */
const MAX_FAULTS = 4;

export class EngineState {
  ready = $state<ReadyInfo | null>(null);
  loads = $state<Record<string, ModelLoad>>({});
  faults = $state<Fault[]>([]);
  #client: EngineClient | null = null;
  #nextFault = 1;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- promise bookkeeping, never rendered
  #loading = new Map<string, Promise<void>>();

  constructor(private readonly makeClient: (opts: ConstructorParameters<typeof EngineClient>[0]) => EngineClient = (o) => new EngineClient(o)) {}

  /** The client, started on first use. Only call in the browser (an effect, onMount or a handler). */
  get client(): EngineClient {
    if (!this.#client) {
      this.#client = this.makeClient({
        f16Textures: f16TexturesRequested(globalThis.location?.search ?? ''),
        onReady: (info) => (this.ready = info),
        onFault: (code, detail) => this.report(code, detail, null),
      });
      // Browser tests reach the engine here to force faults (tests/e2e).
      (globalThis as { __noisebookEngine?: EngineClient }).__noisebookEngine = this.#client;
    }
    return this.#client;
  }

  /** Loads `/models/<model>/` once per page; later calls share the first (a failed load may be retried). */
  load(model: string): Promise<void> {
    const existing = this.#loading.get(model);
    if (existing) return existing;
    this.loads[model] = { loaded: 0, total: null, done: false, failed: false, fromCache: false };
    const promise = this.client
      .load(model, modelUrl(model), (p) => {
        const entry = this.loads[model];
        if (entry) Object.assign(entry, { loaded: p.loaded, total: p.total });
      })
      .then(
        ({ fromCache }) => {
          this.loads[model] = { ...this.loads[model], done: true, failed: false, fromCache };
        },
        (error: unknown) => {
          this.#loading.delete(model);
          this.loads[model] = { ...this.loads[model], failed: true };
          this.fail(error, model);
          throw error;
        },
      );
    this.#loading.set(model, promise);
    return promise;
  }

  /**
   * Runs a job on `channel` after its model has loaded. A newer run on the channel supersedes this one
   * ('cancelled': not a fault, nothing shown); any other failure is recorded as a notice, and the widget
   * offers to run again (the engine has recovered by then where it can: a restarted worker, a new backend).
   */
  async run(channel: string, job: SampleJob, onFrame?: (frame: StepFrame) => void): Promise<RunOutcome> {
    try {
      await this.load(job.model);
      return { status: 'done', result: await this.client.run(channel, job, onFrame) };
    } catch (error) {
      const code = error instanceof EngineError ? error.code : 'backend-failed';
      if (code === 'cancelled') return { status: 'cancelled' };
      // A failed load was recorded by load(); record the rest here.
      if (this.loads[job.model]?.done) this.fail(error, job.model);
      return { status: 'failed', code };
    }
  }

  /** Runs an autoencoder job (lesson 4) like `run`: after its model has loaded, latest wins per channel, faults recorded. */
  async runVae(channel: string, job: VaeJob): Promise<VaeRunOutcome> {
    try {
      await this.load(job.model);
      return { status: 'done', result: await this.client.runVae(channel, job) };
    } catch (error) {
      const code = error instanceof EngineError ? error.code : 'backend-failed';
      if (code === 'cancelled') return { status: 'cancelled' };
      if (this.loads[job.model]?.done) this.fail(error, job.model);
      return { status: 'failed', code };
    }
  }

  /**
   * Runs a latent job (lesson 5) like `run`, after both of its models have loaded (the latent U-Net and
   * the autoencoder that decodes its latents); a fault is recorded against the latent model, the one the
   * job is named after (a mismatched pair is reported there too).
   */
  async runLatent(channel: string, job: LatentJob, onFrame?: (frame: LatentFrame) => void): Promise<LatentRunOutcome> {
    try {
      await Promise.all([this.load(job.model), this.load(job.vae)]);
      return { status: 'done', result: await this.client.runLatent(channel, job, onFrame) };
    } catch (error) {
      const code = error instanceof EngineError ? error.code : 'backend-failed';
      if (code === 'cancelled') return { status: 'cancelled' };
      if (this.loads[job.model]?.done && this.loads[job.vae]?.done) this.fail(error, job.model);
      return { status: 'failed', code };
    }
  }

  /** Stops `channel`'s run, if the engine was ever started (nothing to stop otherwise). */
  cancel(channel: string): void {
    this.#client?.cancel(channel);
  }

  /** The reader's backend choice (null: let the engine measure). */
  setOverride(backend: EngineBackend | null): void {
    this.client.setOverride(backend);
  }

  dismiss(id: number): void {
    this.faults = this.faults.filter((f) => f.id !== id);
  }

  /** Records a fault; one already on screen with the same code is replaced, not repeated. */
  report(code: EngineErrorCode, detail: string, model: string | null): void {
    if (code === 'cancelled') return;
    console.warn(`noisebook engine: ${code}: ${detail}`);
    const fault: Fault = { id: this.#nextFault++, code, detail, model, backend: this.ready?.backend ?? null };
    this.faults = [...this.faults.filter((f) => f.code !== code), fault].slice(-MAX_FAULTS);
  }

  private fail(error: unknown, model: string | null): void {
    if (error instanceof EngineError) this.report(error.code, error.detail, model);
    else this.report('backend-failed', error instanceof Error ? error.message : String(error), model);
  }
}

let shared: EngineState | null = null;

/** The page's engine state (one per page: every widget of every lesson shares it and its loaded models). */
export function pageEngine(): EngineState {
  shared ??= new EngineState();
  return shared;
}
