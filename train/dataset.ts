// The training data: scenes of the procedural world (src/lib/data), rendered on the fly, so the data is
// unlimited and a batch is a pure function of (seed, step). Training and held-out scenes come from two
// disjoint seed sets (top bit 0 vs 1), so no held-out scene is ever trained on.
import { deriveSeed, makeRng } from '../src/lib/math/rng';
import { renderScene, sampleScene, SCENE_KINDS } from '../src/lib/data';

export type Split = 'train' | 'heldout';

/** Stream labels for deriveSeed: one per use of the root seed, so the streams are independent. */
export const STREAMS = { train: 101, heldout: 102, kind: 103 } as const;

/**
 * The scene seed of example `index` of a split. Training seeds have the top bit clear (< 2^31),
 * held-out seeds have it set (≥ 2^31): the two sets cannot overlap for any root seed or index.
 */
export function sceneSeed(root: number, split: Split, index: number): number {
  const h = deriveSeed(deriveSeed(root, STREAMS[split]), index) >>> 0;
  return split === 'train' ? h & 0x7fffffff : (h | 0x80000000) >>> 0;
}

/** The scene kind (class label) of a seed, drawn uniformly so every kind is equally common. */
export function kindOf(seed: number): number {
  return makeRng(deriveSeed(seed, STREAMS.kind)).int(SCENE_KINDS.length);
}

export interface Batch {
  /** Images in [-1, 1], [B, size, size, 3] flattened (NHWC). */
  x0: Float32Array;
  /** Scene-kind index per image, [B]. */
  labels: Int32Array;
  /** The scene seed of each image (for the record and for tests). */
  seeds: number[];
}

/** Renders examples `first .. first + count − 1` of a split at `size` pixels. */
export function renderExamples(root: number, split: Split, first: number, count: number, size: number): Batch {
  const pixels = size * size * 3;
  const x0 = new Float32Array(count * pixels);
  const labels = new Int32Array(count);
  const seeds: number[] = [];
  for (let i = 0; i < count; i++) {
    const seed = sceneSeed(root, split, first + i);
    const kind = kindOf(seed);
    x0.set(renderScene(sampleScene(seed, SCENE_KINDS[kind]), size), i * pixels);
    labels[i] = kind;
    seeds.push(seed);
  }
  return { x0, labels, seeds };
}

/** The training batch of update `step` (0-based): examples step·B .. step·B + B − 1, never repeated. */
export function trainingBatch(root: number, step: number, batch: number, size: number): Batch {
  return renderExamples(root, 'train', step * batch, batch, size);
}

/** The first `count` held-out examples (evaluation, never trained on). */
export function heldOutBatch(root: number, count: number, size: number): Batch {
  return renderExamples(root, 'heldout', 0, count, size);
}

/** Words for the manifest: what the model saw. */
export function describeData(root: number, steps: number, batch: number, size: number): string {
  return (
    `${steps * batch} procedural scenes (src/lib/data, kinds: ${SCENE_KINDS.join(', ')}, uniform), rendered at ` +
    `${size}×${size}, each seen once: training seeds = deriveSeed(deriveSeed(${root}, ${STREAMS.train}), i) & 0x7fffffff ` +
    `for i < ${steps * batch}; held-out seeds have the top bit set`
  );
}
