// Seeded pseudo-random numbers: one generator for the world, the noise and the samplers, so the same
// seed gives the same scene and the same noise on every backend. sfc32 (Chris Doty-Humphrey's
// "small fast counting" generator, PractRand-clean) seeded through splitmix32.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal, Box–Muller (both outputs used). */
  normal(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Uniform in [a, b). */
  range(a: number, b: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A generator from a 32-bit seed (any finite number; it is truncated to 32 bits). */
export function makeRng(seed: number): Rng {
  const init = splitmix32(Math.trunc(seed) >>> 0);
  let a = init(), b = init(), c = init(), d = init();
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32(); // discard the warm-up outputs
  let spare: number | null = null;
  const next = (): number => u32() / 4294967296;
  return {
    next,
    normal() {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = next();
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    int: (n) => Math.floor(next() * n),
    range: (lo, hi) => lo + (hi - lo) * next(),
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}

/** Fills `out` with standard normal draws from `rng`; returns `out`. */
export function fillNormal(out: Float32Array, rng: Rng): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}

/** Derives an independent seed from a seed and a stream label (for noise vs scene vs sampler). */
export function deriveSeed(seed: number, stream: number): number {
  return splitmix32((Math.trunc(seed) ^ Math.imul(stream + 1, 0x27d4eb2d)) >>> 0)();
}
