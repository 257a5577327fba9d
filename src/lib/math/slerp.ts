// Blends of two Gaussian noise vectors (lesson 5's walk between seeds): spherical linear interpolation
// (Shoemake 1985, the quaternion slerp applied to any vectors; used on generative models' latents by White 2016, and
// on DDIM's starting noise by Song et al. 2021 §5.3) and the plain linear blend it is compared with.
// Arithmetic in float64; inputs and outputs are Float32Arrays of the same length.

export type Blend = 'slerp' | 'lerp';
export const BLENDS: readonly Blend[] = ['slerp', 'lerp'];

function check(a: Float32Array, b: Float32Array, u: number): void {
  if (a.length !== b.length) throw new RangeError(`the two vectors differ in length: ${a.length} vs ${b.length}`);
  if (!Number.isFinite(u)) throw new RangeError(`u must be a finite number, got ${u}`);
}

/** (1 − u)·a + u·b. Its length shrinks in between: two independent N(0, I) draws average to ≈ 0.71 of their length at u = ½. */
export function lerp(a: Float32Array, b: Float32Array, u: number): Float32Array {
  check(a, b, u);
  if (u === 0) return a.slice();
  if (u === 1) return b.slice();
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (1 - u) * a[i] + u * b[i];
  return out;
}

/** The angle θ between a and b, in radians (0 when either is zero). */
export function angleBetween(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  if (aa === 0 || bb === 0) return 0;
  return Math.acos(Math.min(1, Math.max(-1, ab / Math.sqrt(aa * bb))));
}

/**
 * slerp(a, b; u) = sin((1 − u)θ)/sin θ · a + sin(uθ)/sin θ · b, with cos θ = a·b / (‖a‖‖b‖): moves along the
 * arc between the two, so a blend of two vectors of equal length keeps that length (for Gaussian noise, the
 * ≈ √d the model was trained to start from). u = 0 and u = 1 return copies of a and b bit for bit; nearly
 * parallel vectors (sin θ below 1e-6) fall back to the linear blend, which is then the same arc.
 */
export function slerp(a: Float32Array, b: Float32Array, u: number): Float32Array {
  check(a, b, u);
  if (u === 0) return a.slice();
  if (u === 1) return b.slice();
  const theta = angleBetween(a, b);
  const s = Math.sin(theta);
  if (s < 1e-6) return lerp(a, b, u);
  const wa = Math.sin((1 - u) * theta) / s;
  const wb = Math.sin(u * theta) / s;
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = wa * a[i] + wb * b[i];
  return out;
}

/** The blend by name. */
export function blend(kind: Blend, a: Float32Array, b: Float32Array, u: number): Float32Array {
  return kind === 'slerp' ? slerp(a, b, u) : lerp(a, b, u);
}

/** Euclidean length ‖v‖ (float64 sum). */
export function norm(v: Float32Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}
