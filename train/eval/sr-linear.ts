// A yardstick for the super-resolution evaluation: the best *linear* map from the low-res image to the
// detail bicubic misses. Each output cell (factor×factor pixels, 3 colours) gets bicubic plus a linear
// function of the (2r+1)² low-res pixels around it, fitted by least squares (ridge-regularised normal
// equations) on training scenes. Its lead over bicubic is the part of the missing detail that is a fixed
// linear consequence of the 64×64 input (sharper edges on average); what neither recovers must be
// invented, which is what a diffusion SR model's sampling does (SR3 §1; science.md §2.2).
import { bicubicUpsample } from '../../src/lib/data/bicubic';
import { downsampleArea, renderScene, sampleScene, SCENE_KINDS } from '../../src/lib/data';
import { kindOf, sceneSeed } from '../dataset';

export interface LinearUpsampler {
  factor: number;
  radius: number;
  /** [(2r+1)²·3 + 1] × [factor²·3], row-major: neighbourhood values (and a bias) → the residual's cell values. */
  weights: Float64Array;
}

const inputs = (radius: number) => (2 * radius + 1) ** 2 * 3 + 1;

/** The low-res neighbourhood of cell (cx, cy), edges repeated, and a trailing 1 for the bias. */
function features(lo: Float32Array, low: number, cx: number, cy: number, radius: number, out: Float64Array): void {
  let k = 0;
  for (let dy = -radius; dy <= radius; dy++)
    for (let dx = -radius; dx <= radius; dx++) {
      const y = Math.min(low - 1, Math.max(0, cy + dy)), x = Math.min(low - 1, Math.max(0, cx + dx));
      for (let c = 0; c < 3; c++) out[k++] = lo[(y * low + x) * 3 + c];
    }
  out[k] = 1;
}

/** The flat [size, size, 3] indices of cell (cx, cy)'s values, in the residual's order (row, column, colour). */
function cellPixels(cx: number, cy: number, factor: number, size: number, out: Int32Array): void {
  let o = 0;
  for (let py = 0; py < factor; py++)
    for (let px = 0; px < factor; px++) for (let c = 0; c < 3; c++) out[o++] = ((cy * factor + py) * size + cx * factor + px) * 3 + c;
}

/** Solves A·W = B in place (A n×n symmetric positive definite, B n×m) by Gaussian elimination; returns W. */
export function solveNormal(a: Float64Array, b: Float64Array, n: number, m: number): Float64Array {
  const w = b.slice();
  for (let p = 0; p < n; p++)
    for (let r = p + 1; r < n; r++) {
      const f = a[r * n + p] / a[p * n + p];
      if (f === 0) continue;
      for (let j = p; j < n; j++) a[r * n + j] -= f * a[p * n + j];
      for (let o = 0; o < m; o++) w[r * m + o] -= f * w[p * m + o];
    }
  for (let p = n - 1; p >= 0; p--)
    for (let o = 0; o < m; o++) {
      let s = w[p * m + o];
      for (let j = p + 1; j < n; j++) s -= a[p * n + j] * w[j * m + o];
      w[p * m + o] = s / a[p * n + p];
    }
  return w;
}

/** Least-squares fit on (truth, low) pairs of side `size`; `ridge` keeps flat scenes' normal equations solvable. */
export function fitLinearUpsampler(pairs: readonly { truth: Float32Array; low: Float32Array }[], size: number, factor: number, radius = 2, ridge = 1e-3): LinearUpsampler {
  const n = inputs(radius), m = factor * factor * 3, low = size / factor;
  const a = new Float64Array(n * n), b = new Float64Array(n * m), x = new Float64Array(n), y = new Float64Array(m), cell = new Int32Array(m);
  for (const { truth, low: lo } of pairs) {
    const up = bicubicUpsample(lo, low, factor);
    for (let cy = 0; cy < low; cy++)
      for (let cx = 0; cx < low; cx++) {
        features(lo, low, cx, cy, radius, x);
        cellPixels(cx, cy, factor, size, cell);
        for (let o = 0; o < m; o++) y[o] = truth[cell[o]] - up[cell[o]];
        for (let i = 0; i < n; i++) {
          const xi = x[i];
          for (let j = 0; j < n; j++) a[i * n + j] += xi * x[j];
          for (let k = 0; k < m; k++) b[i * m + k] += xi * y[k];
        }
      }
  }
  for (let i = 0; i < n; i++) a[i * n + i] += ridge;
  return { factor, radius, weights: solveNormal(a, b, n, m) };
}

/** Bicubic plus the fitted residual, [low·factor]²·3 in [−1, 1]. */
export function linearUpsample(f: LinearUpsampler, lo: Float32Array, low: number): Float32Array {
  const { factor, radius, weights } = f;
  const n = inputs(radius), m = factor * factor * 3, size = low * factor;
  const out = bicubicUpsample(lo, low, factor);
  const x = new Float64Array(n), cell = new Int32Array(m);
  for (let cy = 0; cy < low; cy++)
    for (let cx = 0; cx < low; cx++) {
      features(lo, low, cx, cy, radius, x);
      cellPixels(cx, cy, factor, size, cell);
      for (let o = 0; o < m; o++) {
        let r = 0;
        for (let i = 0; i < n; i++) r += x[i] * weights[i * m + o];
        out[cell[o]] = Math.min(1, Math.max(-1, out[cell[o]] + r));
      }
    }
  return out;
}

/** Whole training scenes of the model with root seed `root` (never the held-out ones), kinds in turn. */
export function trainingPairs(root: number, count: number, size: number, factor: number): { truth: Float32Array; low: Float32Array }[] {
  return Array.from({ length: count }, (_, i) => {
    const seed = sceneSeed(root, 'train', i);
    const truth = renderScene(sampleScene(seed, SCENE_KINDS[kindOf(seed)]), size);
    return { truth, low: downsampleArea(truth, size, factor) };
  });
}
