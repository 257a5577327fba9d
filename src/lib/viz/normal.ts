// The standard normal density, the curve every pixel histogram of x_t approaches as ᾱ_t → 0
// (q(x_T | x_0) ≈ N(0, I), DDPM §2).

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Density of N(mean, sd²) at x. */
export function normalPdf(x: number, mean = 0, sd = 1): number {
  const z = (x - mean) / sd;
  return (INV_SQRT_2PI / sd) * Math.exp(-0.5 * z * z);
}

/** `n` evenly spaced points (x, pdf(x)) on [lo, hi], for drawing the curve. */
export function normalCurve(lo: number, hi: number, n = 121, mean = 0, sd = 1): { x: number; y: number }[] {
  const points: { x: number; y: number }[] = [];
  for (let i = 0; i < n; i++) {
    const x = lo + ((hi - lo) * i) / (n - 1);
    points.push({ x, y: normalPdf(x, mean, sd) });
  }
  return points;
}
