// SiLU's passes (Elfwing et al. 2018: silu(x) = x·σ(x)) as WebAssembly SIMD functions, four elements a
// step with a scalar tail run through the same vector code. tfjs-backend-wasm runs XNNPACK's Sigmoid
// and then a Multiply, two passes and two dispatches; here one pass computes both. e^−z comes from
// Cephes' expf: −z = n·ln 2 + r, |r| ≤ ln 2 / 2, e^r ≈ 1 + r + r²·P(r) with P of degree 5, 2^n built in
// the exponent bits. Relative error about 1e-7, as float32's std::exp.
import { elementLoop, load, store } from './element-loop-wat';

const splat = (v: number) => `(v128.const f32x4 ${v} ${v} ${v} ${v})`;
/** Cephes expf's polynomial, highest power first. */
const EXP_P = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];

/**
 * WAT statements setting $sg = σ($v), with locals $z $n $r $p. As XNNPACK's rr2-p5-div sigmoid: with
 * z = |x|, e = e^−z ∈ (0, 1] never overflows, σ(−z) = e / (1 + e), and σ(x) = 1 − σ(−x) for x > 0. n is
 * rounded by adding a magic bias 1.5·2²³ (+127), whose low mantissa bits then hold n + 127: shifted by
 * 23 they are 2^n. Past z = 87.3 e is below float32's normal range and σ(−z) is flushed to 0.
 */
function sigmoid(): string {
  return `(local.set $z (f32x4.abs (local.get $v)))
      (local.set $n (f32x4.add (f32x4.mul (local.get $z) ${splat(-1.442695)}) ${splat(12583039)}))
      (local.set $p (i32x4.shl (local.get $n) (i32.const 23)))
      (local.set $n (f32x4.sub (local.get $n) ${splat(12583039)}))
      (local.set $r (f32x4.add (f32x4.mul (local.get $n) ${splat(0.693359375)}) (local.get $z)))
      (local.set $r (f32x4.add (f32x4.mul (local.get $n) ${splat(-2.12194440e-4)}) (local.get $r)))
      (local.set $r (f32x4.neg (local.get $r)))
      (local.set $sg ${splat(EXP_P[0])})
      ${EXP_P.slice(1).map((c) => `(local.set $sg (f32x4.add (f32x4.mul (local.get $sg) (local.get $r)) ${splat(c)}))`).join('\n      ')}
      (local.set $sg (f32x4.mul (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $r) (local.get $r)) (local.get $sg)) (local.get $r)) ${splat(1)}) (local.get $p)))
      (local.set $sg (f32x4.div (local.get $sg) (f32x4.add (local.get $sg) ${splat(1)})))
      (local.set $sg (v128.andnot (local.get $sg) (f32x4.gt (local.get $z) ${splat(87.33)})))
      (local.set $sg (v128.bitselect (local.get $sg) (f32x4.sub ${splat(1)} (local.get $sg)) (f32x4.lt (local.get $v) ${splat(0)})))`;
}

const LOCALS = '(local $end i32) (local $v v128) (local $sg v128) (local $z v128) (local $n v128) (local $r v128) (local $p v128)';
const yValue = '(f32x4.mul (local.get $v) (local.get $sg))';
/** $v = x, then $sg = σ(x), then `stores`. */
const withSigmoid = (stores: (vec: boolean) => string) => (vec: boolean) => `(local.set $v ${load('$x', vec)})
      ${sigmoid()}
      ${stores(vec)}`;

/**
 * `silu(x, y, count)`: y = x·σ(x). `siluSave(x, s, y, count)`: also s = σ(x), which the gradient
 * reuses. `siluGrad(dy, s, y, dx, count)`: dx = dy·(s + y·(1 − s)), the derivative of x·σ(x) from the
 * saved s and y, one pass where tfjs's composed ops took four.
 */
export function siluWat(): string {
  return `
  (func (export "silu") (param $x i32) (param $y i32) (param $count i32) ${LOCALS}
    ${elementLoop(['$x', '$y'], withSigmoid((vec) => store('$y', yValue, vec)))})
  (func (export "siluSave") (param $x i32) (param $s i32) (param $y i32) (param $count i32) ${LOCALS}
    ${elementLoop(['$x', '$s', '$y'], withSigmoid((vec) => `${store('$s', '(local.get $sg)', vec)} ${store('$y', yValue, vec)}`))})
  (func (export "siluGrad") (param $d i32) (param $s i32) (param $y i32) (param $o i32) (param $count i32)
    (local $end i32) (local $sv v128)
    ${elementLoop(['$o', '$d', '$s', '$y'], (vec) => `(local.set $sv ${load('$s', vec)})
      ${store('$o', `(f32x4.mul ${load('$d', vec)} (f32x4.add (local.get $sv) (f32x4.mul ${load('$y', vec)} (f32x4.sub ${splat(1)} (local.get $sv)))))`, vec)}`)})`;
}
