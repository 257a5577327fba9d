// Two more scene kinds: a glazed tile mosaic (every pattern the world has, on a grid) and a coral
// reef (fish, coral, light shafts and bubbles).
import type { Rng } from '../math/rng';
import { layer, pattern, scatter, sky, splats } from './compose';
import { hsl, jitterHsl, mix, shade } from './palette';
import { PATTERN_KINDS, type Layer, type Pattern, type Rgb } from './scene';
import type { SceneBody } from './kinds-land';

export function mosaic(rng: Rng): SceneBody {
  const baseHue = rng.range(0, 360);
  // A scheme of 4 hues: analogous, triadic or complementary around baseHue.
  const offsets = rng.pick([[0, 30, 60, 200], [0, 120, 240, 180], [0, 180, 20, 200], [0, 40, 150, 320]]);
  const colours: Rgb[] = offsets.map((o, k) => jitterHsl(rng, (baseHue + o) % 360, 0.6, 0.35 + 0.12 * (k % 3)));
  colours.push(hsl(40, 0.35, 0.92));
  const grout = hsl(baseHue, 0.1, rng.next() < 0.5 ? 0.88 : 0.16);
  const n = 2 + rng.int(4);
  const gap = 0.012 + rng.next() * 0.012;
  const cell = 1 / n;
  const kinds = PATTERN_KINDS.filter((k) => k !== 'none' && k !== 'windows');
  const layers: Layer[] = [];
  const tilt = rng.next() < 0.3 ? rng.range(-0.04, 0.04) : 0;
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      const cx = (i + 0.5) * cell, cy = (j + 0.5) * cell;
      const c = rng.pick(colours);
      const pc = rng.pick(colours.filter((x) => x !== c));
      const kind = rng.pick(kinds) as Pattern['kind'];
      layers.push(layer({ type: 'box', cx, cy, hw: cell / 2 - gap, hh: cell / 2 - gap, angle: tilt, round: gap * rng.range(0.5, 2) }, mix(c, [1, 1, 1], 0.12), {
        color2: shade(c, 0.85),
        pattern: { kind, freq: rng.range(12, 40) / cell / 4, angle: rng.pick([0, Math.PI / 4, Math.PI / 2, rng.range(0, 3)]), ox: cx, oy: cy, duty: rng.range(0.25, 0.45), warp: kind === 'rays' ? 6 + rng.int(14) : rng.range(0.3, 1), amount: rng.range(0.4, 0.8), color: pc, seed: rng.int(1e6) },
        texture: { mottle: 0.06, grain: 0.07 },
      }));
      // A motif in the middle of most tiles.
      if (rng.next() < 0.75) {
        const mc = rng.pick(colours.filter((x) => x !== c));
        const r = cell * rng.range(0.18, 0.34);
        const pick = rng.int(4);
        const g = pick === 0 ? { type: 'circle' as const, cx, cy, r }
          : pick === 1 ? { type: 'star' as const, cx, cy, r, inner: r * rng.range(0.4, 0.6), points: 4 + rng.int(5), angle: rng.range(0, 3) }
            : pick === 2 ? { type: 'polygon' as const, cx, cy, r, sides: 3 + rng.int(6), angle: rng.range(0, 3) }
              : { type: 'blob' as const, cx, cy, r: r * 0.85, harmonics: [[rng.pick([3, 4, 5, 6]), 0.2, rng.range(0, 6)]] as [number, number, number][] };
        layers.push(layer(g, mc, { color2: shade(mc, 0.8), pattern: rng.next() < 0.5 ? { kind: 'rings', freq: rng.range(4, 10) / r, ox: cx, oy: cy, duty: 0.3, amount: 0.4, color: mix(mc, [1, 1, 1], 0.6) } : { kind: 'none' }, texture: { grain: 0.06 } }));
      }
    }
  // Glints on the glaze.
  const all = { type: 'box' as const, cx: 0.5, cy: 0.5, hw: 0.5, hh: 0.5, angle: 0, round: 0 };
  layers[layers.length - 1].splats.push(splats(0.0006, [1, 1, 1], scatter(rng, all, 150, 0.2, 0.6)));
  return {
    palette: colours.concat([grout]),
    sky: sky(grout, grout, shade(grout, 0.9), 1, { x: 0.5, y: 0.5, radius: 0.5, strength: 0, color: grout }, { grain: 0.15, mottle: 0.1 }),
    layers,
    fields: { seed: rng.int(2 ** 31), fibreAngle: rng.range(0, Math.PI) },
    vignette: rng.range(0, 0.15),
  };
}

export function reef(rng: Rng): SceneBody {
  const hue = rng.range(175, 215);
  const top = jitterHsl(rng, hue - 10, 0.6, 0.62), middle = jitterHsl(rng, hue, 0.65, 0.4), deep = jitterHsl(rng, hue + 15, 0.7, 0.2);
  const layers: Layer[] = [];
  // Light shafts from the surface: rays fanning from a point above the frame.
  const sunX = rng.range(0.2, 0.8);
  layers.push(layer({ type: 'box', cx: 0.5, cy: 0.5, hw: 0.5, hh: 0.5, angle: 0, round: 0 }, mix(top, [1, 1, 1], 0.4), { opacity: 0.18, color2: top, pattern: { ...pattern({ kind: 'rays' }), ox: sunX, oy: -0.3, warp: 40 + rng.int(30), amount: 1, color: deep } }));
  const floor = { type: 'terrain' as const, base: rng.range(0.78, 0.86), waves: [[rng.range(0.8, 2), 0.03, rng.range(0, 6)] as [number, number, number], [rng.range(3, 5), 0.01, rng.range(0, 6)] as [number, number, number]], ridge: false };
  const sand = jitterHsl(rng, 45, 0.4, 0.62);
  layers.push(layer(floor, mix(sand, middle, 0.3), { color2: sand, pattern: { kind: 'waves', freq: rng.range(40, 70), angle: Math.PI / 2, duty: 0.4, warp: 0.7, amount: 0.15, color: shade(sand, 0.8) }, texture: { grain: 0.15, mottle: 0.08 } }));
  // Corals and sea weed standing on the floor.
  const coralHues = [rng.range(330, 360), rng.range(15, 40), rng.range(270, 300), rng.range(40, 60)];
  for (let k = 3 + rng.int(5); k > 0; k--) {
    const x = rng.range(0.05, 0.95), y = rng.range(0.8, 0.98), r = rng.range(0.04, 0.1);
    const c = jitterHsl(rng, rng.pick(coralHues), 0.7, 0.55);
    const kind = rng.pick(['dots', 'scales', 'rings', 'stripes'] as const);
    layers.push(layer({ type: 'blob', cx: x, cy: y - r * 0.6, r, harmonics: [[rng.pick([3, 5, 7]), 0.18, rng.range(0, 6)], [11, 0.05, rng.range(0, 6)]] }, c, { color2: shade(c, 0.7), pattern: { kind, freq: rng.range(80, 150), ox: x, oy: y, duty: 0.3, amount: 0.4, color: mix(c, [1, 1, 1], 0.5) }, texture: { grain: 0.1, mottle: 0.1 } }));
  }
  for (let k = 2 + rng.int(5); k > 0; k--) {
    const x = rng.range(0.05, 0.95), h = rng.range(0.1, 0.25), c = jitterHsl(rng, 120, 0.5, 0.35);
    layers.push(layer({ type: 'ellipse', cx: x, cy: 0.95 - h, rx: h, ry: h * 0.08, angle: Math.PI / 2 + rng.range(-0.25, 0.25) }, c, { color2: shade(c, 0.6), texture: { fibre: 0.2 } }));
  }
  // Fish: ellipse body with a banded pattern, a triangle tail, an eye.
  for (let k = 2 + rng.int(6); k > 0; k--) {
    const x = rng.range(0.1, 0.9), y = rng.range(0.15, 0.7), L = rng.range(0.03, 0.08), dir = rng.next() < 0.5 ? 1 : -1;
    const c = jitterHsl(rng, rng.pick([30, 50, 200, 0, 280]), 0.85, 0.55);
    const band = rng.next() < 0.5 ? hsl(0, 0, 0.97) : hsl(0, 0, 0.1);
    layers.push(layer({ type: 'polygon', cx: x - dir * L * 1.05, cy: y, r: L * 0.45, sides: 3, angle: dir > 0 ? Math.PI : 0 }, shade(c, 0.85)));
    layers.push(layer({ type: 'ellipse', cx: x, cy: y, rx: L, ry: L * rng.range(0.4, 0.6), angle: rng.range(-0.15, 0.15) }, c, { color2: shade(c, 0.75), pattern: rng.next() < 0.6 ? { kind: 'stripes', freq: rng.range(2.5, 4) / L, angle: 0, ox: x, duty: 0.3, amount: 0.85, color: band } : { kind: 'scales', freq: 7 / L, amount: 0.4, color: shade(c, 0.6) }, texture: { grain: 0.05 } }));
    layers.push(layer({ type: 'circle', cx: x + dir * L * 0.6, cy: y - L * 0.12, r: L * 0.1 }, [0.05, 0.05, 0.08]));
  }
  // Bubbles rising: faint discs with a bright glint.
  const bubbles: number[] = [];
  for (let k = 5 + rng.int(15); k > 0; k--) {
    const x = rng.range(0.05, 0.95), y = rng.range(0.05, 0.75), r = rng.range(0.004, 0.012);
    layers.push(layer({ type: 'circle', cx: x, cy: y, r }, mix(top, [1, 1, 1], 0.6), { opacity: 0.35 }));
    bubbles.push(x - r * 0.35, y - r * 0.35, 0.8);
  }
  layers[layers.length - 1].splats.push(splats(0.0012, [1, 1, 1], bubbles), splats(0.0005, mix(top, [1, 1, 1], 0.7), scatter(rng, { type: 'box', cx: 0.5, cy: 0.4, hw: 0.5, hh: 0.4, angle: 0, round: 0 }, 500, 0.1, 0.4)));
  return {
    palette: [top, middle, deep, sand, ...coralHues.map((h) => hsl(h, 0.7, 0.55))],
    sky: sky(top, middle, deep, 1, { x: sunX, y: -0.05, radius: 0.35, strength: 0.25, color: hsl(hue - 20, 0.6, 0.85) }, { mottle: 0.04, grain: 0.03, fibre: 0.02 }),
    layers,
    fields: { seed: rng.int(2 ** 31), fibreAngle: Math.PI / 2 + rng.range(-0.3, 0.3) },
    vignette: rng.range(0.15, 0.3),
  };
}
