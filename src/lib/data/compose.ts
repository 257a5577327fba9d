// Building blocks the scene kinds share: layers with defaults, patterns, skies, splat scattering and
// terrain heights (so trees stand on hills). Pure data construction; nothing here renders.
import type { Rng } from '../math/rng';
import { compileShape, signedDistance, terrainAt, ShapeCode } from './geometry';
import type { Geometry, Layer, Pattern, Rgb, Sky, SplatGroup, Texture } from './scene';

export const NO_TEXTURE: Texture = { mottle: 0, grain: 0, fibre: 0 };

export interface LayerOptions {
  color2?: Rgb;
  shadeY0?: number;
  shadeY1?: number;
  opacity?: number;
  pattern?: Partial<Pattern> & { kind: Pattern['kind'] };
  texture?: Partial<Texture>;
  splats?: SplatGroup[];
}

export function pattern(p: Partial<Pattern> & { kind: Pattern['kind'] }): Pattern {
  return { freq: 20, angle: 0, ox: 0.5, oy: 0.5, duty: 0.5, warp: 0, color: [1, 1, 1], amount: 0.3, seed: 0, ...p };
}

/** A layer; shading spans the shape's bounding box unless given. */
export function layer(geometry: Geometry, color: Rgb, o: LayerOptions = {}): Layer {
  const s = compileShape(geometry);
  return {
    geometry,
    color,
    color2: o.color2 ?? color,
    shadeY0: o.shadeY0 ?? s.y0,
    shadeY1: o.shadeY1 ?? Math.min(1, s.y1),
    opacity: o.opacity ?? 1,
    pattern: pattern(o.pattern ?? { kind: 'none' }),
    texture: { ...NO_TEXTURE, ...o.texture },
    splats: o.splats ?? [],
  };
}

export function sky(top: Rgb, middle: Rgb, horizon: Rgb, horizonY: number, glow: Sky['glow'], texture: Partial<Texture> = {}, splats: SplatGroup[] = []): Sky {
  return { top, middle, horizon, horizonY, glow, texture: { ...NO_TEXTURE, ...texture }, splats };
}

/** Height of a terrain geometry at x (y down: smaller is higher). */
export function terrainHeight(g: Geometry, x: number): number {
  const out = new Float64Array(2);
  terrainAt(compileShape(g), x, out);
  return out[0];
}

/**
 * n points inside `g` (at least `margin` from the edge), uniformly by rejection within its bounding
 * box, optionally restricted to a sub-box; amplitudes uniform in [aLo, aHi). Flat x, y, a triples.
 */
export function scatter(rng: Rng, g: Geometry, n: number, aLo: number, aHi: number, margin = 0, within?: { x0: number; y0: number; x1: number; y1: number }): number[] {
  const s = compileShape(g);
  const x0 = Math.max(s.x0, within?.x0 ?? 0), x1 = Math.min(s.x1, within?.x1 ?? 1);
  const y0 = Math.max(s.y0, within?.y0 ?? 0), y1 = Math.min(s.y1, within?.y1 ?? 1);
  const out: number[] = [];
  const tmp = new Float64Array(2);
  for (let tries = 0; out.length < n * 3 && tries < n * 40; tries++) {
    const x = rng.range(x0, x1), y = rng.range(y0, y1);
    let sd: number;
    if (s.code === ShapeCode.Terrain) {
      terrainAt(s, x, tmp);
      sd = (tmp[0] - y) * tmp[1];
    } else sd = signedDistance(s, x, y);
    if (sd < -margin) out.push(round4(x), round4(y), round4(rng.range(aLo, aHi)));
  }
  return out;
}

export function splats(sigma: number, color: Rgb, points: number[]): SplatGroup {
  return { sigma, color, points };
}

function round4(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}

/** A cloud: a cluster of soft-edged ellipses, lighter on top. */
export function cloud(rng: Rng, cx: number, cy: number, w: number, light: Rgb, dark: Rgb, opacity: number): Layer[] {
  const out: Layer[] = [];
  const n = 3 + rng.int(4);
  for (let k = 0; k < n; k++) {
    const t = n === 1 ? 0.5 : k / (n - 1);
    const x = cx + (t - 0.5) * w + rng.range(-0.02, 0.02);
    const rx = w * rng.range(0.22, 0.38);
    const ry = rx * rng.range(0.45, 0.7);
    const y = cy - ry * 0.4 * Math.sin(Math.PI * t) * rng.range(0.6, 1.4);
    out.push(layer({ type: 'ellipse', cx: x, cy: y, rx, ry, angle: rng.range(-0.1, 0.1) }, light, { color2: dark, opacity, texture: { mottle: 0.025, grain: 0.01 } }));
  }
  return out;
}
