// Landscape scene kinds: meadow, coast and dunes. Layout and colour at 64², crop rows, ripples and
// waves at 256², grass fibres, sand grain and glints at 1024².
import type { Rng } from '../math/rng';
import { cloud, layer, scatter, sky, splats, terrainHeight } from './compose';
import { hsl, jitterHsl, mix, shade } from './palette';
import type { Geometry, Layer, Scene } from './scene';

export type SceneBody = Omit<Scene, 'seed' | 'kind'>;

/** A warm low sun or a high white one; returns the sky's colours and the sun's. */
function daySky(rng: Rng, sunset: boolean) {
  if (sunset) {
    const h = rng.range(-20, 30);
    return { top: jitterHsl(rng, 250 + h / 2, 0.45, 0.3), middle: jitterHsl(rng, 330 + h, 0.55, 0.6), horizon: jitterHsl(rng, 30 + h / 2, 0.9, 0.68), sun: hsl(45, 1, 0.82) };
  }
  return { top: jitterHsl(rng, 212, 0.65, 0.45), middle: jitterHsl(rng, 200, 0.6, 0.68), horizon: jitterHsl(rng, 190, 0.45, 0.86), sun: hsl(50, 1, 0.9) };
}

function smoothHill(rng: Rng, base: number, amp: number): Geometry {
  const waves: [number, number, number][] = [];
  for (let k = 0; k < 3; k++) waves.push([rng.range(0.4, 1.2) * (k + 1), (amp / (k + 1)) * rng.range(0.5, 1), rng.range(0, 2 * Math.PI)]);
  return { type: 'terrain', base, waves, ridge: false };
}

export function meadow(rng: Rng): SceneBody {
  const sunset = rng.next() < 0.35;
  const s = daySky(rng, sunset);
  const sunX = rng.range(0.15, 0.85), sunY = sunset ? rng.range(0.38, 0.5) : rng.range(0.12, 0.3);
  const grassHue = sunset ? rng.range(70, 110) : rng.range(80, 135);
  const layers: Layer[] = [];
  layers.push(layer({ type: 'circle', cx: sunX, cy: sunY, r: rng.range(0.04, 0.07) }, s.sun, { opacity: 0.95 }));
  const nClouds = rng.int(4);
  for (let k = 0; k < nClouds; k++) layers.push(...cloud(rng, rng.range(0.1, 0.9), rng.range(0.12, 0.35), rng.range(0.18, 0.35), sunset ? mix(s.horizon, [1, 1, 1], 0.5) : [1, 1, 1], sunset ? s.middle : hsl(215, 0.25, 0.82), 0.9));
  // Three hills, hazier with distance (aerial perspective: far colours drift toward the horizon's).
  const hills: Geometry[] = [];
  const bases = [rng.range(0.5, 0.58), rng.range(0.63, 0.7), rng.range(0.78, 0.85)];
  bases.forEach((b, k) => {
    const g = smoothHill(rng, b, 0.06 - k * 0.012);
    hills.push(g);
    const green = jitterHsl(rng, grassHue + k * 6, 0.55, 0.3 + 0.06 * (2 - k));
    const c = mix(green, s.horizon, 0.45 - k * 0.2);
    const rows = k === 1 ? { kind: 'stripes' as const, freq: rng.range(35, 60), angle: rng.range(-0.5, 0.5), duty: 0.45, amount: 0.22, color: shade(c, 1.35) } : k === 2 ? { kind: 'waves' as const, freq: rng.range(55, 85), angle: Math.PI / 2 + rng.range(-0.2, 0.2), duty: 0.4, warp: 0.6, amount: 0.18, color: shade(c, 0.7) } : { kind: 'none' as const };
    layers.push(layer(g, c, { color2: shade(c, 0.8), pattern: rows, texture: { mottle: 0.08, grain: 0.04, fibre: 0.06 + 0.12 * k } }));
  });
  // Trees on the middle hill.
  const nTrees = rng.int(5);
  for (let k = 0; k < nTrees; k++) {
    const x = rng.range(0.05, 0.95), y = terrainHeight(hills[1], x) + 0.01;
    const h = rng.range(0.05, 0.1);
    const leaf = jitterHsl(rng, grassHue + 10, 0.5, 0.22);
    layers.push(layer({ type: 'box', cx: x, cy: y - h * 0.3, hw: h * 0.07, hh: h * 0.32, angle: 0, round: 0 }, hsl(25, 0.4, 0.22)));
    layers.push(layer({ type: 'blob', cx: x, cy: y - h * 0.75, r: h * 0.45, harmonics: [[3, 0.06, rng.range(0, 6)], [5, 0.05, rng.range(0, 6)], [9, 0.03, rng.range(0, 6)]] }, shade(leaf, 1.3), { color2: leaf, pattern: { kind: 'dots', freq: rng.range(90, 140), duty: 0.3, amount: 0.35, color: shade(leaf, 1.8), angle: rng.range(0, 3) }, texture: { grain: 0.06 } }));
  }
  // Flowers on the near hill: five-petal stars with a centre.
  const flowerHues = [rng.range(0, 20), rng.range(40, 55), rng.range(270, 320), 0];
  const nFlowers = 15 + rng.int(30);
  for (let k = 0; k < nFlowers; k++) {
    const x = rng.range(0.02, 0.98);
    const top = terrainHeight(hills[2], x);
    const y = top + 0.02 + rng.next() ** 1.5 * (1 - top);
    const r = 0.006 + 0.012 * (y - top) / (1 - top);
    const hue = rng.pick(flowerHues);
    const petal = hue === 0 ? hsl(0, 0, 0.96) : jitterHsl(rng, hue, 0.85, 0.6);
    layers.push(layer({ type: 'star', cx: x, cy: y, r, inner: r * 0.55, points: 5 + rng.int(2), angle: rng.range(0, 2) }, petal));
    layers.push(layer({ type: 'circle', cx: x, cy: y, r: r * 0.3 }, hsl(45, 0.95, 0.55)));
  }
  const dew = splats(0.0005, [0.9, 1, 0.9], scatter(rng, hills[2], 400, 0.25, 0.6, 0.01));
  layers[layers.length - 1].splats.push(dew);
  return {
    palette: [s.top, s.middle, s.horizon, s.sun, hsl(grassHue, 0.55, 0.35)],
    sky: sky(s.top, s.middle, s.horizon, bases[0] + 0.02, { x: sunX, y: sunY, radius: 0.12, strength: sunset ? 0.35 : 0.2, color: s.sun }, { mottle: 0.006, grain: 0.008 }),
    layers,
    fields: { seed: rng.int(2 ** 31), fibreAngle: Math.PI / 2 + rng.range(-0.25, 0.25) },
    vignette: rng.range(0.1, 0.25),
  };
}

export function coast(rng: Rng): SceneBody {
  const sunset = rng.next() < 0.4;
  const s = daySky(rng, sunset);
  const horizon = rng.range(0.42, 0.58);
  const sunX = rng.range(0.2, 0.8), sunY = horizon - rng.range(0.06, sunset ? 0.15 : 0.35);
  const layers: Layer[] = [];
  layers.push(layer({ type: 'circle', cx: sunX, cy: sunY, r: rng.range(0.035, 0.06) }, s.sun));
  for (let k = rng.int(3); k > 0; k--) layers.push(...cloud(rng, rng.range(0.1, 0.9), rng.range(0.1, horizon - 0.15), rng.range(0.15, 0.3), [1, 1, 1], sunset ? s.middle : hsl(210, 0.2, 0.85), 0.85));
  // A hazy island or headland sitting on the horizon (the sea covers its lower half).
  const islandX = rng.range(0.1, 0.9);
  layers.push(layer({ type: 'blob', cx: islandX, cy: horizon + 0.01, r: rng.range(0.06, 0.14), harmonics: [[2, 0.15, rng.range(0, 6)], [3, 0.1, rng.range(0, 6)], [7, 0.03, 0]] }, mix(hsl(rng.range(120, 200), 0.3, 0.3), s.horizon, 0.5), { texture: { mottle: 0.05 } }));
  const seaHue = rng.range(185, 215);
  const seaTop = mix(jitterHsl(rng, seaHue, 0.55, 0.55), s.horizon, sunset ? 0.5 : 0.25);
  const seaDeep = jitterHsl(rng, seaHue + 10, 0.7, 0.28);
  const sea: Geometry = { type: 'terrain', base: horizon, waves: [[3, 0.0015, rng.range(0, 6)]], ridge: false };
  const glints = splats(0.0007, mix(s.sun, [1, 1, 1], 0.5), scatter(rng, sea, 900, 0.15, 0.9, 0.003, { x0: sunX - 0.12, y0: horizon, x1: sunX + 0.12, y1: 0.95 }));
  layers.push(layer(sea, seaTop, { color2: seaDeep, shadeY0: horizon, shadeY1: 0.95, pattern: { kind: 'waves', freq: rng.range(45, 80), angle: Math.PI / 2 + rng.range(-0.05, 0.05), duty: 0.3, warp: 0.5, amount: 0.25, color: mix(seaTop, [1, 1, 1], 0.5) }, texture: { mottle: 0.06, fibre: 0.12 }, splats: [glints] }));
  // Sailboats on the water.
  for (let k = rng.int(4); k > 0; k--) {
    const y = rng.range(horizon + 0.03, horizon + 0.2), sz = 0.02 + (y - horizon) * 0.25, x = rng.range(0.1, 0.9);
    layers.push(layer({ type: 'box', cx: x, cy: y, hw: sz * 0.6, hh: sz * 0.12, angle: 0, round: sz * 0.1 }, hsl(rng.range(0, 40), 0.5, 0.3)));
    layers.push(layer({ type: 'polygon', cx: x, cy: y - sz * 0.55, r: sz * 0.5, sides: 3, angle: Math.PI / 2 }, hsl(40, 0.3, 0.95), { pattern: rng.next() < 0.5 ? { kind: 'stripes', freq: 8 / sz, angle: Math.PI / 2, duty: 0.4, amount: 0.8, color: hsl(rng.range(0, 360), 0.7, 0.5) } : { kind: 'none' } }));
  }
  // Foam line then beach, drawn so a strip of foam shows at the water's edge.
  const beachBase = rng.range(0.76, 0.86);
  const beachWaves: [number, number, number][] = [[rng.range(0.6, 1.4), rng.range(0.02, 0.04), rng.range(0, 6)], [rng.range(2, 4), 0.008, rng.range(0, 6)]];
  layers.push(layer({ type: 'terrain', base: beachBase - 0.012, waves: beachWaves, ridge: false }, [0.97, 0.98, 1], { opacity: 0.85, texture: { mottle: 0.1, grain: 0.05 } }));
  const sand = jitterHsl(rng, 40, 0.55, 0.75);
  const beach: Geometry = { type: 'terrain', base: beachBase, waves: beachWaves, ridge: false };
  layers.push(layer(beach, sand, { color2: shade(sand, 0.85), pattern: { kind: 'waves', freq: rng.range(60, 100), angle: Math.PI / 2 + 0.1, duty: 0.35, warp: 0.8, amount: 0.12, color: shade(sand, 0.8) }, texture: { mottle: 0.08, grain: 0.16 }, splats: [splats(0.0004, [1, 1, 0.95], scatter(rng, beach, 500, 0.3, 0.7, 0.004))] }));
  return {
    palette: [s.top, s.middle, s.horizon, seaTop, seaDeep, sand],
    sky: sky(s.top, s.middle, s.horizon, horizon, { x: sunX, y: sunY, radius: 0.1, strength: sunset ? 0.4 : 0.2, color: s.sun }, { mottle: 0.006, grain: 0.008 }),
    layers,
    fields: { seed: rng.int(2 ** 31), fibreAngle: rng.range(-0.08, 0.08) },
    vignette: rng.range(0.1, 0.25),
  };
}

export function dunes(rng: Rng): SceneBody {
  const hue = rng.range(18, 40);
  const top = jitterHsl(rng, 205, 0.55, 0.5), middle = jitterHsl(rng, 195, 0.45, 0.75), horizonC = jitterHsl(rng, hue + 10, 0.6, 0.85);
  const sunX = rng.range(0.15, 0.85), sunY = rng.range(0.1, 0.3);
  const layers: Layer[] = [layer({ type: 'circle', cx: sunX, cy: sunY, r: rng.range(0.03, 0.05) }, [1, 0.98, 0.9])];
  // Pyramids in the far distance, built of bricks.
  const nPyr = rng.int(3);
  const far = rng.range(0.5, 0.58);
  for (let k = 0; k < nPyr; k++) {
    const r = rng.range(0.08, 0.16), x = rng.range(0.15, 0.85);
    const c = mix(jitterHsl(rng, hue, 0.5, 0.62), horizonC, 0.35);
    layers.push(layer({ type: 'polygon', cx: x, cy: far + 0.09 - r * 0.5, r, sides: 3, angle: Math.PI / 2 }, c, { color2: shade(c, 0.75), pattern: { kind: 'bricks', freq: rng.range(45, 70), duty: 0.15, amount: 0.35, color: shade(c, 0.7), seed: rng.int(1e6) }, texture: { grain: 0.06 } }));
  }
  // Dunes: far ones pale and hazy, near ones saturated; ripples run across each face.
  const n = 3 + rng.int(2);
  for (let k = 0; k < n; k++) {
    const base = far + ((k + 0.5) / n) * (0.92 - far);
    const ridge = rng.next() < 0.6;
    const g: Geometry = { type: 'terrain', base, waves: [[rng.range(0.6, 1.6), rng.range(0.04, 0.09), rng.range(0, 6)], [rng.range(2, 3), rng.range(0.005, 0.015), rng.range(0, 6)]], ridge };
    const c = mix(jitterHsl(rng, hue + k * 3, 0.75, 0.42 + 0.06 * (n - k)), horizonC, 0.4 * (1 - (k + 1) / n));
    const sandSplats = k === n - 1 ? [splats(0.0004, [1, 0.95, 0.85], scatter(rng, g, 700, 0.3, 0.8, 0.003))] : [];
    layers.push(layer(g, mix(c, [1, 1, 1], 0.2), { color2: shade(c, 0.7), pattern: { kind: 'waves', freq: rng.range(45, 90), angle: Math.PI / 2 + rng.range(-0.4, 0.4), duty: 0.35, warp: 0.7, amount: 0.2 + 0.05 * k, color: shade(c, 0.72) }, texture: { mottle: 0.07, grain: 0.1 + 0.03 * k, fibre: 0.04 }, splats: sandSplats }));
  }
  // A cactus or a rock on the nearest dune.
  if (rng.next() < 0.6) {
    const x = rng.range(0.1, 0.9), y = rng.range(0.85, 0.95), h = rng.range(0.12, 0.2), green = jitterHsl(rng, 130, 0.35, 0.3);
    const opts = { color2: shade(green, 0.7), pattern: { kind: 'stripes' as const, freq: 90, angle: 0, duty: 0.3, amount: 0.3, color: shade(green, 0.6) }, texture: { grain: 0.05 } };
    layers.push(layer({ type: 'box', cx: x, cy: y - h / 2, hw: h * 0.12, hh: h / 2, angle: 0, round: h * 0.11 }, green, opts));
    layers.push(layer({ type: 'box', cx: x - h * 0.25, cy: y - h * 0.6, hw: h * 0.07, hh: h * 0.18, angle: 0, round: h * 0.06 }, green, opts));
    layers.push(layer({ type: 'box', cx: x + h * 0.25, cy: y - h * 0.72, hw: h * 0.07, hh: h * 0.14, angle: 0, round: h * 0.06 }, green, opts));
  }
  return {
    palette: [top, middle, horizonC, hsl(hue, 0.7, 0.5)],
    sky: sky(top, middle, horizonC, far, { x: sunX, y: sunY, radius: 0.15, strength: 0.35, color: [1, 0.95, 0.8] }, { mottle: 0.006, grain: 0.008 }),
    layers,
    fields: { seed: rng.int(2 ** 31), fibreAngle: rng.range(-0.3, 0.3) },
    vignette: rng.range(0.1, 0.2),
  };
}

