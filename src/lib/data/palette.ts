// Colour helpers for the scene sampler: HSL construction (CSS Color 4's hsl → sRGB formula), mixing and
// seeded jitter, so each scene kind can draw harmonious palettes from a few hue ranges.
import type { Rng } from '../math/rng';
import type { Rgb } from './scene';

/** h in degrees, s and l in [0, 1] → sRGB in [0, 1] (CSS Color 4, §hsl-to-rgb). */
export function hsl(h: number, s: number, l: number): Rgb {
  const f = (n: number): number => {
    const k = (n + h / 30) % 12;
    const a = s * Math.min(l, 1 - l);
    return l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
  };
  return [round(f(0)), round(f(8)), round(f(4))];
}

function round(x: number): number {
  return Math.round(Math.min(1, Math.max(0, x)) * 1e4) / 1e4;
}

/** Linear blend a → b by t. */
export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t)];
}

/** Scales brightness (k < 1 darkens). */
export function shade(c: Rgb, k: number): Rgb {
  return [round(c[0] * k), round(c[1] * k), round(c[2] * k)];
}

/** An HSL colour with each coordinate jittered: hue ± dh degrees, s and l ± ds, dl. */
export function jitterHsl(rng: Rng, h: number, s: number, l: number, dh = 8, ds = 0.06, dl = 0.05): Rgb {
  return hsl((h + rng.range(-dh, dh) + 360) % 360, clamp01(s + rng.range(-ds, ds)), clamp01(l + rng.range(-dl, dl)));
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
