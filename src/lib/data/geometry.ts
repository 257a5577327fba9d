// Signed distances of the world's shapes (negative inside), after Inigo Quilez's 2-D distance
// functions (iquilezles.org/articles/distfunctions2d). The renderer turns them into pixel coverage.
import type { Geometry } from './scene';

// Numeric codes (not an enum) so the per-pixel switch compares small integers.
export const ShapeCode = { Circle: 0, Ellipse: 1, Box: 2, Polygon: 3, Star: 4, Blob: 5, Terrain: 6 } as const;
export type ShapeCode = (typeof ShapeCode)[keyof typeof ShapeCode];

/** A geometry with its trigonometry done once, so the per-pixel distance does no setup. */
export interface CompiledShape {
  code: ShapeCode;
  cx: number;
  cy: number;
  cos: number;
  sin: number;
  /** Shape-specific numbers (radii, half-sizes, harmonics…). */
  p: Float64Array;
  /** Bounding box in scene units, already grown by nothing (the renderer adds a pixel). */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Thinnest feature, in scene units: below ~2 pixels the renderer supersamples coverage. */
  feature: number;
}

export function compileShape(g: Geometry): CompiledShape {
  switch (g.type) {
    case 'circle':
      return make(ShapeCode.Circle, g.cx, g.cy, 0, Float64Array.of(g.r), g.r, g.r);
    case 'ellipse':
      return make(ShapeCode.Ellipse, g.cx, g.cy, g.angle, Float64Array.of(g.rx, g.ry), Math.max(g.rx, g.ry), Math.min(g.rx, g.ry));
    case 'box':
      return make(ShapeCode.Box, g.cx, g.cy, g.angle, Float64Array.of(g.hw, g.hh, g.round), Math.hypot(g.hw, g.hh), Math.min(g.hw, g.hh));
    case 'polygon': {
      const an = Math.PI / g.sides;
      return make(ShapeCode.Polygon, g.cx, g.cy, g.angle, Float64Array.of(an, g.r * Math.cos(an), g.r * Math.sin(an)), g.r, g.r * Math.cos(an));
    }
    case 'star': {
      const an = Math.PI / g.points;
      // Narrowest part is a spike: its half-width at mid-length is about inner·sin(an)/2.
      const p = Float64Array.of(an, g.r, g.inner * Math.cos(an), g.inner * Math.sin(an));
      return make(ShapeCode.Star, g.cx, g.cy, g.angle, p, g.r, Math.max(g.inner * Math.sin(an) * 0.5, 1e-4));
    }
    case 'blob': {
      const p = new Float64Array(1 + g.harmonics.length * 4);
      p[0] = g.r;
      let sum = 0;
      [...g.harmonics].sort((a, b) => a[0] - b[0]).forEach(([k, amp, phase], i) => {
        p[1 + 4 * i] = k;
        p[2 + 4 * i] = amp * Math.cos(phase);
        p[3 + 4 * i] = amp * Math.sin(phase);
        p[4 + 4 * i] = amp;
        sum += Math.abs(amp);
      });
      return make(ShapeCode.Blob, g.cx, g.cy, 0, p, g.r * (1 + sum), g.r * Math.max(0.2, 1 - sum));
    }
    case 'terrain': {
      const p = new Float64Array(2 + g.waves.length * 3);
      p[0] = g.base;
      p[1] = g.ridge ? 1 : 0;
      let sum = 0;
      g.waves.forEach(([f, a, ph], i) => {
        p[2 + 3 * i] = f;
        p[3 + 3 * i] = a;
        p[4 + 3 * i] = ph;
        sum += Math.abs(a);
      });
      const s = make(ShapeCode.Terrain, 0.5, 0.5, 0, p, 0.5, 1);
      s.y0 = g.base - sum;
      s.y1 = 1.01;
      return s;
    }
  }
}

/** One object literal for every shape, so the per-pixel code sees a single hidden class. */
function make(code: ShapeCode, cx: number, cy: number, angle: number, p: Float64Array, radius: number, feature: number): CompiledShape {
  return { code, cx, cy, cos: Math.cos(angle), sin: Math.sin(angle), p, x0: cx - radius, y0: cy - radius, x1: cx + radius, y1: cy + radius, feature };
}

/**
 * Terrain height and 1/√(1 + h'²) at x (the factor turns the vertical gap into a distance).
 * Writes [h, norm] into `out`.
 */
export function terrainAt(s: CompiledShape, x: number, out: Float64Array): void {
  const p = s.p;
  let h = p[0];
  let dh = 0;
  const ridge = p[1] === 1;
  for (let i = 2; i < p.length; i += 3) {
    const f = p[i], a = p[i + 1], ph = p[i + 2];
    if (ridge) {
      const arg = Math.PI * f * x + ph;
      const sn = Math.sin(arg);
      h -= a * (1 - Math.abs(sn));
      dh += a * Math.sign(sn) * Math.cos(arg) * Math.PI * f;
    } else {
      const arg = 2 * Math.PI * f * x + ph;
      h += a * Math.sin(arg);
      dh += a * Math.cos(arg) * 2 * Math.PI * f;
    }
  }
  out[0] = h;
  out[1] = 1 / Math.sqrt(1 + dh * dh);
}

/** Signed distance at (x, y); terrain needs its column values and is handled by terrainAt. */
export function signedDistance(s: CompiledShape, x: number, y: number): number {
  const dx = x - s.cx, dy = y - s.cy;
  // Rotate into the shape's frame.
  const u = dx * s.cos + dy * s.sin;
  const v = -dx * s.sin + dy * s.cos;
  const p = s.p;
  switch (s.code) {
    case ShapeCode.Circle:
      return Math.sqrt(u * u + v * v) - p[0];
    case ShapeCode.Ellipse: {
      // iq's cheap ellipse bound: k0·(k0 − 1)/k1, exact on the curve and good within a pixel of it.
      const rx = p[0], ry = p[1];
      const ax = u / rx, ay = v / ry;
      const k0 = Math.sqrt(ax * ax + ay * ay);
      const bx = u / (rx * rx), by = v / (ry * ry);
      const k1 = Math.sqrt(bx * bx + by * by);
      return k1 > 1e-12 ? (k0 * (k0 - 1)) / k1 : -Math.min(rx, ry);
    }
    case ShapeCode.Box: {
      const r = p[2];
      const qx = Math.abs(u) - p[0] + r, qy = Math.abs(v) - p[1] + r;
      const ox = qx > 0 ? qx : 0, oy = qy > 0 ? qy : 0;
      return Math.sqrt(ox * ox + oy * oy) + Math.min(Math.max(qx, qy), 0) - r;
    }
    case ShapeCode.Polygon: {
      // Fold the angle into one edge's sector, then measure to that edge segment.
      const an = p[0], ap = p[1], he = p[2];
      const len = Math.sqrt(u * u + v * v);
      const a = Math.atan2(v, u);
      const b = a - 2 * an * Math.floor((a + an) / (2 * an));
      const qx = len * Math.cos(b), qy = Math.abs(len * Math.sin(b));
      const ddx = qx - ap;
      return qy <= he ? ddx : Math.sqrt(ddx * ddx + (qy - he) * (qy - he));
    }
    case ShapeCode.Star: {
      const an = p[0], r = p[1], bx = p[2], by = p[3];
      const len = Math.sqrt(u * u + v * v);
      const a = Math.atan2(v, u);
      const b = a - 2 * an * Math.floor((a + an) / (2 * an));
      const qx = len * Math.cos(b), qy = Math.abs(len * Math.sin(b));
      // Segment from the tip (r, 0) to the inner vertex (bx, by); inside is the origin's side.
      const ex = bx - r, ey = by;
      const wx = qx - r, wy = qy;
      let t = (wx * ex + wy * ey) / (ex * ex + ey * ey);
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ddx = wx - ex * t, ddy = wy - ey * t;
      const d = Math.sqrt(ddx * ddx + ddy * ddy);
      return ex * wy - ey * wx > 0 ? -d : d;
    }
    case ShapeCode.Blob: {
      // cos(kθ), sin(kθ) by the angle-addition recurrence: no atan2 per pixel.
      const len = Math.sqrt(u * u + v * v);
      if (len < 1e-12) return -p[0];
      const c1 = u / len, s1 = v / len;
      let ck = c1, sk = s1, kPrev = 1;
      let rr = 1, drr = 0;
      for (let i = 1; i < p.length; i += 4) {
        const k = p[i];
        while (kPrev < k) {
          const c = ck * c1 - sk * s1;
          sk = sk * c1 + ck * s1;
          ck = c;
          kPrev++;
        }
        // amp·cos(kθ + φ) = ac·cos kθ − as·sin kθ
        rr += p[i + 1] * ck - p[i + 2] * sk;
        drr -= k * (p[i + 1] * sk + p[i + 2] * ck);
      }
      const R = p[0] * rr, dR = p[0] * drr;
      return (len - R) / Math.sqrt(1 + (dR * dR) / (len * len + 1e-12));
    }
    case ShapeCode.Terrain:
      throw new Error('terrain distance needs its column table (terrainAt)');
  }
}
