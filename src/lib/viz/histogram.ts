// Histogram binning as a density (area 1), so a pixel histogram can sit on the same axes as the
// N(0, 1) pdf it converges to under the forward process.

export interface Histogram {
  /** Left edge of the first bin. */
  lo: number;
  /** Right edge of the last bin. */
  hi: number;
  /** Bin width, (hi − lo) / bins. */
  width: number;
  /** Values per bin; values outside [lo, hi] are not counted. */
  counts: Uint32Array;
  /** counts / (n · width): comparable to a pdf. n counts every value, so out-of-range mass is missing area. */
  density: Float64Array;
  /** How many values were binned in all (including those out of range). */
  n: number;
}

/**
 * Bins `values` into `bins` equal bins on [lo, hi] (the last bin includes hi). With `stride` > 1 only
 * every stride-th value is read: a 1024² image has 3.1 M values and a few hundred thousand draw the same shape.
 */
export function histogram(values: ArrayLike<number>, lo: number, hi: number, bins: number, stride = 1): Histogram {
  if (!(hi > lo)) throw new RangeError(`need lo < hi, got [${lo}, ${hi}]`);
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
  if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`stride must be a positive integer, got ${stride}`);
  const counts = new Uint32Array(bins);
  const width = (hi - lo) / bins;
  const scale = bins / (hi - lo);
  let n = 0;
  for (let i = 0; i < values.length; i += stride) {
    const v = values[i];
    n++;
    if (v < lo || v > hi || Number.isNaN(v)) continue;
    const b = Math.min(bins - 1, Math.floor((v - lo) * scale));
    counts[b]++;
  }
  const density = new Float64Array(bins);
  if (n > 0) for (let b = 0; b < bins; b++) density[b] = counts[b] / (n * width);
  return { lo, hi, width, counts, density, n };
}

/** Mean and (population) standard deviation of `values`, reading every stride-th value. */
export function moments(values: ArrayLike<number>, stride = 1): { mean: number; sd: number } {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < values.length; i += stride) {
    sum += values[i];
    sumSq += values[i] * values[i];
    n++;
  }
  if (n === 0) return { mean: NaN, sd: NaN };
  const mean = sum / n;
  return { mean, sd: Math.sqrt(Math.max(0, sumSq / n - mean * mean)) };
}
