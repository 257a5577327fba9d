// Lesson 6's settings and models (issue 16): what the page reads before it runs anything. The settings are
// mirrored into the URL (?kind=meadow&seed=5&steps=20&defect=blob&at=10) and a link's odd values are snapped
// and noted; the five manifests (base-64, sr-256, sr-1024 for the cascade; vae, latent-64 for the latent
// pipeline) give each stage's counted arithmetic, parameters and weights, and say which pipeline can run.
import { fetchManifest, LessonPage, snapParam, type ManifestState } from '$lib/state/lesson-page.svelte';
import { enumParam, intParam } from '$lib/state/url.svelte';
import { KINDS, MAX_SEED, type KindChoice } from '../reverse-settings';
import { latentFacts, type LatentFacts } from '../latent-diffusion/latent-facts';
import { linkNotes, type LinkNote } from '../latent-diffusion/latent-settings';
import { allStages, type StageFacts } from './compare-figures';
import { CASCADE, compareKey, DEFAULT_STEPS, DEFECT_PRESETS, LATENT, midStep, snapCompareSteps, STEP_CHOICES, type CompareModel, type CompareSettings, type DefectPreset } from './compare-settings';

const STEP_VALUES = STEP_CHOICES.map(String);
const PARAMS = {
  // Lesson 3's propagation start (a meadow at seed 5), so the cascade's half reads beside its table.
  kind: enumParam(KINDS, 'meadow'),
  seed: intParam(0, MAX_SEED, 5),
  steps: enumParam(STEP_VALUES, String(DEFAULT_STEPS)),
  defect: enumParam(DEFECT_PRESETS, 'blob'),
  // The latent's half-way defect goes in after this many steps (clamped below the step count).
  at: intParam(1, 49, DEFAULT_STEPS / 2),
};
/** A manifest as fetched: the lesson reads each figure from the raw JSON with compare-figures.ts. */
type Manifest = ManifestState<unknown>;

export class ComparePage extends LessonPage<typeof PARAMS> {
  manifests = $state<Record<CompareModel, Manifest>>(Object.fromEntries([...CASCADE, ...LATENT].map((m) => [m, { status: 'loading' }])) as Record<CompareModel, Manifest>);
  /** What a link asked for that the lesson could not show as asked. */
  notes = $state.raw<LinkNote[]>([]);
  /** Resolves once every manifest has arrived or failed: the runs wait for it to know which pipelines can run. */
  protected manifestsReady: Promise<void> = Promise.resolve();

  constructor() {
    super(PARAMS);
  }

  get settings(): CompareSettings {
    const v = this.url.values;
    return { kind: v.kind, seed: v.seed, steps: Number(v.steps) };
  }
  get midAt(): number {
    return midStep(this.url.values.at, this.settings.steps);
  }
  readonly key = $derived(compareKey(this.settings));
  readonly defectKey = $derived(`${this.key}|${this.url.values.defect}|${this.midAt}`);

  /** Raw manifests by model (those that arrived). */
  get raw(): Partial<Record<CompareModel, unknown>> {
    const out: Partial<Record<CompareModel, unknown>> = {};
    for (const [model, m] of Object.entries(this.manifests) as [CompareModel, Manifest][]) if (m.status === 'ready') out[model] = m.facts;
    return out;
  }
  get latentFacts(): LatentFacts | null {
    const m = this.manifests['latent-64'];
    if (m.status !== 'ready') return null;
    try {
      return latentFacts(m.facts, '/models/latent-64/manifest.json');
    } catch {
      return null;
    }
  }
  /** Models whose manifest could not be read: their pipeline cannot run. */
  get missing(): CompareModel[] {
    return (Object.entries(this.manifests) as [CompareModel, Manifest][]).filter(([, m]) => m.status === 'missing').map(([model]) => model);
  }
  get stages(): StageFacts[] {
    return allStages(this.raw, this.settings.steps);
  }

  setKind(kind: KindChoice): void {
    this.url.set('kind', kind);
  }
  setSeed(seed: number): void {
    this.url.set('seed', seed);
  }
  /** A new step count; a mid-way step that was half the old count stays half the new one (else it is clamped). */
  setSteps(steps: number): void {
    const old = this.settings.steps;
    const next = snapCompareSteps(String(steps)) ?? DEFAULT_STEPS;
    const half = this.url.values.at === Math.round(old / 2);
    this.url.set('steps', String(next));
    this.url.set('at', midStep(half ? Math.round(next / 2) : this.url.values.at, next));
  }
  setDefect(defect: DefectPreset): void {
    this.url.set('defect', defect);
  }
  setAt(at: number): void {
    this.url.set('at', midStep(at, this.settings.steps));
  }

  protected override snapLink(params: URLSearchParams): void {
    snapParam(params, 'steps', snapCompareSteps);
  }

  /** Puts the half-way step in range, notes each value the link had changed, and fetches the five manifests. */
  protected linkRead(raw: URLSearchParams, params: URLSearchParams): void {
    // A link without `at` means half-way through its own step count.
    if (!params.has('at')) this.url.set('at', Math.round(this.settings.steps / 2));
    if (this.url.values.at !== this.midAt) this.url.set('at', this.midAt);
    this.notes = linkNotes(raw, this.url.values);
    const fetchOne = async (m: CompareModel) => void (this.manifests[m] = await fetchManifest(`/models/${m}/manifest.json`, (json) => json));
    this.manifestsReady = Promise.all([...CASCADE, ...LATENT].map(fetchOne)).then(() => undefined);
  }
}
