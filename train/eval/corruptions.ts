// Two ways to spoil real scenes, to show what a bad Fréchet distance looks like next to the floor
// (held-out vs held-out): a Gaussian blur (layout kept, detail lost) and a pixel shuffle (colour
// histogram kept, every structure lost). Images are [size, size, 3] HWC row-major in [-1, 1].
import type { Rng } from '../../src/lib/math/rng';

/** 1-D Gaussian taps for σ pixels, truncated at 3σ and normalised to sum 1. */
export function gaussianTaps(sigma: number): Float64Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const taps = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += taps[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  return taps.map((v) => v / sum);
}

/** Separable Gaussian blur with clamped (replicated) edges, so a constant image stays constant. */
export function gaussianBlur(img: Float32Array, size: number, sigma: number): Float32Array {
  const taps = gaussianTaps(sigma);
  const r = (taps.length - 1) / 2;
  const clamp = (v: number) => (v < 0 ? 0 : v >= size ? size - 1 : v);
  const pass = (src: Float32Array, horizontal: boolean): Float32Array => {
    const out = new Float32Array(src.length);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let k = -r; k <= r; k++) {
            const xx = horizontal ? clamp(x + k) : x;
            const yy = horizontal ? y : clamp(y + k);
            s += taps[k + r] * src[(yy * size + xx) * 3 + c];
          }
          out[(y * size + x) * 3 + c] = s;
        }
      }
    }
    return out;
  };
  return pass(pass(img, true), false);
}

/** The pixels of the image in a random order (Fisher–Yates), each pixel's RGB kept together. */
export function shufflePixels(img: Float32Array, rng: Rng): Float32Array {
  const n = img.length / 3;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const out = new Float32Array(img.length);
  for (let i = 0; i < n; i++) out.set(img.subarray(order[i] * 3, order[i] * 3 + 3), i * 3);
  return out;
}
