// max |a − b| / max |b|: an error relative to the reference's scale, for comparing a kernel's output with
// the cpu backend's (the tests of train/kernels and src/lib/models/wasm-kernels).
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / Math.max(den, 1e-30);
}
