// The latent's c channels drawn as 64×64 maps (lessons 4 and 5): one channel of an HWC
// latent pulled out as a plane, and painted on a diverging scale centred on zero, so the sign of a
// value reads as a colour (blue below 0, orange above) and its size as the strength of that colour.

/** Channel k of an HWC latent [side, side, c] as a row-major plane [side·side]. */
export function channelPlane(latent: Float32Array, c: number, k: number): Float32Array {
  if (!(Number.isInteger(k) && k >= 0 && k < c) || latent.length % c !== 0) throw new RangeError(`no channel ${k} in a latent of ${c} channels`);
  const out = new Float32Array(latent.length / c);
  for (let p = 0, i = k; p < out.length; p++, i += c) out[p] = latent[i];
  return out;
}

/** The largest |value| of a plane (the scale its map is painted on); a floor keeps a zero plane drawable. */
export function planeScale(plane: Float32Array, floor = 1e-6): number {
  let top = floor;
  for (const v of plane) if (Math.abs(v) > top) top = Math.abs(v);
  return top;
}

// The ramp's two ends, sRGB: a blue for negative, an orange for positive, near-white at 0.
const NEG = [33, 102, 172];
const POS = [214, 96, 36];
const MID = [247, 247, 247];

/** Paints a plane into RGBA bytes on [−top, top]. */
export function paintPlane(plane: Float32Array, top: number, out: Uint8ClampedArray): Uint8ClampedArray {
  if (out.length !== plane.length * 4) throw new RangeError(`out holds ${out.length / 4} pixels, the plane has ${plane.length}`);
  if (!(top > 0)) throw new RangeError(`the scale top must be > 0, got ${top}`);
  for (let p = 0, o = 0; p < plane.length; p++, o += 4) {
    const u = Math.max(-1, Math.min(1, plane[p] / top));
    const end = u < 0 ? NEG : POS;
    const a = Math.abs(u);
    out[o] = MID[0] + (end[0] - MID[0]) * a;
    out[o + 1] = MID[1] + (end[1] - MID[1]) * a;
    out[o + 2] = MID[2] + (end[2] - MID[2]) * a;
    out[o + 3] = 255;
  }
  return out;
}
