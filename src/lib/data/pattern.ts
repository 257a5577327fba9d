// Band-limited fill patterns: each returns the AREA AVERAGE over a pixel of a crisp pattern, so a
// pattern finer than the pixel fades to its mean instead of aliasing (box-filtered procedural
// texture, as in Ebert et al., "Texturing and Modeling", ch. 2 on antialiasing).
import type { Pattern, PatternKind } from './scene';

const CODES: Record<PatternKind, number> = { none: 0, stripes: 1, waves: 2, checker: 3, bricks: 4, dots: 5, scales: 6, rings: 7, rays: 8, windows: 9 };

export interface CompiledPattern {
  code: number;
  freq: number;
  cos: number;
  sin: number;
  ox: number;
  oy: number;
  duty: number;
  warp: number;
  seed: number;
  /** Area mean of the pattern value, what it fades to when finer than a pixel. */
  mean: number;
}

export function compilePattern(p: Pattern): CompiledPattern {
  const code = CODES[p.kind];
  const d = p.duty;
  const means = [0, d, d, 0.5, 1 - (1 - d) * (1 - d / 2), Math.PI * d * d, SCALES_MEAN, d, 0.5, 0.36 * (d + 0.12 * (1 - d))];
  return { code, freq: p.freq, cos: Math.cos(p.angle), sin: Math.sin(p.angle), ox: p.ox, oy: p.oy, duty: d, warp: p.warp, seed: p.seed >>> 0, mean: means[code] };
}

/** ∫₀ˣ of the unit-period pulse that is 1 on [0, d): the primitive the box filter differences. */
function pulseIntegral(x: number, d: number): number {
  const fl = Math.floor(x);
  const fr = x - fl;
  return fl * d + (fr < d ? fr : d);
}

/** Mean over [t − h, t + h] of the unit-period pulse of duty d (exact 1-D box filter). */
export function boxPulse(t: number, d: number, h: number): number {
  if (h < 1e-6) return t - Math.floor(t) < d ? 1 : 0;
  return (pulseIntegral(t + h, d) - pulseIntegral(t - h, d)) / (2 * h);
}

/**
 * How much of a feature's contrast survives averaging over a pixel `x` periods wide: 1 when the
 * period spans 4+ pixels, 0 from one period per pixel on (the fundamental's box response sinc(x)
 * reaches 0 there). Used where the pattern has no closed-form box filter (dots, scales, cells).
 */
export function fade(x: number): number {
  if (x <= 0.25) return 1;
  if (x >= 1) return 0;
  const c = Math.cos((Math.PI / 2) * ((x - 0.25) / 0.75));
  return c * c;
}

/** Integer hash of a cell to [0, 1). */
export function cellHash(i: number, j: number, seed: number): number {
  let h = Math.imul(i | 0, 0x27d4eb2d) ^ Math.imul(j | 0, 0x165667b1) ^ seed;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Pattern value in [0, 1] averaged over a pixel of width `pw` (scene units) centred at (x, y). */
export function patternValue(c: CompiledPattern, x: number, y: number, pw: number): number {
  if (c.code === 0) return 0;
  const f = c.freq;
  const dx = x - c.ox, dy = y - c.oy;
  const u = (dx * c.cos + dy * c.sin) * f;
  const v = (-dx * c.sin + dy * c.cos) * f;
  const w = pw * f; // pixel width in periods
  const h = w / 2;
  const d = c.duty;
  switch (c.code) {
    case 1: // stripes
      return boxPulse(u, d, h);
    case 2: {
      // waves: stripes displaced sideways by a slow sine; the slope widens the footprint.
      const k = 2 * Math.PI * 0.13;
      const t = u + c.warp * Math.sin(k * v);
      const slope = c.warp * k * Math.cos(k * v);
      return boxPulse(t, d, h * Math.sqrt(1 + slope * slope));
    }
    case 3: {
      // checker = XOR of two pulses; the box filter is separable, so the mean of XOR is exact.
      const a = boxPulse(u, 0.5, h), b = boxPulse(v, 0.5, h);
      return a + b - 2 * a * b;
    }
    case 4: {
      // bricks two periods wide; mortar lines of width d (in periods) on both axes.
      const row = Math.floor(v);
      const uu = u * 0.5 + ((row & 1) ? 0.5 : 0);
      const lineV = boxPulse(v + d / 2, d, h);
      const lineU = boxPulse(uu + d / 4, d / 2, h / 2);
      const mortar = lineV + lineU - lineV * lineU;
      // Per-brick tint, faded as bricks shrink below a pixel.
      const tint = (cellHash(Math.floor(uu), row, c.seed) - 0.5) * 0.5 * fade(w);
      return mortar + tint * (1 - mortar);
    }
    case 5: {
      // dots on a hexagonal lattice, radius d periods; coverage by distance / pixel width.
      const row = Math.floor(v);
      const uu = u + ((row & 1) ? 0.5 : 0);
      const fx = uu - Math.floor(uu) - 0.5, fy = v - row - 0.5;
      const sd = Math.sqrt(fx * fx + fy * fy) - d;
      const cov = clamp01(0.5 - sd / Math.max(w, 1e-9));
      return c.mean + (cov - c.mean) * fade(w);
    }
    case 6: {
      // scales: overlapping discs hanging from each row; the front scale (lower row) wins.
      const val = scalesValue(u, v, w);
      return c.mean + (val - c.mean) * fade(w);
    }
    case 7: {
      // rings around the origin: a radial pulse; the pixel spans w periods of radius.
      const r = Math.sqrt(dx * dx + dy * dy) * f;
      return boxPulse(r, d, h);
    }
    case 8: {
      // rays: an angular pulse; near the centre a pixel spans many rays and the mean takes over.
      const n = Math.max(3, Math.round(c.warp));
      const r = Math.sqrt(dx * dx + dy * dy);
      const t = ((Math.atan2(dy, dx) / (2 * Math.PI)) + 1) * n;
      const hw = (pw * n) / (4 * Math.PI * Math.max(r, 1e-9));
      return boxPulse(t, 0.5, hw);
    }
    case 9: {
      // windows: a lit fraction d of cells; each window is 60 % of its cell on both axes.
      const inside = boxPulse(u + 0.3, 0.6, h) * boxPulse(v + 0.3, 0.6, h);
      const lit = cellHash(Math.floor(u + 0.5), Math.floor(v + 0.5), c.seed) < d ? 1 : 0.12;
      const val = inside * lit;
      return c.mean + (val - c.mean) * fade(w);
    }
  }
  return 0;
}

/** The scales pattern's mean, measured once on a fine grid over one period of rows and columns. */
const SCALES_MEAN = (() => {
  let sum = 0;
  const n = 128;
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) sum += scalesValue(((i + 0.5) / n) * 2, ((j + 0.5) / n) * 2, 0);
  return sum / (n * n);
})();

function scalesValue(u: number, v: number, w: number): number {
  const R = 0.72;
  const row = Math.floor(v);
  const front = scaleDistance(u, v, row);
  const back = scaleDistance(u, v, row - 1);
  const pf = (front / R) * (front / R), pb = Math.min(1, (back / R) * (back / R));
  const cov = clamp01(0.5 - (front - R) / Math.max(w, 1e-9));
  return cov * pf + (1 - cov) * pb;
}

function scaleDistance(u: number, v: number, row: number): number {
  const uu = u + ((row & 1) ? 0.5 : 0);
  const fx = uu - Math.floor(uu) - 0.5, fy = v - row;
  return Math.sqrt(fx * fx + fy * fy);
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
