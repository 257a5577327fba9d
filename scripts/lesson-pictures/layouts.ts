// The six lesson pictures of the course index, each composed from images the course's own code made
// (scripts/lesson-pictures.ts runs the models): one picture per lesson saying in a glance what it does.
// Pure: images in, RGBA canvases out. The canvas is 2× the size the index shows it (LESSON_PICTURE_SIZE).
import { LESSON_PICTURE_SIZE } from '../../src/routes/lesson-pictures';
import { arrow, canvas, tile, type Canvas } from './raster';

/** A square image [size, size, 3] in [−1, 1]. */
export interface Square {
  img: Float32Array;
  size: number;
}

export const W = LESSON_PICTURE_SIZE.width * 2;
export const H = LESSON_PICTURE_SIZE.height * 2;

/** Lesson 1: one scene, clean at the left and nearly pure noise at the right (x_t with t growing across it), computed by the caller. */
export function addingNoise(noised: { img: Float32Array; width: number; height: number }): Canvas {
  const cv = canvas(W, H);
  const src = canvas(noised.width, noised.height);
  for (let p = 0; p < noised.width * noised.height; p++) {
    for (let k = 0; k < 3; k++) src.data[p * 4 + k] = (noised.img[p * 3 + k] + 1) * 127.5;
    src.data[p * 4 + 3] = 255;
  }
  roundInto(cv, src, Math.round((W - noised.width) / 2), Math.round((H - noised.height) / 2), 10);
  return cv;
}

/** Lesson 2: the base model's reverse process, x_T → a mid-way x_t → its 64² sample. */
export function removingNoise(frames: Square[]): Canvas {
  const cv = canvas(W, H);
  const side = 80;
  const gap = (W - frames.length * side) / (frames.length - 1);
  const y = (H - side) / 2;
  frames.forEach((f, k) => {
    const x = Math.round(k * (side + gap));
    tile(cv, f.img, f.size, x, y, side);
    if (k > 0) arrow(cv, x - gap + 5, x - 5, H / 2);
  });
  return cv;
}

/** Lesson 3: the cascade's three outputs, 64² → 256² → 1024², as a staircase of growing tiles. */
export function cascade(stages: Square[]): Canvas {
  const cv = canvas(W, H);
  const sides = [48, 84, 132];
  const gap = (W - sides.reduce((a, b) => a + b, 0)) / (sides.length - 1);
  const bottom = (H + sides[2]) / 2;
  let x = 0;
  stages.forEach((s, k) => {
    tile(cv, s.img, s.size, Math.round(x), bottom - sides[k], sides[k]);
    if (k > 0) arrow(cv, x - gap + 4, x - 4, bottom - sides[0] / 2, undefined, 2.5, 6);
    x += sides[k] + gap;
  });
  return cv;
}

/** Lesson 4: a 1024² image → its 64×64×c latent, channel by channel → the decoded image. */
export function autoencoder(image: Square, channels: Square[], decoded: Square): Canvas {
  const cv = canvas(W, H);
  const side = 104;
  const cell = 20;
  const cols = 2;
  const rows = Math.ceil(channels.length / cols);
  const gridW = cols * cell + (cols - 1) * 4;
  const gridH = rows * cell + (rows - 1) * 4;
  const gap = (W - 2 * side - gridW) / 2;
  const y = (H - side) / 2;
  tile(cv, image.img, image.size, 0, y, side);
  const gx = side + gap;
  const gy = (H - gridH) / 2;
  channels.forEach((c, k) => tile(cv, c.img, c.size, Math.round(gx + (k % cols) * (cell + 4)), Math.round(gy + Math.floor(k / cols) * (cell + 4)), cell, 3));
  tile(cv, decoded.img, decoded.size, W - side, y, side);
  arrow(cv, side + 3, gx - 3, H / 2, undefined, 2.5, 6);
  arrow(cv, gx + gridW + 3, W - side - 3, H / 2, undefined, 2.5, 6);
  return cv;
}

/** Lesson 5: the latent's colour preview noisy and clean (the denoising happens at 64²), then one decode to 1024². */
export function latentDiffusion(previews: Square[], decoded: Square): Canvas {
  const cv = canvas(W, H);
  const small = 60;
  const big = 124;
  const gap = (W - previews.length * small - big) / previews.length;
  const y = (H - small) / 2;
  previews.forEach((p, k) => {
    const x = Math.round(k * (small + gap));
    tile(cv, p.img, p.size, x, y, small, 4);
    if (k > 0) arrow(cv, x - gap + 4, x - 4, H / 2, undefined, 2.5, 6);
  });
  const xBig = W - big;
  arrow(cv, xBig - gap + 4, xBig - 4, H / 2, undefined, 3, 7);
  tile(cv, decoded.img, decoded.size, xBig, (H - big) / 2, big);
  return cv;
}

/** Lesson 6: the two pipelines as two rows ending in a 1024² image: 64 → 256 → 1024 above, latent → decode below. */
export function cascadeVsLatent(stages: Square[], latentPreview: Square, decoded: Square): Canvas {
  const cv = canvas(W, H);
  const end = 78;
  const sides = [30, 50, end];
  const gap = 28;
  const left = Math.round((W - sides.reduce((a, b) => a + b, 0) - 2 * gap) / 2);
  const xs = [left, left + sides[0] + gap, left + sides[0] + sides[1] + 2 * gap];
  const rowY = [Math.round(H / 2 - end - 4), Math.round(H / 2 + 4)];
  // Above: the cascade's three stages at growing sizes, bottom-aligned on the row.
  stages.forEach((s, k) => {
    tile(cv, s.img, s.size, xs[k], rowY[0] + end - sides[k], sides[k], 3);
    if (k > 0) arrow(cv, xs[k] - gap + 4, xs[k] - 4, rowY[0] + end - sides[0] / 2, undefined, 2.5, 6);
  });
  // Below: the latent (its preview at the small size of the 64² base image), one long arrow: one decode.
  tile(cv, latentPreview.img, latentPreview.size, xs[0], rowY[1] + end - sides[0], sides[0], 3);
  arrow(cv, xs[0] + sides[0] + 4, xs[2] - 4, rowY[1] + end - sides[0] / 2, undefined, 2.5, 6);
  tile(cv, decoded.img, decoded.size, xs[2], rowY[1], end, 4);
  return cv;
}

/** Copies `src` into `cv` at (x0, y0) with its corners rounded to radius r. */
function roundInto(cv: Canvas, src: Canvas, x0: number, y0: number, r: number): void {
  for (let y = 0; y < src.height; y++) {
    for (let x = 0; x < src.width; x++) {
      const dx = x + 0.5 - Math.min(Math.max(x + 0.5, r), src.width - r);
      const dy = y + 0.5 - Math.min(Math.max(y + 0.5, r), src.height - r);
      const a = Math.max(0, Math.min(1, r + 0.5 - Math.hypot(dx, dy)));
      const s = (y * src.width + x) * 4;
      const o = ((y0 + y) * cv.width + x0 + x) * 4;
      cv.data.set([src.data[s], src.data[s + 1], src.data[s + 2], Math.round(src.data[s + 3] * a)], o);
    }
  }
}
