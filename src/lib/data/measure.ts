// Measuring images across resolutions: area (box) downsampling, nearest upsampling, PSNR with the
// peak-to-peak range 2 of [-1, 1] data, and the energy of the detail a downsample throws away.
// All images are [size, size, 3] HWC row-major Float32Arrays.

/** Mean of each factor×factor block: [size, size, 3] → [size/factor, size/factor, 3]. */
export function downsampleArea(img: Float32Array, size: number, factor: number): Float32Array {
  if (!Number.isInteger(factor) || factor < 1 || size % factor !== 0) throw new Error(`factor ${factor} must divide size ${size}`);
  if (img.length !== size * size * 3) throw new Error(`expected ${size * size * 3} values, got ${img.length}`);
  const out = size / factor;
  const res = new Float64Array(out * out * 3);
  for (let j = 0; j < size; j++) {
    const rowOut = Math.floor(j / factor) * out;
    let o = j * size * 3;
    for (let i = 0; i < size; i++, o += 3) {
      const q = (rowOut + Math.floor(i / factor)) * 3;
      res[q] += img[o];
      res[q + 1] += img[o + 1];
      res[q + 2] += img[o + 2];
    }
  }
  const inv = 1 / (factor * factor);
  const result = new Float32Array(out * out * 3);
  for (let k = 0; k < result.length; k++) result[k] = res[k] * inv;
  return result;
}

/** Each pixel repeated factor×factor times: [size, size, 3] → [size·factor, size·factor, 3]. */
export function upsampleNearest(img: Float32Array, size: number, factor: number): Float32Array {
  const big = size * factor;
  const out = new Float32Array(big * big * 3);
  for (let j = 0; j < big; j++) {
    const src = Math.floor(j / factor) * size;
    let o = j * big * 3;
    for (let i = 0; i < big; i++, o += 3) {
      const q = (src + Math.floor(i / factor)) * 3;
      out[o] = img[q];
      out[o + 1] = img[q + 1];
      out[o + 2] = img[q + 2];
    }
  }
  return out;
}

/** Mean squared difference. */
export function mse(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let s = 0;
  for (let k = 0; k < a.length; k++) {
    const d = a[k] - b[k];
    s += d * d;
  }
  return s / a.length;
}

/** PSNR in dB for [-1, 1] data: 10·log10(2² / MSE); Infinity for identical images. */
export function psnr(a: Float32Array, b: Float32Array): number {
  const e = mse(a, b);
  return e === 0 ? Infinity : 10 * Math.log10(4 / e);
}

/**
 * Mean squared energy of the detail finer than `factor` pixels: img − nearest-upsample(area-downsample).
 * A 1024² render with factor 4 measures what only the 1024² level holds.
 */
export function detailEnergy(img: Float32Array, size: number, factor: number): number {
  return mse(img, upsampleNearest(downsampleArea(img, size, factor), size / factor, factor));
}
