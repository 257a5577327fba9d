// A small RGBA canvas for the index's lesson pictures (scripts/lesson-pictures.ts): images in [−1, 1] pasted
// as tiles with rounded corners, resampled to the tile's size (area average when smaller, so a 1024² image
// stays sharp, nearest when larger, so a 64² image shows its pixels), and arrows between them. No font, no
// dependency: the words live in the alt text. Transparent where nothing is drawn, so any background shows.

export interface Canvas {
  width: number;
  height: number;
  /** RGBA bytes, row-major, premultiplied by nothing (straight alpha). */
  data: Uint8ClampedArray;
}

export function canvas(width: number, height: number): Canvas {
  return { width, height, data: new Uint8ClampedArray(width * height * 4) };
}

/**
 * An [size, size, c] image (c ≥ 3, the first three channels read as RGB in [−1, 1]) resampled to side `to`:
 * each output pixel averages the source pixels its footprint covers (box filter, fractional edges weighted),
 * which is nearest-neighbour when `to` > size.
 */
export function resample(img: Float32Array, size: number, to: number, c = 3): Float32Array {
  if (img.length !== size * size * c) throw new RangeError(`a ${size}² image with ${c} channels has ${size * size * c} values, got ${img.length}`);
  const out = new Float32Array(to * to * 3);
  const scale = size / to;
  // Per axis: for output index o, the source indices and weights its footprint [o·scale, (o+1)·scale) covers.
  const taps: { i: number; w: number }[][] = [];
  for (let o = 0; o < to; o++) {
    const a = o * scale;
    const b = a + scale;
    const list: { i: number; w: number }[] = [];
    if (scale <= 1) list.push({ i: Math.min(size - 1, Math.floor(a + scale / 2)), w: 1 });
    else for (let i = Math.floor(a); i < Math.ceil(b); i++) list.push({ i, w: (Math.min(b, i + 1) - Math.max(a, i)) / scale });
    taps.push(list);
  }
  for (let y = 0; y < to; y++) {
    for (let x = 0; x < to; x++) {
      const o = (y * to + x) * 3;
      for (const ty of taps[y]) {
        for (const tx of taps[x]) {
          const w = ty.w * tx.w;
          const s = (ty.i * size + tx.i) * c;
          out[o] += w * img[s];
          out[o + 1] += w * img[s + 1];
          out[o + 2] += w * img[s + 2];
        }
      }
    }
  }
  return out;
}

/** Coverage in [0, 1] of pixel (x, y) of a w×h tile with corner radius r (4×4 samples per pixel, for smooth corners). */
function cornerCoverage(x: number, y: number, w: number, h: number, r: number): number {
  let inside = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const px = x + (sx + 0.5) / 4;
      const py = y + (sy + 0.5) / 4;
      const cx = Math.min(Math.max(px, r), w - r);
      const cy = Math.min(Math.max(py, r), h - r);
      if ((px - cx) ** 2 + (py - cy) ** 2 <= r * r) inside++;
    }
  }
  return inside / 16;
}

/** Pastes an image in [−1, 1] resampled to `side`² at (x0, y0), with rounded corners of radius `radius`. */
export function tile(cv: Canvas, img: Float32Array, size: number, x0: number, y0: number, side: number, radius = 5, c = 3): void {
  const px = resample(img, size, side, c);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const X = x0 + x;
      const Y = y0 + y;
      if (X < 0 || Y < 0 || X >= cv.width || Y >= cv.height) continue;
      const a = cornerCoverage(x, y, side, side, radius);
      if (a === 0) continue;
      const s = (y * side + x) * 3;
      blend(cv, X, Y, [(px[s] + 1) * 127.5, (px[s + 1] + 1) * 127.5, (px[s + 2] + 1) * 127.5], a);
    }
  }
}

/** Source-over of one colour (0–255) at coverage `a` onto pixel (x, y). */
function blend(cv: Canvas, x: number, y: number, rgb: readonly number[], a: number): void {
  const o = (y * cv.width + x) * 4;
  const d = cv.data;
  const below = d[o + 3] / 255;
  const alpha = a + below * (1 - a);
  if (alpha === 0) return;
  for (let k = 0; k < 3; k++) d[o + k] = (rgb[k] * a + d[o + k] * below * (1 - a)) / alpha;
  d[o + 3] = alpha * 255;
}

/** A right-pointing arrow from x0 to x1 at height y: a shaft of width `stroke` and a triangular head. */
export function arrow(cv: Canvas, x0: number, x1: number, y: number, rgb: readonly number[] = [120, 126, 136], stroke = 3, head = 7): void {
  const inside = (px: number, py: number): boolean => {
    if (px >= x0 && px <= x1 - head && Math.abs(py - y) <= stroke / 2) return true; // shaft
    const dx = x1 - px; // the head: a triangle with its tip at x1
    return dx >= 0 && dx <= head && Math.abs(py - y) <= dx;
  };
  for (let Y = Math.floor(y - head - 1); Y <= Math.ceil(y + head + 1); Y++) {
    for (let X = Math.floor(x0); X <= Math.ceil(x1); X++) {
      let n = 0;
      for (let sy = 0; sy < 4; sy++) for (let sx = 0; sx < 4; sx++) if (inside(X + (sx + 0.5) / 4, Y + (sy + 0.5) / 4)) n++;
      if (n > 0 && X >= 0 && Y >= 0 && X < cv.width && Y < cv.height) blend(cv, X, Y, rgb, n / 16);
    }
  }
}
