// Bicubic upsampling by a whole factor, the baseline a super-resolution model has to beat. The kernel is
// Keys' cubic convolution (R. Keys, "Cubic convolution interpolation for digital image processing",
// IEEE Trans. ASSP 29(6), 1981, Eq. 15) with a = −0.5, the value for which the interpolant matches
// the Taylor series of the signal to third order (Keys §III), so it reproduces constants, ramps and
// quadratics exactly away from the border. Pixels are area samples with centres at (i + ½)/size, as
// in src/lib/data; samples past the border repeat the edge pixel.

/** Keys' kernel W(s) with parameter a (Keys 1981, Eq. 15); zero for |s| ≥ 2. */
export function keysKernel(s: number, a = -0.5): number {
  const x = Math.abs(s);
  if (x <= 1) return (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1;
  if (x < 2) return a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a;
  return 0;
}

/**
 * The 4 source offsets and weights of each output phase p ∈ [0, factor): output pixel o = i·factor + p
 * sits at source coordinate (o + ½)/factor − ½ = i + d with d = (p + ½)/factor − ½.
 */
function phaseTaps(factor: number, a: number): { offsets: number[]; weights: number[] }[] {
  return Array.from({ length: factor }, (_, p) => {
    const d = (p + 0.5) / factor - 0.5;
    const base = Math.floor(d);
    const t = d - base;
    const offsets = [base - 1, base, base + 1, base + 2];
    return { offsets, weights: [1 + t, t, 1 - t, 2 - t].map((s) => keysKernel(s, a)) };
  });
}

/** One separable pass along rows (horizontal) or columns: [h, w, 3] → the upsampled axis × factor. */
function pass(img: Float32Array, h: number, w: number, factor: number, horizontal: boolean, a: number): Float32Array {
  const taps = phaseTaps(factor, a);
  const outH = horizontal ? h : h * factor;
  const outW = horizontal ? w * factor : w;
  const n = horizontal ? w : h; // length of the axis being upsampled
  const out = new Float32Array(outH * outW * 3);
  for (let y = 0; y < outH; y++)
    for (let x = 0; x < outW; x++) {
      const o = horizontal ? x : y;
      const i = Math.floor(o / factor);
      const { offsets, weights } = taps[o % factor];
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let k = 0; k < 4; k++) {
          const j = Math.min(n - 1, Math.max(0, i + offsets[k]));
          s += weights[k] * (horizontal ? img[(y * w + j) * 3 + c] : img[(j * w + x) * 3 + c]);
        }
        out[(y * outW + x) * 3 + c] = s;
      }
    }
  return out;
}

/**
 * [size, size, 3] → [size·factor, size·factor, 3] by Keys cubic convolution, separably (rows, then
 * columns). Not clipped: overshoot at edges is the method's own; callers clip to the data range.
 */
export function bicubicUpsample(img: Float32Array, size: number, factor: number, a = -0.5): Float32Array {
  if (!Number.isInteger(size) || size < 1 || img.length !== size * size * 3) throw new RangeError(`a ${size}×${size} RGB image has ${size * size * 3} values, got ${img.length}`);
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`the factor must be a positive integer, got ${factor}`);
  return pass(pass(img, size, size, factor, true, a), size, size * factor, factor, false, a);
}
