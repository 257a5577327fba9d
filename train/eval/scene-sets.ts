// The image sets the evaluation compares: class-balanced held-out scenes (seeds with the top bit set,
// never trained on), and resizing to the classifier's input side. Images are [N, R, R, 3] end to end.
import { downsampleArea, upsampleNearest } from '../../src/lib/data';
import { kindOf, renderExamples, sceneSeed } from '../dataset';

/**
 * `sets` disjoint sets of held-out scenes, each holding counts[k] scenes of kind k, taken in held-out
 * order: a scene goes to the first set that still needs its kind. Labels come along.
 */
export function balancedHeldOut(root: number, counts: readonly number[], size: number, sets: number): { x0: Float32Array; labels: Int32Array }[] {
  const per = size * size * 3;
  const total = counts.reduce((a, b) => a + b, 0);
  const out = Array.from({ length: sets }, () => ({ x0: new Float32Array(total * per), labels: new Int32Array(total), filled: 0, need: [...counts] }));
  for (let i = 0; out.some((s) => s.filled < total); i++) {
    if (i > 100 * total * sets + 1000) throw new Error('balancedHeldOut: the held-out stream does not hold enough of every kind');
    const kind = kindOf(sceneSeed(root, 'heldout', i));
    const set = out.find((s) => s.need[kind] > 0);
    if (!set) continue;
    set.x0.set(renderExamples(root, 'heldout', i, 1, size).x0, set.filled * per);
    set.labels[set.filled] = kind;
    set.filled += 1;
    set.need[kind] -= 1;
  }
  return out.map(({ x0, labels }) => ({ x0, labels }));
}

/** How many of each of `classes` kinds `labels` holds. */
export function countKinds(labels: ArrayLike<number>, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]] += 1;
  return counts;
}

/** Images of side `from` resized to side `to` (area down or nearest up by a whole factor). */
export function resizeImages(images: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return images;
  const per = from * from * 3;
  const n = images.length / per;
  const out = new Float32Array(n * to * to * 3);
  for (let i = 0; i < n; i++) {
    const img = images.subarray(i * per, (i + 1) * per);
    if (from > to && from % to === 0) out.set(downsampleArea(img, from, from / to), i * to * to * 3);
    else if (to > from && to % from === 0) out.set(upsampleNearest(img, from, to / from), i * to * to * 3);
    else throw new Error(`resizeImages: ${from} → ${to} is not a whole factor`);
  }
  return out;
}

/** Image i of a set, as a view. */
export function imageAt(images: Float32Array, size: number, i: number): Float32Array {
  const per = size * size * 3;
  return images.subarray(i * per, (i + 1) * per);
}
