// IEEE 754 binary16 ("half") ↔ binary32 conversion, bit-exact: round-to-nearest-even, subnormals,
// ±0, ±Inf, NaN. The weight files store float16 to halve their download size.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float16 bit pattern nearest to v (ties to even). |v| ≥ 65520 → ±Inf; |v| ≤ 2^-25 → ±0. */
export function f32ToF16Bits(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return mant ? sign | 0x7e00 | (mant >>> 13) : sign | 0x7c00; // NaN stays NaN (quiet), Inf stays Inf
  const e = exp - 127 + 15; // rebiased exponent
  if (e >= 0x1f) return sign | 0x7c00; // too large for any finite half
  if (e <= 0) {
    // Subnormal half: value = m · 2^-24 with m = (1.mant · 2^23) >> (14 − e). Below shift 24 all bits are lost.
    if (e < -10) return sign;
    const full = mant | 0x800000;
    const shift = 14 - e;
    let m = full >>> shift;
    const rem = full & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (m & 1))) m++; // m may reach 0x400: the smallest normal, still right
    return sign | m;
  }
  let h = sign | (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h++; // a carry rolls into the exponent (up to Inf), as it should
  return h;
}

/** The value of a float16 bit pattern (exactly representable in float32). */
export function f16BitsToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  u32[0] = ((h & 0x8000) << 16) | ((exp - 15 + 127) << 23) | (mant << 13);
  return f32[0];
}

/** Writes `src` as little-endian float16 into `out` at byte `offset`. */
export function writeFloat16(src: Float32Array, out: DataView, offset: number): void {
  for (let i = 0; i < src.length; i++) out.setUint16(offset + 2 * i, f32ToF16Bits(src[i]), true);
}

let table: Float32Array | null = null;

/** Reads `n` little-endian float16 values from byte `offset` (through a 64 Ki-entry lookup table). */
export function readFloat16(bytes: DataView, offset: number, n: number): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = f16BitsToF32(h);
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = table[bytes.getUint16(offset + 2 * i, true)];
  return out;
}
