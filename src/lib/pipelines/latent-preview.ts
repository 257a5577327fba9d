// The latent's colour preview: one linear map from the c channels of a latent cell to the RGB of its
// 16×16 patch, so every denoising step can be shown at 64² without running the decoder (Stable
// Diffusion's latent previews work this way; ../shared/latent-notes.md §3.2). Fitted by least squares on
// training latents (train/latent/preview-fit.ts) and shipped in the latent model's manifest.

export interface PreviewMap {
  /** weights[j][k]: latent channel j's contribution to colour k (R, G, B). */
  weights: number[][];
  /** Added to every cell's colour. */
  bias: number[];
}

/** [side, side, c] latent (HWC) → [side, side, 3] RGB, clipped to [−1, 1] unless `clip` is false, one cell at a time. */
export function applyPreview(z: Float32Array, map: PreviewMap, clip = true): Float32Array {
  const c = map.weights.length;
  if (z.length % c !== 0) throw new RangeError(`a latent of ${c} channels cannot hold ${z.length} values`);
  const cells = z.length / c;
  const out = new Float32Array(cells * 3);
  for (let i = 0; i < cells; i++)
    for (let k = 0; k < 3; k++) {
      let v = map.bias[k];
      for (let j = 0; j < c; j++) v += z[i * c + j] * map.weights[j][k];
      out[i * 3 + k] = !clip ? v : v < -1 ? -1 : v > 1 ? 1 : v;
    }
  return out;
}

/**
 * The least-norm inverse of the map's weights, [3][c]: a colour change Δrgb of a cell becomes the smallest
 * latent change Δz with Δz·W = Δrgb, Δz = Δrgb·(WᵀW)⁻¹Wᵀ (the Moore–Penrose pseudo-inverse of a full-column-
 * rank W). Lesson 5 lifts a defect painted on the preview into the latent this way.
 */
export function previewPseudoInverse(map: PreviewMap): number[][] {
  const W = map.weights;
  const c = W.length;
  const A = [0, 1, 2].map((r) => [0, 1, 2].map((k) => W.reduce((s, row) => s + row[r] * row[k], 0))); // WᵀW, 3×3
  const [[a, b, d], [e, f, g], [h, i, j]] = A;
  const det = a * (f * j - g * i) - b * (e * j - g * h) + d * (e * i - f * h);
  if (Math.abs(det) < 1e-12) throw new RangeError('the preview map does not reach every colour (WᵀW is singular)');
  const inv = [
    [f * j - g * i, d * i - b * j, b * g - d * f],
    [g * h - e * j, a * j - d * h, d * e - a * g],
    [e * i - f * h, b * h - a * i, a * f - b * e],
  ].map((row) => row.map((v) => v / det));
  return [0, 1, 2].map((r) => Array.from({ length: c }, (_, jj) => inv[r].reduce((s, v, k) => s + v * W[jj][k], 0)));
}
