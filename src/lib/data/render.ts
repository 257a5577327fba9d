// Renders a Scene at any size (or any window of it) so that each pixel is, as nearly as possible, the
// AREA AVERAGE of one continuous image over the pixel: analytic edge coverage (signed distance / pixel
// width, supersampled for sub-pixel shapes), box-filtered patterns, exactly filtered noise and splats.
// So a 1024² render area-downsampled by 16 matches the 64² render (tests/unit/data/render.test.ts).
import { deriveSeed } from '../math/rng';
import { compileShape, signedDistance, terrainAt, ShapeCode, type CompiledShape } from './geometry';
import { compilePattern, patternValue, type CompiledPattern } from './pattern';
import { makeField, rasterField, type FourierField, type FieldRaster } from './fourier-texture';
import { drawSplats } from './splat';
import { FULL_WINDOW, type Layer, type Scene, type Window } from './scene';

interface CompiledLayer {
  layer: Layer;
  shape: CompiledShape;
  pattern: CompiledPattern;
  invShade: number;
}

interface CompiledScene {
  layers: CompiledLayer[];
  /** mottle, grain, fibre (see Texture in scene.ts). */
  fields: [FourierField, FourierField, FourierField];
  /** Largest amplitude any layer gives each field: decides whether a field is worth rastering. */
  maxAmp: [number, number, number];
}

const compiled = new WeakMap<Scene, CompiledScene>();

function compileScene(scene: Scene): CompiledScene {
  const hit = compiled.get(scene);
  if (hit) return hit;
  const seed = scene.fields.seed;
  const fields: [FourierField, FourierField, FourierField] = [
    makeField(deriveSeed(seed, 1), { lo: 40, hi: 120 }, 8, 6),
    makeField(deriveSeed(seed, 2), { lo: 220, hi: 480 }, 12, 10),
    makeField(deriveSeed(seed, 3), { lo: 150, hi: 420, fibreAngle: scene.fields.fibreAngle, spread: 0.16 }, 10, 8),
  ];
  const maxAmp: [number, number, number] = [scene.sky.texture.mottle, scene.sky.texture.grain, scene.sky.texture.fibre];
  const layers = scene.layers.map((layer) => {
    maxAmp[0] = Math.max(maxAmp[0], layer.texture.mottle);
    maxAmp[1] = Math.max(maxAmp[1], layer.texture.grain);
    maxAmp[2] = Math.max(maxAmp[2], layer.texture.fibre);
    const span = layer.shadeY1 - layer.shadeY0;
    return { layer, shape: compileShape(layer.geometry), pattern: compilePattern(layer.pattern), invShade: Math.abs(span) > 1e-9 ? 1 / span : 0 };
  });
  const out: CompiledScene = { layers, fields, maxAmp };
  compiled.set(scene, out);
  return out;
}

// Scratch buffers reused across renders of the same size (no per-render garbage for the aux planes).
let texBuf = new Float32Array(0);
const terrainTmp = new Float64Array(2);

/**
 * The scene as a [size, size, 3] HWC row-major Float32Array in [-1, 1]. `win` is a crop in unit scene
 * coordinates (default the whole scene); pixels of a window line up with the full render's pixels
 * whenever the window edges fall on that render's pixel grid. Pass `out` (length size²·3) to reuse a
 * buffer across calls, e.g. a training loop rendering 16 scenes a step; it is overwritten and returned.
 */
export function renderScene(scene: Scene, size: number, win: Window = FULL_WINDOW, out?: Float32Array): Float32Array {
  const cs = compileScene(scene);
  const px = win.w / size, py = win.h / size;
  const pw = Math.sqrt(px * py);
  const n = size * size;
  if (out && out.length !== n * 3) throw new Error(`out has ${out.length} values, expected ${n * 3}`);
  const img = out ? out.fill(0) : new Float32Array(n * 3); // colour units [0, 1] until the last pass
  if (texBuf.length < n * 3) texBuf = new Float32Array(n * 3);
  const tex = texBuf; // [size, size, 3]: mottle, grain, fibre amplitude per pixel

  const cover = occlusion(cs, size, win, px, py, pw);
  drawSky(scene, img, tex, size, win, px, py, cover[0]);
  for (const g of scene.sky.splats) drawSplats(img, size, win.x, win.y, px, py, g);
  for (let L = 0; L < cs.layers.length; L++) {
    const cl = cs.layers[L];
    drawLayer(cl, img, tex, size, win, px, py, pw, cover[L + 1]);
    for (const g of cl.layer.splats) drawSplats(img, size, win.x, win.y, px, py, g);
  }
  finish(scene, cs, img, tex, size, win, px, py);
  return img;
}

/**
 * Occlusion: for the sky (index 0) and each layer (index L + 1), the first row per column from which a
 * LATER opaque layer covers the pixel completely (coverage 1, opacity 1), so drawing there is wasted:
 * that layer overwrites colour and texture exactly. Occluders are terrains and upright boxes that
 * reach the bottom of the window, whose covered part of a column is one run down to the bottom.
 */
function occlusion(cs: CompiledScene, size: number, win: Window, px: number, py: number, pw: number): Int32Array[] {
  const out: Int32Array[] = new Array(cs.layers.length + 1);
  let cur = new Int32Array(size).fill(size);
  const tmp = new Float64Array(2);
  const bottom = win.y + win.h;
  for (let L = cs.layers.length - 1; L >= -1; L--) {
    out[L + 1] = cur;
    if (L < 0) break;
    const { shape: s, layer } = cs.layers[L];
    if (layer.opacity < 1) continue;
    const terrain = s.code === ShapeCode.Terrain;
    const box = s.code === ShapeCode.Box && s.sin === 0 && s.p[2] === 0 && s.cy + s.p[1] >= bottom + pw;
    if (!terrain && !box) continue;
    const next = cur.slice();
    for (let i = 0; i < size; i++) {
      const x = win.x + (i + 0.5) * px;
      let top: number;
      if (terrain) {
        terrainAt(s, x, tmp);
        top = tmp[0] + pw / tmp[1]; // below this the distance is < −pw: fully inside
      } else {
        if (Math.abs(x - s.cx) > s.p[0] - pw) continue;
        top = s.cy - s.p[1] + pw;
      }
      const row = Math.max(0, Math.ceil((top - win.y) / py));
      if (row < next[i]) next[i] = row;
    }
    cur = next;
  }
  return out;
}

function smooth(t: number): number {
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return t * t * (3 - 2 * t);
}

function drawSky(scene: Scene, img: Float32Array, tex: Float32Array, size: number, win: Window, px: number, py: number, cover: Int32Array): void {
  const { top, middle, horizon, horizonY, glow, texture } = scene.sky;
  const half = horizonY / 2;
  const inv = 1 / (glow.radius * glow.radius);
  for (let j = 0; j < size; j++) {
    const y = win.y + (j + 0.5) * py;
    let r: number, g: number, b: number;
    if (y < half) {
      const t = smooth(y / half);
      r = top[0] + (middle[0] - top[0]) * t; g = top[1] + (middle[1] - top[1]) * t; b = top[2] + (middle[2] - top[2]) * t;
    } else {
      const t = smooth((y - half) / (horizonY - half));
      r = middle[0] + (horizon[0] - middle[0]) * t; g = middle[1] + (horizon[1] - middle[1]) * t; b = middle[2] + (horizon[2] - middle[2]) * t;
    }
    const dy = y - glow.y;
    let o = j * size * 3;
    for (let i = 0; i < size; i++, o += 3) {
      if (j >= cover[i]) continue;
      const dx = win.x + (i + 0.5) * px - glow.x;
      const q = 1 + (dx * dx + dy * dy) * inv;
      const k = glow.strength / (q * q);
      img[o] = r + glow.color[0] * k;
      img[o + 1] = g + glow.color[1] * k;
      img[o + 2] = b + glow.color[2] * k;
      tex[o] = texture.mottle;
      tex[o + 1] = texture.grain;
      tex[o + 2] = texture.fibre;
    }
  }
}

let hBuf = new Float64Array(0), gBuf = new Float64Array(0);

function drawLayer(cl: CompiledLayer, img: Float32Array, tex: Float32Array, size: number, win: Window, px: number, py: number, pw: number, cover: Int32Array): void {
  const s = cl.shape, L = cl.layer, pat = cl.pattern;
  const i0 = Math.max(0, Math.floor((s.x0 - win.x) / px - 1));
  const i1 = Math.min(size - 1, Math.floor((s.x1 - win.x) / px + 1));
  const j0 = Math.max(0, Math.floor((s.y0 - win.y) / py - 1));
  const j1 = Math.min(size - 1, Math.floor((s.y1 - win.y) / py + 1));
  if (i1 < i0 || j1 < j0) return;
  const terrain = s.code === ShapeCode.Terrain;
  if (terrain) {
    if (hBuf.length < size) { hBuf = new Float64Array(size); gBuf = new Float64Array(size); }
    for (let i = i0; i <= i1; i++) {
      terrainAt(s, win.x + (i + 0.5) * px, terrainTmp);
      hBuf[i] = terrainTmp[0];
      gBuf[i] = terrainTmp[1];
    }
  }
  // Shapes thinner than ~2 pixels get ns×ns sub-samples, each with a sharper ramp: their coverage
  // is then a real area integral rather than a single-ramp guess (which over-covers small discs).
  const ns = terrain ? 1 : Math.min(4, Math.max(1, Math.ceil((1.5 * pw) / s.feature)));
  const reach = 0.75 * pw;
  const [c1r, c1g, c1b] = L.color, [c2r, c2g, c2b] = L.color2, [pr, pg, pb] = L.pattern.color;
  const amount = L.pattern.amount, opacity = L.opacity;
  const tm = L.texture.mottle, tg = L.texture.grain, tf = L.texture.fibre;
  const hasPattern = pat.code !== 0 && amount > 0;
  for (let j = j0; j <= j1; j++) {
    const y = win.y + (j + 0.5) * py;
    const t = smooth((y - L.shadeY0) * cl.invShade);
    const br = c1r + (c2r - c1r) * t, bg = c1g + (c2g - c1g) * t, bb = c1b + (c2b - c1b) * t;
    let o = (j * size + i0) * 3;
    for (let i = i0; i <= i1; i++, o += 3) {
      if (j >= cover[i]) continue;
      const x = win.x + (i + 0.5) * px;
      const sd = terrain ? (hBuf[i] - y) * gBuf[i] : signedDistance(s, x, y);
      if (sd >= reach) continue;
      let cov: number;
      if (sd <= -reach) cov = 1;
      else if (ns === 1) cov = sd >= 0.5 * pw ? 0 : sd <= -0.5 * pw ? 1 : 0.5 - sd / pw;
      else cov = subCoverage(s, x, y, px, py, ns);
      if (cov <= 0) continue;
      const a = cov * opacity;
      let r = br, g = bg, b = bb;
      if (hasPattern) {
        const m = patternValue(pat, x, y, pw) * amount;
        r += (pr - r) * m; g += (pg - g) * m; b += (pb - b) * m;
      }
      const k = 1 - a;
      img[o] = img[o] * k + r * a;
      img[o + 1] = img[o + 1] * k + g * a;
      img[o + 2] = img[o + 2] * k + b * a;
      tex[o] = tex[o] * k + tm * a;
      tex[o + 1] = tex[o + 1] * k + tg * a;
      tex[o + 2] = tex[o + 2] * k + tf * a;
    }
  }
}

function subCoverage(s: CompiledShape, x: number, y: number, px: number, py: number, ns: number): number {
  const sw = Math.sqrt(px * py) / ns;
  let sum = 0;
  for (let b = 0; b < ns; b++) {
    const yy = y + ((b + 0.5) / ns - 0.5) * py;
    for (let a = 0; a < ns; a++) {
      const sd = signedDistance(s, x + ((a + 0.5) / ns - 0.5) * px, yy);
      sum += sd >= 0.5 * sw ? 0 : sd <= -0.5 * sw ? 1 : 0.5 - sd / sw;
    }
  }
  return sum / (ns * ns);
}

/** Noise fields modulate brightness, then vignette, then colour units → [-1, 1]. */
function finish(scene: Scene, cs: CompiledScene, img: Float32Array, tex: Float32Array, size: number, win: Window, px: number, py: number): void {
  // Skip a field whose pixel-averaged contribution is below a thousandth of the colour range.
  const raster = (k: number): FieldRaster | null => (cs.maxAmp[k] > 0 ? rasterField(cs.fields[k], size, win.x, win.y, px, py, 1e-3 / cs.maxAmp[k]) : null);
  const M = raster(0), G = raster(1), F = raster(2);
  const vig = scene.vignette * 2;
  for (let j = 0; j < size; j++) {
    const y = win.y + (j + 0.5) * py - 0.5;
    M?.setRow(j);
    G?.setRow(j);
    F?.setRow(j);
    const vy = 1 - vig * y * y;
    let o = j * size * 3;
    for (let i = 0; i < size; i++, o += 3) {
      const x = win.x + (i + 0.5) * px - 0.5;
      // Only the fields this pixel's material uses are evaluated.
      let n = 1;
      const am = tex[o], ag = tex[o + 1], af = tex[o + 2];
      if (M !== null && am !== 0) n += am * M.at(i);
      if (G !== null && ag !== 0) n += ag * G.at(i);
      if (F !== null && af !== 0) n += af * F.at(i);
      const k = 2 * n * (vy - vig * x * x);
      const r = img[o] * k - 1, g = img[o + 1] * k - 1, b = img[o + 2] * k - 1;
      img[o] = r < -1 ? -1 : r > 1 ? 1 : r;
      img[o + 1] = g < -1 ? -1 : g > 1 ? 1 : g;
      img[o + 2] = b < -1 ? -1 : b > 1 ? 1 : b;
    }
  }
}
