// Evening scene kinds: a city skyline at dusk and a mountain night sky. Silhouettes at 64², lit
// windows and brickwork at 256², faint stars and grain only at 1024².
import type { Rng } from '../math/rng';
import { layer, scatter, sky, splats } from './compose';
import { hsl, jitterHsl, mix, shade } from './palette';
import type { Geometry, Layer, SplatGroup } from './scene';
import type { SceneBody } from './kinds-land';

/** Stars in three brightness classes: a few bright, more medium, many faint ones only 1024² resolves. */
function starField(rng: Rng, y1: number, density: number): SplatGroup[] {
  const whole: Geometry = { type: 'box', cx: 0.5, cy: y1 / 2, hw: 0.5, hh: y1 / 2, angle: 0, round: 0 };
  const warm = hsl(rng.range(30, 60), 0.6, 0.9), cool = hsl(rng.range(200, 230), 0.6, 0.92);
  return [
    splats(0.0022, [1, 1, 1], scatter(rng, whole, Math.round(25 * density), 0.5, 1)),
    splats(0.0011, cool, scatter(rng, whole, Math.round(150 * density), 0.3, 0.9)),
    splats(0.0011, warm, scatter(rng, whole, Math.round(60 * density), 0.3, 0.8)),
    splats(0.00045, [1, 1, 1], scatter(rng, whole, Math.round(1500 * density), 0.2, 0.9)),
  ];
}

export function city(rng: Rng): SceneBody {
  const dusk = rng.next() < 0.6;
  const top = dusk ? jitterHsl(rng, 240, 0.45, 0.25) : jitterHsl(rng, 225, 0.6, 0.1);
  const middle = dusk ? jitterHsl(rng, 300, 0.4, 0.45) : jitterHsl(rng, 230, 0.5, 0.2);
  const horizonC = dusk ? jitterHsl(rng, 25, 0.85, 0.62) : jitterHsl(rng, 260, 0.35, 0.32);
  const ground = rng.range(0.78, 0.86);
  const moonX = rng.range(0.15, 0.85), moonY = rng.range(0.1, 0.3);
  const layers: Layer[] = [layer({ type: 'circle', cx: moonX, cy: moonY, r: rng.range(0.025, 0.045) }, dusk ? hsl(40, 0.9, 0.85) : hsl(50, 0.3, 0.92))];
  // Two rows of towers: the far row hazy, the near row dark with lit windows.
  const windowLight = jitterHsl(rng, rng.range(35, 55), 0.9, 0.7);
  for (let row = 0; row < 2; row++) {
    let x = rng.range(-0.05, 0.02);
    while (x < 1.02) {
      const w = rng.range(0.04, 0.1) * (row === 0 ? 0.8 : 1);
      const h = rng.range(0.15, 0.45) * (row === 0 ? 1.15 : 1);
      const c = row === 0 ? mix(jitterHsl(rng, 240, 0.2, 0.35), horizonC, 0.35) : jitterHsl(rng, rng.range(200, 280), 0.2, 0.15);
      const topY = ground - h + row * 0.05;
      const look = rng.int(3);
      const pat = look === 0
        ? { kind: 'windows' as const, freq: rng.range(70, 120), duty: rng.range(0.3, 0.7), amount: row === 0 ? 0.4 : 0.9, color: windowLight, seed: rng.int(1e6) }
        : look === 1 ? { kind: 'stripes' as const, freq: rng.range(40, 90), angle: rng.next() < 0.5 ? 0 : Math.PI / 2, duty: 0.25, amount: 0.35, color: mix(c, windowLight, 0.6) }
          : { kind: 'bricks' as const, freq: rng.range(80, 130), duty: 0.2, amount: 0.3, color: shade(c, 1.6), seed: rng.int(1e6) };
      layers.push(layer({ type: 'box', cx: x + w / 2, cy: (topY + 1.05) / 2, hw: w / 2, hh: (1.05 - topY) / 2, angle: 0, round: 0 }, shade(c, 1.2), { color2: shade(c, 0.8), pattern: pat, texture: { grain: 0.08, mottle: 0.04 } }));
      const roof = rng.int(4);
      if (roof === 0) layers.push(layer({ type: 'polygon', cx: x + w / 2, cy: topY - w * 0.2, r: w * 0.55, sides: 3, angle: Math.PI / 2 }, shade(c, 1.2)));
      if (roof === 1) layers.push(layer({ type: 'box', cx: x + w / 2, cy: topY - 0.03, hw: 0.002, hh: 0.03, angle: 0, round: 0 }, shade(c, 1.1)));
      if (roof === 1) layers.push(layer({ type: 'circle', cx: x + w / 2, cy: topY - 0.06, r: 0.003 }, hsl(0, 1, 0.6)));
      if (roof === 2) layers.push(layer({ type: 'ellipse', cx: x + w / 2, cy: topY, rx: w / 2, ry: w * 0.3, angle: 0 }, shade(c, 1.2)));
      x += w + rng.range(-0.01, 0.02);
    }
  }
  // River in front, reflecting the lights.
  const river: Geometry = { type: 'terrain', base: ground + 0.03, waves: [[2, 0.002, 0]], ridge: false };
  const water = mix(horizonC, top, 0.6);
  layers.push(layer(river, water, { color2: shade(top, 0.8), pattern: { kind: 'waves', freq: rng.range(60, 100), angle: Math.PI / 2, duty: 0.3, warp: 0.4, amount: 0.3, color: mix(water, windowLight, 0.4) }, texture: { fibre: 0.15, mottle: 0.05 }, splats: [splats(0.0006, windowLight, scatter(rng, river, 600, 0.2, 0.8, 0.002))] }));
  return {
    palette: [top, middle, horizonC, windowLight, water],
    sky: sky(top, middle, horizonC, ground, { x: moonX, y: moonY, radius: 0.08, strength: 0.25, color: hsl(40, 0.7, 0.8) }, { mottle: 0.012, grain: 0.02 }, starField(rng, ground * 0.6, dusk ? 0.3 : 0.7)),
    layers,
    fields: { seed: rng.int(2 ** 31), fibreAngle: rng.range(-0.05, 0.05) },
    vignette: rng.range(0.15, 0.3),
  };
}

export function night(rng: Rng): SceneBody {
  const hue = rng.range(210, 260);
  const top = jitterHsl(rng, hue, 0.6, 0.06), middle = jitterHsl(rng, hue + 10, 0.55, 0.16), horizonC = jitterHsl(rng, rng.pick([hue + 40, 180, 300]), 0.45, 0.32);
  const horizon = rng.range(0.62, 0.75);
  const moonX = rng.range(0.15, 0.85), moonY = rng.range(0.12, 0.35), moonR = rng.range(0.04, 0.07);
  const moonC = hsl(rng.range(40, 55), 0.35, 0.88);
  const layers: Layer[] = [];
  // The Milky Way: a soft diagonal band, with its own crowd of faint stars.
  const mwAngle = rng.range(-0.9, 0.9);
  const band: Geometry = { type: 'ellipse', cx: rng.range(0.3, 0.7), cy: horizon * 0.45, rx: 0.95, ry: rng.range(0.07, 0.11), angle: mwAngle };
  const glowC = mix(middle, hsl(hue + 60, 0.3, 0.75), 0.5);
  // Nested translucent ellipses give the band a soft edge; the dust is mottle, the body faint stars.
  for (const k of [1, 0.7, 0.45, 0.25]) {
    const g = band.type === 'ellipse' ? { ...band, ry: band.ry * k, rx: band.rx * (0.9 + 0.1 * k) } : band;
    layers.push(layer(g, glowC, { opacity: 0.09, texture: { mottle: 0.25, grain: 0.1 } }));
  }
  layers[layers.length - 1].splats.push(splats(0.0004, [1, 1, 1], scatter(rng, band, 2500, 0.2, 0.8)), splats(0.001, hsl(hue, 0.5, 0.9), scatter(rng, band, 120, 0.3, 0.8)));
  layers.push(layer({ type: 'circle', cx: moonX, cy: moonY, r: moonR }, moonC, { color2: shade(moonC, 0.85), texture: { mottle: 0.06, grain: 0.04 } }));
  for (let k = 3 + rng.int(5); k > 0; k--) {
    const a = rng.range(0, 2 * Math.PI), d = rng.range(0, 0.75) * moonR;
    layers.push(layer({ type: 'circle', cx: moonX + d * Math.cos(a), cy: moonY + d * Math.sin(a), r: moonR * rng.range(0.08, 0.22) }, shade(moonC, 0.75), { opacity: 0.6 }));
  }
  // Mountains: two ridged ranges, the far one lighter.
  const ranges: Geometry[] = [0, 1].map((k) => ({ type: 'terrain', base: horizon + k * 0.08, waves: [[rng.range(1.5, 3), rng.range(0.08, 0.16) / (k + 1), rng.range(0, 6)], [rng.range(4, 7), rng.range(0.02, 0.04), rng.range(0, 6)]], ridge: true }));
  ranges.forEach((g, k) => {
    const c = mix(jitterHsl(rng, hue, 0.3, 0.12 - k * 0.05), horizonC, 0.3 - k * 0.2);
    layers.push(layer(g, c, { color2: shade(c, 0.6), pattern: k === 0 ? { kind: 'stripes', freq: rng.range(60, 100), angle: rng.range(0.6, 1), duty: 0.3, amount: 0.15, color: shade(c, 1.6) } : { kind: 'none' }, texture: { grain: 0.08, mottle: 0.1 } }));
  });
  // Pines on the near range.
  const pine = jitterHsl(rng, 150, 0.35, 0.08);
  for (let k = 6 + rng.int(10); k > 0; k--) {
    const x = rng.range(0, 1), y = rng.range(0.86, 1.02), h = rng.range(0.04, 0.09);
    for (let t = 0; t < 3; t++) layers.push(layer({ type: 'polygon', cx: x, cy: y - h * (0.3 + 0.28 * t), r: h * (0.42 - 0.09 * t), sides: 3, angle: Math.PI / 2 }, pine, { texture: { fibre: 0.1 } }));
  }
  return {
    palette: [top, middle, horizonC, moonC, pine],
    sky: sky(top, middle, horizonC, horizon, { x: moonX, y: moonY, radius: moonR * 2, strength: 0.3, color: moonC }, { mottle: 0.04, grain: 0.05 }, starField(rng, horizon, 1)),
    layers,
    fields: { seed: rng.int(2 ** 31), fibreAngle: Math.PI / 2 + rng.range(-0.2, 0.2) },
    vignette: rng.range(0.15, 0.3),
  };
}
