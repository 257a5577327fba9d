// Defects injected between cascade stages (lesson 3): an effect (wrong colour, noise, colour shift, blur)
// blended in through a mask (a disc, a rectangle, or a brush the reader paints). Pure functions on
// [size, size, 3] row-major images in [−1, 1], in unit coordinates so one preset fits 64² and 256².
import { makeRng } from '../math/rng';

export type Rgb3 = readonly [number, number, number];

/** What a defect does to the pixels it covers; sizes are fractions of the image side. */
export type Effect =
  | { kind: 'paint'; color: Rgb3 } // a blob of wrong colour
  | { kind: 'noise'; sigma: number; seed: number } // i.i.d. Gaussian noise of this standard deviation
  | { kind: 'shift'; delta: Rgb3 } // added to each channel
  | { kind: 'blur'; sigma: number }; // Gaussian blur, σ as a fraction of the side

/** Where it applies, with weight w ∈ [0, 1] per pixel (a pixel counts by its centre). */
export type Mask =
  | { kind: 'disc'; cx: number; cy: number; r: number }
  | { kind: 'rect'; x: number; y: number; w: number; h: number }
  | { kind: 'all' }
  | { kind: 'brush'; size: number; alpha: Float32Array }; // painted weights on a size×size grid

export interface Defect {
  effect: Effect;
  mask: Mask;
}

/** The fixed presets: the lesson's buttons and the propagation table's rows. */
export const PRESETS = {
  blob: { effect: { kind: 'paint', color: [0.9, -0.7, -0.6] }, mask: { kind: 'disc', cx: 0.35, cy: 0.4, r: 0.12 } },
  noise: { effect: { kind: 'noise', sigma: 0.5, seed: 7 }, mask: { kind: 'rect', x: 0.55, y: 0.55, w: 0.25, h: 0.25 } },
  shift: { effect: { kind: 'shift', delta: [0.3, 0.2, -0.3] }, mask: { kind: 'rect', x: 0.1, y: 0.6, w: 0.35, h: 0.3 } },
  blur: { effect: { kind: 'blur', sigma: 0.03 }, mask: { kind: 'disc', cx: 0.65, cy: 0.3, r: 0.18 } },
} as const satisfies Record<string, Defect>;
export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

function checkImage(img: Float32Array, size: number): void {
  if (!Number.isInteger(size) || size < 1 || img.length !== size * size * 3) {
    throw new RangeError(`a ${size}×${size} RGB image has ${size * size * 3} values, got ${img.length}`);
  }
}

/** The mask's weight per pixel of a size×size image, [size·size]. A brush grid of another size is sampled at pixel centres. */
export function maskWeights(mask: Mask, size: number): Float32Array {
  const w = new Float32Array(size * size);
  for (let j = 0; j < size; j++) {
    const y = (j + 0.5) / size;
    for (let i = 0; i < size; i++) {
      const x = (i + 0.5) / size;
      let v = 0;
      if (mask.kind === 'all') v = 1;
      else if (mask.kind === 'disc') v = (x - mask.cx) ** 2 + (y - mask.cy) ** 2 <= mask.r ** 2 ? 1 : 0;
      else if (mask.kind === 'rect') v = x >= mask.x && x < mask.x + mask.w && y >= mask.y && y < mask.y + mask.h ? 1 : 0;
      else v = mask.alpha[Math.floor(y * mask.size) * mask.size + Math.floor(x * mask.size)];
      w[j * size + i] = Math.min(1, Math.max(0, v));
    }
  }
  return w;
}

/** Separable Gaussian blur with edges clamped; σ in pixels. */
function gaussianBlur(img: Float32Array, size: number, sigma: number): Float32Array {
  const radius = Math.ceil(3 * sigma);
  if (radius < 1) return img.slice();
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, k) => Math.exp(-((k - radius) ** 2) / (2 * sigma * sigma)));
  const total = kernel.reduce((a, b) => a + b, 0);
  const pass = (src: Float32Array, horizontal: boolean): Float32Array => {
    const out = new Float32Array(src.length);
    for (let j = 0; j < size; j++)
      for (let i = 0; i < size; i++)
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let k = -radius; k <= radius; k++) {
            const ii = horizontal ? Math.min(size - 1, Math.max(0, i + k)) : i;
            const jj = horizontal ? j : Math.min(size - 1, Math.max(0, j + k));
            s += kernel[k + radius] * src[(jj * size + ii) * 3 + c];
          }
          out[(j * size + i) * 3 + c] = s / total;
        }
    return out;
  };
  return pass(pass(img, true), false);
}

/** The effect applied to the whole image, clipped to [−1, 1] (what the mask then blends in). */
function affected(img: Float32Array, size: number, e: Effect): Float32Array {
  let out: Float32Array;
  if (e.kind === 'paint') out = img.map((_, k) => e.color[k % 3]);
  else if (e.kind === 'shift') out = img.map((v, k) => v + e.delta[k % 3]);
  else if (e.kind === 'blur') out = gaussianBlur(img, size, e.sigma * size);
  else {
    const rng = makeRng(e.seed); // drawn for every pixel, so a pixel's noise does not depend on the mask
    out = img.map((v) => v + e.sigma * rng.normal());
  }
  return out.map((v) => Math.min(1, Math.max(-1, v)));
}

/**
 * The image with the defects applied in order: x + w·(effect(x) − x) per pixel. Pixels of weight 0
 * are copied, so an empty list (or an all-zero brush) returns the image bit for bit. Returns a new array.
 */
export function applyDefects(img: Float32Array, size: number, defects: readonly Defect[]): Float32Array {
  checkImage(img, size);
  let out = img.slice();
  for (const d of defects) {
    const w = maskWeights(d.mask, size);
    if (!w.some((v) => v > 0)) continue;
    const e = affected(out, size, d.effect);
    const next = out.slice();
    for (let p = 0; p < w.length; p++) {
      if (w[p] === 0) continue;
      for (let c = 0; c < 3; c++) next[p * 3 + c] = out[p * 3 + c] + w[p] * (e[p * 3 + c] - out[p * 3 + c]);
    }
    out = next;
  }
  return out;
}

/** An empty brush of size×size weights. */
export function emptyBrush(size: number): Mask & { kind: 'brush' } {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`brush size must be a positive integer, got ${size}`);
  return { kind: 'brush', size, alpha: new Float32Array(size * size) };
}

/** Paints (or with `erase`, clears) a disc of radius r at (cx, cy), unit coordinates, into the brush. */
export function stampBrush(brush: Mask & { kind: 'brush' }, cx: number, cy: number, r: number, erase = false): void {
  const n = brush.size;
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      if (((i + 0.5) / n - cx) ** 2 + ((j + 0.5) / n - cy) ** 2 <= r * r) brush.alpha[j * n + i] = erase ? 0 : 1;
    }
}

/** A stroke from a to b: discs every r/2 along the segment, so a fast drag leaves no gaps. */
export function strokeBrush(brush: Mask & { kind: 'brush' }, a: readonly [number, number], b: readonly [number, number], r: number, erase = false): void {
  const n = Math.max(1, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / Math.max(r / 2, 1e-6)));
  for (let s = 0; s <= n; s++) stampBrush(brush, a[0] + ((b[0] - a[0]) * s) / n, a[1] + ((b[1] - a[1]) * s) / n, r, erase);
}
