// The held-out scenes of a super-resolution evaluation: whole scenes (the cascade upsamples whole
// images, not training crops) from the model's own held-out seed stream (dataset.ts: top bit set, so
// never trained on, whatever the root), balanced over scene kinds. The low-res input is the truth
// area-downsampled, which is what training's low-res render is (the world renders area averages;
// src/lib/data/render.ts, tested in tests/unit/data/render.test.ts).
import { downsampleArea, renderScene, sampleScene, SCENE_KINDS } from '../../src/lib/data';
import { kindOf, sceneSeed } from '../dataset';

export interface SrScene {
  seed: number;
  kind: number;
  /** The ground-truth render, [fullSize, fullSize, 3] in [−1, 1]. */
  truth: Float32Array;
  /** The truth area-downsampled by `factor`: the true low-res input. */
  low: Float32Array;
}

/** Scene counts per kind for `count` scenes, as even as possible (earlier kinds get the remainder). */
export function kindCounts(count: number, kinds = SCENE_KINDS.length): number[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`the held-out count must be a positive integer, got ${count}`);
  return Array.from({ length: kinds }, (_, k) => Math.floor(count / kinds) + (k < count % kinds ? 1 : 0));
}

/**
 * `count` held-out scenes of the SR model whose training root seed is `root`, taken in held-out order
 * while their kind is still needed, in round-robin kind order (so a short prefix spans many kinds).
 */
export function srHeldOutScenes(root: number, count: number, fullSize: number, factor: number): SrScene[] {
  const need = kindCounts(count);
  const byKind: number[][] = need.map(() => []);
  for (let i = 0; byKind.some((s, k) => s.length < need[k]); i++) {
    if (i > 100 * count + 1000) throw new Error('srHeldOutScenes: the held-out stream does not hold enough of every kind');
    const seed = sceneSeed(root, 'heldout', i);
    const kind = kindOf(seed);
    if (byKind[kind].length < need[kind]) byKind[kind].push(seed);
  }
  const order: { seed: number; kind: number }[] = [];
  for (let r = 0; order.length < count; r++) byKind.forEach((seeds, kind) => r < seeds.length && order.push({ seed: seeds[r], kind }));
  return order.map(({ seed, kind }) => {
    const truth = renderScene(sampleScene(seed, SCENE_KINDS[kind]), fullSize);
    return { seed, kind, truth, low: downsampleArea(truth, fullSize, factor) };
  });
}
