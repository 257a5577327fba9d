// Lesson 3's page state: the settings (mirrored into the URL, ?kind=meadow&seed=5&s64=20&s256=10&s1024=5&
// a256=0.1&a1024=0.1&defect=blob&ink=blob&mask=…), the clean cascade and the defected one run on the page's
// engine, and the three models' manifests. The clean chain is sampled from the seed; the defected chain
// starts from the clean 64² image with the defect and the same stage seeds, so every difference it shows
// comes from the defect alone (src/lib/pipelines/cascade.ts stageSeed).
import { replaceState } from '$app/navigation';
import { SCENE_KINDS } from '$lib/data';
import { pageEngine, type EngineState } from '$lib/state/engine.svelte';
import { fetchManifest, LessonPage, snapParam, type ManifestState } from '$lib/state/lesson-page.svelte';
import { enumParam, intParam } from '$lib/state/url.svelte';
import { decodeMask, emptyMask, encodeMask, painted, type BrushMask } from './brush-mask';
import { CascadeChain } from './cascade-chain.svelte';
import { runCascadeChain, type ChainRequest } from './cascade-engine';
import { modelFacts, type ModelFacts } from './cascade-manifests';
import { AUG_GRID, CASCADE_MODELS, DEFAULT_AUG, DEFAULT_STEPS, DEFECT_CHOICES, INKS, STAGE_STEP_CHOICES, cascadeKey, snapAug, snapSteps, type CascadeModel, type CascadeSettings, type DefectChoice, type DefectPreset } from './cascade-settings';
import { gridValues, KINDS, MAX_SEED, type KindChoice } from './reverse-settings';

export const CLEAN_CHANNEL = 'cascade-clean';
export const DEFECT_CHANNEL = 'cascade-defect';
/** The brush paints on the base image's own grid: one cell per 64² pixel. */
export const BRUSH_SIZE = 64;
const STEP_VALUES = STAGE_STEP_CHOICES.map(String);

const PARAMS = {
  // A meadow at seed 5: the kind and seed of the manifests' propagation table (train/eval/propagation-record.ts
  // PROPAGATION_START). Not its image: that table sampled the base with 50 DDIM steps and each SR stage with 20,
  // while the page's defaults (DEFAULT_STEPS) take fewer steps to stay quick: a first run is not the recorded image.
  kind: enumParam(KINDS, 'meadow'),
  seed: intParam(0, MAX_SEED, 5),
  s64: enumParam(STEP_VALUES, String(DEFAULT_STEPS[0])),
  s256: enumParam(STEP_VALUES, String(DEFAULT_STEPS[1])),
  s1024: enumParam(STEP_VALUES, String(DEFAULT_STEPS[2])),
  a256: enumParam(gridValues(AUG_GRID), DEFAULT_AUG),
  a1024: enumParam(gridValues(AUG_GRID), DEFAULT_AUG),
  defect: enumParam(DEFECT_CHOICES, 'blob'),
  ink: enumParam(INKS, 'blob'),
};

export class CascadeLesson extends LessonPage<typeof PARAMS> {
  readonly clean = new CascadeChain();
  readonly defected = new CascadeChain();
  /** Difference maps ([size·size], mean square over channels) and energies per stage, from the engine. */
  maps = $state.raw<(Float32Array | null)[]>([null, null, null]);
  energies = $state.raw<number[] | null>(null);
  brush = $state.raw<BrushMask>(emptyMask(BRUSH_SIZE));
  /** Bumped on every brush change (the mask array is mutated in place while painting): redraws. */
  brushVersion = $state(0);
  /** Bumped when a stroke ends: the defected chain runs again once per stroke, not per pointer move. */
  brushCommits = $state(0);
  /** Why a link's mask was ignored, for a notice; null when it was fine. */
  maskProblem = $state<string | null>(null);
  manifests = $state<Record<CascadeModel, ManifestState<ModelFacts>>>({ 'base-64': { status: 'loading' }, 'sr-256': { status: 'loading' }, 'sr-1024': { status: 'loading' } });
  #cleanRun = 0;
  #defectRun = 0;

  constructor(readonly engine: EngineState = pageEngine()) {
    super(PARAMS);
  }

  get settings(): CascadeSettings {
    const v = this.url.values;
    return { kind: v.kind, seed: v.seed, steps: [Number(v.s64), Number(v.s256), Number(v.s1024)], aug: [Number(v.a256), Number(v.a1024)] };
  }

  /** Changes exactly when the clean chain must be sampled again. */
  readonly key = $derived(cascadeKey(this.settings));
  /** Changes when the defected chain must be run again (or the clean one has). */
  readonly defectKey = $derived(JSON.stringify([this.key, this.url.values.defect, this.url.values.ink, this.brushCommits]));

  get defect(): DefectChoice {
    return this.url.values.defect;
  }
  /** Whether anything is injected: a preset, or a brush with at least one painted cell. */
  get hasDefect(): boolean {
    void this.brushCommits;
    return this.defect !== 'none' && (this.defect !== 'brush' || painted(this.brush) > 0);
  }

  setKind(kind: KindChoice): void {
    this.url.set('kind', kind);
  }
  setSeed(seed: number): void {
    this.url.set('seed', seed);
  }
  setSteps(stage: 0 | 1 | 2, steps: number): void {
    this.url.set((['s64', 's256', 's1024'] as const)[stage], String(snapSteps(String(steps)) ?? DEFAULT_STEPS[stage]));
  }
  setAug(stage: 0 | 1, level: number): void {
    const v = snapAug(String(level));
    if (v !== undefined) this.url.set(stage === 0 ? 'a256' : 'a1024', v);
  }
  setDefect(choice: DefectChoice): void {
    this.url.set('defect', choice);
  }
  setInk(ink: DefectPreset): void {
    this.url.set('ink', ink);
  }

  /** Call after the brush's cells changed (painting mutates them in place); writes the mask into the URL. */
  brushChanged(): void {
    this.brushVersion++;
    this.brushCommits++;
    if (this.defect !== 'brush') this.url.set('defect', 'brush');
    // eslint-disable-next-line svelte/no-navigation-without-resolve, svelte/prefer-svelte-reactivity -- this page's own URL with the new mask, never rendered
    replaceState(this.#withMask(new URL(location.href)), {});
  }

  clearBrush(): void {
    this.brush = emptyMask(BRUSH_SIZE);
    this.brushChanged();
  }

  #withMask(url: URL): URL {
    const text = encodeMask(this.brush);
    if (text === '') url.searchParams.delete('mask');
    else url.searchParams.set('mask', text);
    return url;
  }
  protected override linkUrl(url: URL): URL {
    return this.#withMask(url);
  }

  /** Steps and aug levels snap to what the widgets offer. */
  protected override snapLink(params: URLSearchParams): void {
    for (const key of ['s64', 's256', 's1024'] as const) snapParam(params, key, snapSteps);
    for (const key of ['a256', 'a1024'] as const) snapParam(params, key, snapAug);
  }

  /** Reads the brush's mask from the link and fetches the manifests. */
  protected linkRead(_raw: URLSearchParams, params: URLSearchParams): void {
    const mask = decodeMask(params.get('mask') ?? '', BRUSH_SIZE);
    if ('error' in mask) this.maskProblem = mask.error;
    else this.brush = mask;
    // After each model's own download (the engine's, which fetched the manifest too), so these 230 kB of
    // facts never share a slow line with the weights the first stage waits for.
    for (const model of CASCADE_MODELS) void this.engine.load(model).catch(() => undefined).then(() => this.#fetchManifest(model));
  }

  async #fetchManifest(model: CascadeModel): Promise<void> {
    this.manifests[model] = await fetchManifest(`/models/${model}/manifest.json`, modelFacts);
  }

  #request(): ChainRequest {
    const s = this.settings;
    return { classIndex: s.kind === 'any' ? null : SCENE_KINDS.indexOf(s.kind), seed: s.seed, steps: s.steps, aug: s.aug };
  }

  /** Samples the clean chain from the seed; the defected chain follows once its 64² image is in. */
  async runClean(): Promise<void> {
    const run = ++this.#cleanRun;
    this.#defectRun++;
    this.engine.cancel(DEFECT_CHANNEL);
    this.clean.reset(this.settings.steps);
    this.defected.reset(this.settings.steps);
    this.maps = [null, null, null];
    this.energies = null;
    const ok = await runCascadeChain(this.engine, CLEAN_CHANNEL, this.#request(), null, this.clean, () => run === this.#cleanRun);
    if (ok && run === this.#cleanRun) await this.runDefected();
  }

  /** Re-runs the later stages from the clean 64² image with the defect, with the clean chain's seeds. */
  async runDefected(): Promise<void> {
    const run = ++this.#defectRun;
    const start = this.clean.stages[0].image;
    if (!start || !this.clean.complete) return; // runClean calls again when the clean chain is in
    this.defected.reset(this.settings.steps);
    this.maps = [null, null, null];
    this.energies = null;
    if (!this.hasDefect) {
      this.defected.state = 'idle';
      return;
    }
    const spec = this.defect === 'brush' ? { preset: this.url.values.ink, mask: { kind: 'brush' as const, size: this.brush.size, alpha: this.brush.alpha.slice() } } : { preset: this.defect as DefectPreset };
    const clean = this.clean.stages.map((s) => s.image as Float32Array);
    const result = await runCascadeChain(this.engine, DEFECT_CHANNEL, this.#request(), { start, spec, clean }, this.defected, () => run === this.#defectRun);
    if (result && run === this.#defectRun && typeof result === 'object') {
      this.maps = result.maps;
      this.energies = result.energies;
    }
  }

  override dispose(): void {
    this.#cleanRun++;
    this.#defectRun++;
    this.engine.cancel(CLEAN_CHANNEL);
    this.engine.cancel(DEFECT_CHANNEL);
    super.dispose();
  }
}
