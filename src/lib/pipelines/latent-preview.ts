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

/** [side, side, c] latent (HWC) → [side, side, 3] RGB in [−1, 1] (clipped), one cell at a time. */
export function applyPreview(z: Float32Array, map: PreviewMap): Float32Array {
  const c = map.weights.length;
  if (z.length % c !== 0) throw new RangeError(`a latent of ${c} channels cannot hold ${z.length} values`);
  const cells = z.length / c;
  const out = new Float32Array(cells * 3);
  for (let i = 0; i < cells; i++)
    for (let k = 0; k < 3; k++) {
      let v = map.bias[k];
      for (let j = 0; j < c; j++) v += z[i * c + j] * map.weights[j][k];
      out[i * 3 + k] = v < -1 ? -1 : v > 1 ? 1 : v;
    }
  return out;
}
