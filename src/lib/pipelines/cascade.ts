// The cascade (CDM, Ho et al. 2022, Fig. 1; Imagen §2): a base model samples a small image, then each
// super-resolution model, trained on its own, samples the next size given the previous output. Between
// stages a defect may be injected; every stage hands out its image and its measured time.
import type { SamplerName } from '../diffusion/sample';
import { deriveSeed } from '../math/rng';
import { PipelineError, sampleBase, type BaseModel } from './base';
import { applyDefects, type Defect } from './defects';
import { previewWanted, sampleSuperResolution, type SrModel } from './super-resolution';

/** deriveSeed stream of stage i is STAGE_STREAM + i: each stage has its own seed, fixed by the cascade's. */
export const STAGE_STREAM = 300;

export interface BaseStageSettings {
  steps: number;
  classIndex: number | null;
  guidance: number;
  sampler?: SamplerName;
  eta?: number;
}

export interface SrStageSettings {
  steps: number;
  /** Conditioning augmentation level a ∈ [0, 1] of this stage's low-res input (CDM §3.3). */
  aug: number;
  sampler?: SamplerName;
  eta?: number;
}

export interface CascadeModels {
  base: BaseModel;
  /** The super-resolution stages in order (e.g. sr-256, then sr-1024). */
  sr: readonly SrModel[];
}

/** A model still on its way (downloading): asked for just before its stage, so earlier stages need not wait for it. */
export type LateModel<M> = () => Promise<M>;

/** CascadeModels where a later stage's model may still be arriving (the engine starts 64² while sr-256 downloads). */
export interface ArrivingModels {
  base: BaseModel;
  sr: readonly (SrModel | LateModel<SrModel>)[];
}

/** A stage's progress: step i + 1 of steps done, ms since the stage began; x̂₀ as pixels with `preview`. */
export interface StageProgress {
  stage: number;
  size: number;
  done: number;
  steps: number;
  ms: number;
  x0?: Float32Array;
}

/** One finished stage. Stage 0 is the base model, stage i ≥ 1 the i-th super-resolution model. */
export interface StageOutput {
  stage: number;
  size: number;
  seed: number;
  /** The stage's own output, [size, size, 3] in [−1, 1]. */
  image: Float32Array;
  /** What the next stage reads: `image` with this stage's defects applied (the same array when there are none). */
  fed: Float32Array;
  /** Wall time of the stage's sampling, ms (0 for a given start image). */
  ms: number;
}

export interface CascadeOptions {
  seed: number;
  /** How to sample the base image; not needed with `start`. */
  base?: BaseStageSettings;
  /** One entry per super-resolution stage to run; fewer than models.sr stops the cascade early. */
  sr: readonly SrStageSettings[];
  /** Use this base image ([res, res, 3]) instead of sampling one: re-runs only the later stages. */
  start?: Float32Array;
  /** defects[i] are applied to stage i's output before stage i + 1 reads it. */
  defects?: readonly (readonly Defect[] | undefined)[];
  signal?: AbortSignal;
  /** See super-resolution.ts `previewWanted`: true for every step, k for every k-th and the last. */
  preview?: boolean | number;
  onProgress?: (p: StageProgress) => void | Promise<void>;
  onStage?: (s: StageOutput) => void | Promise<void>;
}

/** The seed of stage i of a cascade run with `seed`: the same seed gives the same chain. */
export function stageSeed(seed: number, stage: number): number {
  return deriveSeed(seed, STAGE_STREAM + stage);
}

/** The side super-resolution stage `stage` outputs from a `low`-sided input; throws if the model takes another size. */
function srSize(model: SrModel, low: number, stage: number): number {
  const { sr } = model;
  if (low * sr.factor !== sr.fullSize) {
    throw new PipelineError(`super-resolution stage ${stage} makes ${sr.fullSize}×${sr.fullSize} from ${sr.fullSize / sr.factor}×${sr.fullSize / sr.factor}, but the previous stage gives ${low}×${low}`);
  }
  return sr.fullSize;
}

/** The side each stage outputs; throws if a model does not take the previous stage's size. */
export function stageSizes(models: CascadeModels, srStages = models.sr.length): number[] {
  const sizes = [models.base.resolution];
  for (let i = 0; i < srStages; i++) sizes.push(srSize(models.sr[i], sizes[i], i + 1));
  return sizes;
}

/**
 * Runs the cascade and resolves to every stage's output (also handed to onStage as each finishes).
 * A late model is awaited just before its own stage (the earlier stages' outputs are out by then) and
 * checked there; the models already present are checked before any work. Cancellable through `signal`
 * between and within stages; no tensors outlive a stage.
 */
export async function runCascade(models: ArrivingModels, o: CascadeOptions): Promise<StageOutput[]> {
  if (o.sr.length > models.sr.length) throw new PipelineError(`${o.sr.length} super-resolution stages asked, ${models.sr.length} loaded`);
  const present = models.sr.slice(0, o.sr.length);
  const arrived = present.findIndex((m) => typeof m === 'function');
  const sizes = stageSizes({ base: models.base, sr: (arrived < 0 ? present : present.slice(0, arrived)) as SrModel[] });
  const outputs: StageOutput[] = [];
  const finish = async (stage: number, image: Float32Array, ms: number): Promise<Float32Array> => {
    const defects = o.defects?.[stage] ?? [];
    const fed = defects.length > 0 ? applyDefects(image, sizes[stage], defects) : image;
    const out: StageOutput = { stage, size: sizes[stage], seed: stageSeed(o.seed, stage), image, fed, ms };
    outputs.push(out);
    await o.onStage?.(out);
    return fed;
  };
  const progress = (stage: number, t0: number) => async (s: { i: number; steps: number; x0?: Float32Array }) =>
    o.onProgress?.({ stage, size: sizes[stage], done: s.i + 1, steps: s.steps, ms: performance.now() - t0, x0: s.x0 });

  o.signal?.throwIfAborted();
  let current: Float32Array;
  if (o.start) {
    if (o.start.length !== sizes[0] * sizes[0] * 3) throw new PipelineError(`the start image must be ${sizes[0]}×${sizes[0]}×3, got ${o.start.length} values`);
    current = await finish(0, o.start, 0);
  } else {
    if (!o.base) throw new PipelineError('the cascade needs base stage settings or a start image');
    const t0 = performance.now();
    const onProgress = progress(0, t0);
    const x = await sampleBase(models.base, {
      ...o.base,
      sampler: o.base.sampler ?? 'ddim',
      eta: o.base.eta ?? 0,
      batch: 1,
      seed: stageSeed(o.seed, 0),
      signal: o.signal,
      onStep: async (tap) => onProgress({ i: tap.i, steps: tap.steps, x0: previewWanted(o.preview, tap.i, tap.steps) ? ((await tap.x0.data()) as Float32Array) : undefined }),
    });
    const image = (await x.data()) as Float32Array;
    x.dispose();
    current = await finish(0, image, performance.now() - t0);
  }
  for (let i = 0; i < o.sr.length; i++) {
    o.signal?.throwIfAborted();
    const entry = models.sr[i];
    const model = typeof entry === 'function' ? await entry() : entry;
    o.signal?.throwIfAborted(); // a cancel that came while the model arrived
    if (sizes.length === i + 1) sizes.push(srSize(model, sizes[i], i + 1));
    const t0 = performance.now();
    const image = await sampleSuperResolution(model, current, sizes[i], {
      ...o.sr[i],
      seed: stageSeed(o.seed, i + 1),
      signal: o.signal,
      preview: o.preview,
      onStep: progress(i + 1, t0),
    });
    current = await finish(i + 1, image, performance.now() - t0);
  }
  return outputs;
}
