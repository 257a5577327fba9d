// Small Gaussian lights (stars, glints, speckle) added to a raster as their exact mean over each
// pixel: a separable Gaussian integrates over a box to a product of two normal-CDF differences.
import type { SplatGroup } from './scene';

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(x: number): number {
  const s = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

let wxBuf = new Float64Array(64), wyBuf = new Float64Array(64);

/** Fills buf[0..n) with the Gaussian's mass in each of n cells of width step starting at `start`. */
function cellMasses(buf: Float64Array, n: number, start: number, step: number, mu: number, sigma: number): void {
  const k = 1 / (sigma * Math.SQRT2);
  let prev = erf((start - mu) * k);
  for (let i = 0; i < n; i++) {
    const next = erf((start + (i + 1) * step - mu) * k);
    buf[i] = 0.5 * (next - prev);
    prev = next;
  }
}

/**
 * Adds each splat of `group` into `img` ([size, size, 3], values in colour units) over the window
 * whose top-left is (x0, y0) with pixel size (px, py). A splat's peak amplitude a means a total
 * energy a·2πσ², spread over whichever pixels it touches: the same light at every resolution.
 */
export function drawSplats(img: Float32Array, size: number, x0: number, y0: number, px: number, py: number, group: SplatGroup): void {
  const s = group.sigma;
  const reach = 4 * s;
  const [cr, cg, cb] = group.color;
  const pts = group.points;
  const norm = (2 * Math.PI * s * s) / (px * py);
  for (let p = 0; p < pts.length; p += 3) {
    const x = pts[p], y = pts[p + 1], amp = pts[p + 2] * norm;
    const i0 = Math.max(0, Math.floor((x - reach - x0) / px));
    const i1 = Math.min(size - 1, Math.floor((x + reach - x0) / px));
    if (i1 < i0) continue;
    const j0 = Math.max(0, Math.floor((y - reach - y0) / py));
    const j1 = Math.min(size - 1, Math.floor((y + reach - y0) / py));
    if (j1 < j0) continue;
    const nx = i1 - i0 + 1, ny = j1 - j0 + 1;
    if (nx > wxBuf.length) wxBuf = new Float64Array(nx * 2);
    if (ny > wyBuf.length) wyBuf = new Float64Array(ny * 2);
    cellMasses(wxBuf, nx, x0 + i0 * px, px, x, s);
    cellMasses(wyBuf, ny, y0 + j0 * py, py, y, s);
    for (let j = 0; j < ny; j++) {
      const wy = wyBuf[j] * amp;
      if (wy < 1e-7) continue;
      let o = ((j0 + j) * size + i0) * 3;
      for (let i = 0; i < nx; i++, o += 3) {
        const w = wxBuf[i] * wy;
        img[o] += w * cr;
        img[o + 1] += w * cg;
        img[o + 2] += w * cb;
      }
    }
  }
}
