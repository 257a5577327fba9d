// One AdamW update (train/adamw.ts; Loshchilov & Hutter 2019, Algorithm 2, with Kingma & Ba's moments
// and bias corrections) as one WebAssembly SIMD pass over a parameter, its gradient and both moments,
// where tfjs ops took 13 kernels per parameter (1 419 dispatches a base-64 step). In float32, in the
// order the ops computed it:
//   m' = β1·m + (1 − β1)·g,  v' = β2·v + (1 − β2)·g²,  p' = keep·p − lr·(m'/c1) / (√(v'/c2) + ε)
// with keep = 1 − lr·λ for decayed parameters, 1 for the rest.

import { elementLoop, load as loadAt, store as storeAt } from '../../src/lib/models/wasm-kernels/element-loop-wat';

const f = (name: string) => `(f32x4.splat (local.get $${name}))`;

/** The statements for four elements (`vec`) or one (element-loop-wat.ts). */
function update(vec: boolean): string {
  const load = (q: string) => loadAt(q, vec);
  const store = (q: string, value: string) => storeAt(q, value, vec);
  return `(local.set $gv ${load('$g')})
      (local.set $mv (f32x4.add (f32x4.mul ${load('$m')} ${f('b1')}) (f32x4.mul (local.get $gv) ${f('nb1')})))
      (local.set $vv (f32x4.add (f32x4.mul ${load('$v')} ${f('b2')}) (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) ${f('nb2')})))
      ${store('$mo', '(local.get $mv)')}
      ${store('$vo', '(local.get $vv)')}
      ${store('$po', `(f32x4.sub (f32x4.mul ${load('$p')} ${f('keep')}) (f32x4.mul (f32x4.div (f32x4.div (local.get $mv) ${f('c1')})
        (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) ${f('c2')})) ${f('eps')})) ${f('lr')}))`)}`;
}

/**
 * `adamw(p, g, m, v, pOut, mOut, vOut, count, b1, 1 − b1, b2, 1 − b2, c1, c2, eps, lr, keep)`: byte
 * addresses of the parameter, gradient and moments, of the three outputs, the element count, then the
 * settings, each rounded to float32 from the caller's float64 as tfjs rounds a scalar.
 */
export function adamwWat(): string {
  return `
  (func (export "adamw") (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $po i32) (param $mo i32)
    (param $vo i32) (param $count i32) (param $b1 f32) (param $nb1 f32) (param $b2 f32) (param $nb2 f32) (param $c1 f32)
    (param $c2 f32) (param $eps f32) (param $lr f32) (param $keep f32)
    (local $end i32) (local $gv v128) (local $mv v128) (local $vv v128)
    ${elementLoop(['$po', '$p', '$g', '$m', '$v', '$mo', '$vo'], update)})`;
}
