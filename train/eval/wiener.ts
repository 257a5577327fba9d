// The best per-pixel linear denoiser from data statistics: the diagonal-covariance Wiener filter.
// With x_t = √ᾱ·x₀ + √(1−ᾱ)·ε and each pixel/channel d of x₀ treated as independent with mean μ_d and
// variance Σ_d, the linear MMSE estimate is x̂₀ = μ + √ᾱ·Σ/(ᾱ·Σ + 1−ᾱ)·(x_t − √ᾱ·μ) (Wiener 1949; Kay,
// "Fundamentals of Statistical Signal Processing: Estimation", Thm 12.1 with a diagonal covariance),
// and its expected squared error per dimension is Σ·(1−ᾱ)/(ᾱ·Σ + 1−ᾱ). A denoiser that beats it uses
// more than per-pixel brightness statistics: correlations between pixels, edges, the scene's layout.

export interface PixelStats {
  /** μ per pixel and channel, [H·W·C]. */
  mean: Float64Array;
  /** Σ per pixel and channel (biased, divides by N), [H·W·C]. */
  variance: Float64Array;
  /** Images the statistics came from. */
  count: number;
}

/** Per-dimension mean and variance of `count` images of `dims` values each, read one at a time. */
export function pixelStats(dims: number, count: number, image: (i: number) => Float32Array): PixelStats {
  // Welford's update: one pass, no catastrophic cancellation of E[x²] − E[x]².
  const mean = new Float64Array(dims);
  const m2 = new Float64Array(dims);
  for (let i = 0; i < count; i++) {
    const x = image(i);
    if (x.length !== dims) throw new Error(`pixelStats: image ${i} has ${x.length} values, expected ${dims}`);
    for (let d = 0; d < dims; d++) {
      const delta = x[d] - mean[d];
      mean[d] += delta / (i + 1);
      m2[d] += delta * (x[d] - mean[d]);
    }
  }
  return { mean, variance: m2.map((v) => v / count), count };
}

/** The Wiener gain √ᾱ·Σ/(ᾱ·Σ + 1−ᾱ) of one dimension. */
function gain(variance: number, alphaBar: number): number {
  const denom = alphaBar * variance + (1 - alphaBar);
  return denom > 0 ? (Math.sqrt(alphaBar) * variance) / denom : 0;
}

/** x̂₀ of one noisy image (or a batch of images laid end to end) under the diagonal Wiener filter. */
export function wienerDenoise(stats: PixelStats, xt: Float32Array, alphaBar: number): Float32Array {
  const dims = stats.mean.length;
  if (xt.length % dims !== 0) throw new Error(`wienerDenoise: ${xt.length} values are not whole images of ${dims}`);
  const a = Math.sqrt(alphaBar);
  const g = stats.variance.map((v) => gain(v, alphaBar));
  const out = new Float32Array(xt.length);
  for (let k = 0; k < xt.length; k++) {
    const d = k % dims;
    out[k] = stats.mean[d] + g[d] * (xt[k] - a * stats.mean[d]);
  }
  return out;
}

/**
 * The expected MSE of the Wiener estimate, averaged over dimensions, when x₀ really has the
 * statistics `stats`: mean_d Σ_d·(1−ᾱ)/(ᾱ·Σ_d + 1−ᾱ). At ᾱ = 1 it is 0; at ᾱ = 0 it is mean_d Σ_d.
 */
export function wienerMseClosedForm(stats: PixelStats, alphaBar: number): number {
  let s = 0;
  for (const v of stats.variance) {
    const denom = alphaBar * v + (1 - alphaBar);
    s += denom > 0 ? (v * (1 - alphaBar)) / denom : 0;
  }
  return s / stats.variance.length;
}
