// Band-limited noise as a random sum of plane waves (random-phase Fourier synthesis, cf. Lewis 1987,
// "Generalized stochastic subdivision"; Lagae et al. 2010, "Procedural noise using sparse Gabor
// convolution"). A wave's mean over a pixel box is the wave times sinc(kx·px)·sinc(ky·py), so every
// render, at any size or window, is the EXACT area average of one continuous field.
import { makeRng } from '../math/rng';

/**
 * A field Σ_kl Re(A_kl · e^{2πi(kx_k x + ky_l y)}) on a tensor grid of frequencies (cycles per unit).
 * The grid makes the sum separable: per row W_k = Σ_l A_kl·e^{2πi ky_l y}, per pixel Σ_k Re(X_k W_k),
 * so a pixel costs O(Kx) for Kx·Ky waves.
 */
export interface FourierField {
  kx: Float64Array; // [Kx]
  ky: Float64Array; // [Ky]
  ar: Float64Array; // [Kx·Ky] real parts, row-major in k
  ai: Float64Array; // [Kx·Ky] imaginary parts
}

export interface FieldBand {
  lo: number;
  hi: number;
  /** Directional fields: the fibres run along this angle; the waves vary across it. */
  fibreAngle?: number;
  /** Half-width of the angular spread in radians (directional fields). */
  spread?: number;
}

/** A unit-variance field whose spectrum fills the band (and the wedge, for fibres). */
export function makeField(seed: number, band: FieldBand, kxCount: number, kyCount: number): FourierField {
  const rng = makeRng(seed);
  const directional = band.fibreAngle !== undefined;
  // Wave normal (across the fibres), flipped into the upper half plane: (k, −k) are one real wave.
  let na = directional ? (band.fibreAngle as number) + Math.PI / 2 : 0;
  na = ((na % Math.PI) + Math.PI) % Math.PI;
  const spread = band.spread ?? 0.3;
  let kxLo = -band.hi, kxHi = band.hi, kyLo = 0, kyHi = band.hi;
  if (directional) {
    // Bounding box of the wedge, so the grid spends its waves where the envelope is non-zero.
    kxLo = Infinity; kxHi = -Infinity; kyLo = Infinity; kyHi = -Infinity;
    for (let a = -1; a <= 1; a += 0.125)
      for (const r of [band.lo, band.hi]) {
        const t = na + a * spread * 1.5;
        const x = r * Math.cos(t), y = r * Math.sin(t);
        kxLo = Math.min(kxLo, x); kxHi = Math.max(kxHi, x); kyLo = Math.min(kyLo, y); kyHi = Math.max(kyHi, y);
      }
  }
  const kx = new Float64Array(kxCount), ky = new Float64Array(kyCount);
  for (let k = 0; k < kxCount; k++) kx[k] = kxLo + ((k + rng.next()) / kxCount) * (kxHi - kxLo);
  for (let l = 0; l < kyCount; l++) ky[l] = kyLo + ((l + rng.next()) / kyCount) * (kyHi - kyLo);
  const ar = new Float64Array(kxCount * kyCount), ai = new Float64Array(kxCount * kyCount);
  let energy = 0;
  for (let k = 0; k < kxCount; k++)
    for (let l = 0; l < kyCount; l++) {
      const r = Math.hypot(kx[k], ky[l]);
      let e = r <= band.lo || r >= band.hi ? 0 : Math.sin((Math.PI * (r - band.lo)) / (band.hi - band.lo));
      if (directional && e > 0) {
        let da = Math.atan2(ky[l], kx[k]) - na;
        da -= Math.PI * Math.round(da / Math.PI);
        e *= Math.exp(-((da / spread) * (da / spread)));
      }
      const i = k * kyCount + l;
      ar[i] = e * rng.normal();
      ai[i] = e * rng.normal();
      energy += (ar[i] * ar[i] + ai[i] * ai[i]) / 2;
    }
  const norm = energy > 0 ? 1 / Math.sqrt(energy) : 0;
  for (let i = 0; i < ar.length; i++) {
    ar[i] *= norm;
    ai[i] *= norm;
  }
  return { kx, ky, ar, ai };
}

function sinc(t: number): number {
  if (Math.abs(t) < 1e-8) return 1;
  const a = Math.PI * t;
  return Math.sin(a) / a;
}

/** A field prepared for one render: box-filtered amplitudes and the per-column wave table. */
export interface FieldRaster {
  /** RMS of the pixel-averaged field (1 at infinitely fine pixels). */
  rms: number;
  /** Makes row j current (O(Kx·Ky)); then at(c) is the pixel average at column c (O(Kx)). */
  setRow(j: number): void;
  at(c: number): number;
}

/**
 * Prepares `field` for a size×size raster of the window starting at (x0, y0) with pixel size
 * (px, py) in scene units. Null when the pixel-averaged field's RMS is below minRms (not worth rastering).
 */
export function rasterField(field: FourierField, size: number, x0: number, y0: number, px: number, py: number, minRms = 0): FieldRaster | null {
  const Kx = field.kx.length, Ky = field.ky.length;
  const br = new Float64Array(Kx * Ky), bi = new Float64Array(Kx * Ky);
  let energy = 0;
  for (let k = 0; k < Kx; k++) {
    const sx = sinc(field.kx[k] * px);
    for (let l = 0; l < Ky; l++) {
      const s = sx * sinc(field.ky[l] * py);
      const i = k * Ky + l;
      br[i] = field.ar[i] * s;
      bi[i] = field.ai[i] * s;
      energy += (br[i] * br[i] + bi[i] * bi[i]) / 2;
    }
  }
  if (Math.sqrt(energy) < minRms) return null;
  // Column table X_k(x_i) = e^{2πi kx_k x_i}, laid out [size, Kx] for the inner loop.
  const xt = new Float64Array(size * Kx * 2); // [size, Kx, re/im]
  for (let c = 0; c < size; c++) {
    const x = x0 + (c + 0.5) * px;
    for (let k = 0; k < Kx; k++) {
      const a = 2 * Math.PI * field.kx[k] * x;
      xt[(c * Kx + k) * 2] = Math.cos(a);
      xt[(c * Kx + k) * 2 + 1] = Math.sin(a);
    }
  }
  const wr = new Float64Array(Kx), wi = new Float64Array(Kx);
  const yr = new Float64Array(Ky), yi = new Float64Array(Ky);
  return {
    rms: Math.sqrt(energy),
    setRow(j) {
      const y = y0 + (j + 0.5) * py;
      for (let l = 0; l < Ky; l++) {
        const a = 2 * Math.PI * field.ky[l] * y;
        yr[l] = Math.cos(a);
        yi[l] = Math.sin(a);
      }
      for (let k = 0; k < Kx; k++) {
        let sr = 0, si = 0;
        const o = k * Ky;
        for (let l = 0; l < Ky; l++) {
          const ar = br[o + l], ai = bi[o + l];
          sr += ar * yr[l] - ai * yi[l];
          si += ar * yi[l] + ai * yr[l];
        }
        wr[k] = sr;
        wi[k] = si;
      }
    },
    at(c) {
      let s = 0;
      let o = c * Kx * 2;
      for (let k = 0; k < Kx; k++, o += 2) s += xt[o] * wr[k] - xt[o + 1] * wi[k];
      return s;
    },
  };
}
