// Painting float images: a [-1, 1] HWC Float32Array (the range DDPM feeds its models, Ho et al. 2020 §4)
// turned into the RGBA bytes a canvas ImageData holds. Noisy images leave [-1, 1]; they are clipped.

/** Bytes per pixel of an ImageData. */
const RGBA = 4;

/**
 * Writes `img` ([h, w, 3] HWC in [-1, 1], row-major) into `out` ([h, w, 4] RGBA bytes); returns `out`.
 * v ↦ round((v + 1)·127.5), clipped to 0..255 by the Uint8ClampedArray itself. Alpha is 255.
 * The loop is the hot path of every slider move at 1024² (3.1 M values): no allocation, no Math calls.
 */
export function floatToRgba(img: Float32Array, out: Uint8ClampedArray): Uint8ClampedArray {
  const pixels = img.length / 3;
  if (!Number.isInteger(pixels)) throw new RangeError(`expected 3 channels, got length ${img.length}`);
  if (out.length !== pixels * RGBA) {
    throw new RangeError(`out holds ${out.length / RGBA} pixels, image has ${pixels}`);
  }
  for (let p = 0, i = 0, o = 0; p < pixels; p++, i += 3, o += RGBA) {
    // Uint8ClampedArray rounds half to even and clamps, which is the conversion we want.
    out[o] = (img[i] + 1) * 127.5;
    out[o + 1] = (img[i + 1] + 1) * 127.5;
    out[o + 2] = (img[i + 2] + 1) * 127.5;
    out[o + 3] = 255;
  }
  return out;
}

/** The side of a square HWC RGB image of `length` floats (throws if it is not square). */
export function sideOf(length: number): number {
  const side = Math.round(Math.sqrt(length / 3));
  if (side * side * 3 !== length) throw new RangeError(`length ${length} is not a square RGB image`);
  return side;
}
