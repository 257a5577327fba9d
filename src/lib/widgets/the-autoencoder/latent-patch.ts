// "A latent cell is a patch" (lesson 4): the reader paints into one channel of the latent on its own
// 64×64 grid (the brush of ../brush-mask.ts), the painted latent is decoded, and the difference to the
// unpainted decode shows which pixels moved. With f = 16 each cell stands for a 16×16 patch, but the
// decoder's 3×3 convolutions at every level also read a cell's neighbours (LDM's decoder is a CNN,
// Rombach et al. 2022 App. G), so some of the change spills past the painted patches; the share inside
// them is measured here, not assumed.
import type { BrushMask } from '../brush-mask';

/** The latent with `amount` added to channel `k` in every painted cell (the mask is on the latent's grid). */
export function paintLatent(latent: Float32Array, c: number, k: number, mask: BrushMask, amount: number): Float32Array {
  const cells = mask.size * mask.size;
  if (latent.length !== cells * c) throw new RangeError(`a ${mask.size}² mask does not fit a latent of ${latent.length} values and ${c} channels`);
  if (!(Number.isInteger(k) && k >= 0 && k < c)) throw new RangeError(`no channel ${k} of ${c}`);
  const out = latent.slice();
  for (let p = 0; p < cells; p++) if (mask.alpha[p] > 0) out[p * c + k] += amount;
  return out;
}

/**
 * The share of a difference map's energy ([size·size], squared differences) that lies inside the
 * painted cells' patches, each cell covering f×f pixels (f = size / mask side). 1 when nothing moved
 * outside; NaN when nothing moved at all.
 */
export function shareInsidePatches(map: Float32Array, size: number, mask: BrushMask): number {
  const f = size / mask.size;
  if (!Number.isInteger(f) || map.length !== size * size) throw new RangeError(`a ${size}² map does not fit a ${mask.size}² mask`);
  let inside = 0;
  let all = 0;
  for (let y = 0; y < size; y++) {
    const row = Math.floor(y / f) * mask.size;
    for (let x = 0; x < size; x++) {
      const v = map[y * size + x];
      all += v;
      if (mask.alpha[row + Math.floor(x / f)] > 0) inside += v;
    }
  }
  return all > 0 ? inside / all : NaN;
}

/** Pixels whose squared difference is above `threshold`, and how many of them lie outside the painted patches. */
export function changedPixels(map: Float32Array, size: number, mask: BrushMask, threshold: number): { changed: number; outside: number } {
  const f = size / mask.size;
  let changed = 0;
  let outside = 0;
  for (let y = 0; y < size; y++) {
    const row = Math.floor(y / f) * mask.size;
    for (let x = 0; x < size; x++) {
      if (map[y * size + x] <= threshold) continue;
      changed++;
      if (!(mask.alpha[row + Math.floor(x / f)] > 0)) outside++;
    }
  }
  return { changed, outside };
}
