// SiLU's gradient (silu.ts) as one WebAssembly SIMD pass for wasm-kernels.ts's module: with s = σ(x)
// and y = x·s saved by the forward, dx = dy·(s + y·(1 − s)) (Elfwing et al. 2018, the derivative of
// x·σ(x)), where tfjs's composed ops took four passes.

const advance = (bytes: number) =>
  ['$d', '$s', '$y', '$o'].map((p) => `(local.set ${p} (i32.add (local.get ${p}) (i32.const ${bytes})))`).join(' ');

/** `siluGrad(dy, s, y, out, n)`: n elements, four a step, then a scalar tail. */
export function siluWat(): string {
  return `
  (func (export "siluGrad") (param $d i32) (param $s i32) (param $y i32) (param $o i32) (param $n i32)
    (local $end i32) (local $sv v128) (local $ss f32)
    (local.set $end (i32.add (local.get $o) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vdone (loop $vec
      (br_if $vdone (i32.ge_u (local.get $o) (local.get $end)))
      (local.set $sv (v128.load (local.get $s)))
      (v128.store (local.get $o) (f32x4.mul (v128.load (local.get $d)) (f32x4.add (local.get $sv)
        (f32x4.mul (v128.load (local.get $y)) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $sv))))))
      ${advance(16)}
      (br $vec)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $sdone (loop $tail
      (br_if $sdone (i32.ge_u (local.get $o) (local.get $end)))
      (local.set $ss (f32.load (local.get $s)))
      (f32.store (local.get $o) (f32.mul (f32.load (local.get $d)) (f32.add (local.get $ss)
        (f32.mul (f32.load (local.get $y)) (f32.sub (f32.const 1) (local.get $ss))))))
      ${advance(4)}
      (br $tail))))`;
}
