// Fits the latent preview map (src/lib/pipelines/latent-preview.ts) by ordinary least squares: for every
// cell of every training latent, RGB of its area-downsampled patch ≈ W·z + b. The normal equations are
// (c+1)×(c+1), solved by Gaussian elimination with partial pivoting in float64.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { mse } from '../../src/lib/data';
import { applyPreview, type PreviewMap } from '../../src/lib/pipelines/latent-preview';
import { readSplit, type LatentSetMeta } from './latent-set';

export interface FittedPreview extends PreviewMap {
  /** Mean squared error of the (clipped) preview against the 64² render on the held-out latents. */
  heldOutMse: number;
  note: string;
}

/** Solves A·x = B for x, A [n, n], B [n, m] (row-major arrays of rows); throws on a singular A. */
export function solve(A: number[][], B: number[][]): number[][] {
  const n = A.length;
  const M = A.map((row, i) => [...row, ...B[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(M[r][col]) > Math.abs(M[pivot][col])) pivot = r;
    if (Math.abs(M[pivot][col]) < 1e-12) throw new Error('least squares: the latent channels are linearly dependent');
    [M[col], M[pivot]] = [M[pivot], M[col]];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = M[r][col] / M[col][col];
      for (let k = col; k < M[r].length; k++) M[r][k] -= f * M[col][k];
    }
  }
  return M.map((row, i) => row.slice(n).map((v) => v / M[i][i]));
}

/** latents [n·side²·c] (HWC), rgb [n·side²·3] of the same cells → the map minimising the summed squared error. */
export function fitPreviewMap(latents: Float32Array, rgb: Float32Array, c: number): PreviewMap {
  const cells = latents.length / c;
  if (!Number.isInteger(cells) || rgb.length !== cells * 3) throw new RangeError(`${latents.length} latent values and ${rgb.length} colours do not describe the same cells`);
  const d = c + 1; // the constant 1 gives the bias
  const XtX = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const XtY = Array.from({ length: d }, () => new Array<number>(3).fill(0));
  const x = new Float64Array(d);
  for (let i = 0; i < cells; i++) {
    for (let j = 0; j < c; j++) x[j] = latents[i * c + j];
    x[c] = 1;
    for (let a = 0; a < d; a++) {
      for (let b = a; b < d; b++) XtX[a][b] += x[a] * x[b];
      for (let k = 0; k < 3; k++) XtY[a][k] += x[a] * rgb[i * 3 + k];
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) XtX[a][b] = XtX[b][a];
  const W = solve(XtX, XtY); // [c+1, 3]
  return { weights: W.slice(0, c), bias: W[c] };
}

/** Fits the map on a built set's training latents, scores it on its held-out ones, writes preview.json. */
export function writePreview(dir: string, meta: LatentSetMeta): FittedPreview {
  const train = readSplit(dir, 'train', meta.counts.train, meta.side, meta.channels);
  const map = fitPreviewMap(train.latents, train.lows, meta.channels);
  const held = readSplit(dir, 'heldout', meta.counts.heldout, meta.side, meta.channels);
  const out: FittedPreview = { ...map, heldOutMse: mse(applyPreview(held.latents, map), held.lows), note: 'least squares from unscaled latent cells to the 64² area-downsampled render' };
  writeFileSync(join(dir, 'preview.json'), JSON.stringify(out, null, 1) + '\n');
  return out;
}

/** A set's preview.json (written by `npm run latents`). */
export function readPreview(dir: string): FittedPreview {
  const path = join(dir, 'preview.json');
  if (!existsSync(path)) throw new Error(`${path} does not exist: npm run latents writes it after the set`);
  return JSON.parse(readFileSync(path, 'utf8')) as FittedPreview;
}
