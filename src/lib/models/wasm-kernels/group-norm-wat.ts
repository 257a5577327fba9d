// GroupNorm's full-size passes (group-norm-simd.ts) as WebAssembly SIMD functions for wasm-kernels.ts's
// module. Activations are NHWC, read as [B, rows = H·W, C] with C a multiple of 4; per-(b, c) tables
// are [B, C]. Each function makes one pass over its inputs, four channels per f32x4: the forward is a
// sums pass and an affine pass, the backward the same with dy (Wu & He 2018, eq. 1–2; the gradient's
// closed form is in group-norm.ts). tfjs's composed ops took 5 full passes forward and 7 backward,
// each broadcast op a generic loop.

/** Loop over the channels of one row: `body` sees byte offset $c; 16 bytes = 4 channels a step. */
function channelLoop(body: string): string {
  return `(local.set $c (i32.const 0))
        (loop $ch
          ${body}
          (local.set $c (i32.add (local.get $c) (i32.const 16)))
          (br_if $ch (i32.lt_u (local.get $c) (local.get $rowBytes))))`;
}

/** Loop over b and rows; `perRow` advances the row pointers, `perItem` the [B, C] table pointers. */
function batchRowLoop(body: string, perRow: string[], perItem: string[], beforeRows = ''): string {
  const bump = (p: string) => `(local.set ${p} (i32.add (local.get ${p}) (local.get $rowBytes)))`;
  return `(local.set $rowBytes (i32.shl (local.get $ch) (i32.const 2)))
    (block $done (loop $items
      (br_if $done (i32.eqz (local.get $b)))
      ${beforeRows}
      (local.set $r (local.get $rows))
      (loop $row
        ${channelLoop(body)}
        ${perRow.map(bump).join(' ')}
        (local.set $r (i32.sub (local.get $r) (i32.const 1)))
        (br_if $row (i32.gt_u (local.get $r) (i32.const 0))))
      ${perItem.map(bump).join(' ')}
      (local.set $b (i32.sub (local.get $b) (i32.const 1)))
      (br $items)))`;
}

const at = (p: string) => `(i32.add (local.get ${p}) (local.get $c))`;
const COMMON = '(local $rowBytes i32) (local $r i32) (local $c i32) (local $v v128)';

/**
 * `channelSums(x, y, b, rows, ch, sumY, sumYX)`: sumY[b, c] = Σ_rows y, sumYX[b, c] = Σ_rows y·x
 * (y = x gives Σx and Σx²; y = dy gives Σdy and Σdy·x). Sums run in row order in f32, as XNNPACK's
 * average pool did. `affine(x, out, b, rows, ch, scale, shift)`: out = x·scale[b, c] + shift[b, c].
 * `affine2(dy, x, out, b, rows, ch, p, q, k)`: out = dy·p[b, c] + x·q[b, c] + k[b, c].
 */
export function groupNormWat(): string {
  return `
  (func (export "channelSums") (param $x i32) (param $y i32) (param $b i32) (param $rows i32) (param $ch i32)
    (param $sumY i32) (param $sumYX i32) ${COMMON}
    ${batchRowLoop(`(local.set $v (v128.load ${at('$y')}))
          (v128.store ${at('$sumY')} (f32x4.add (v128.load ${at('$sumY')}) (local.get $v)))
          (v128.store ${at('$sumYX')} (f32x4.add (v128.load ${at('$sumYX')}) (f32x4.mul (local.get $v) (v128.load ${at('$x')}))))`,
    ['$x', '$y'], ['$sumY', '$sumYX'],
    channelLoop(`(v128.store ${at('$sumY')} (v128.const i32x4 0 0 0 0)) (v128.store ${at('$sumYX')} (v128.const i32x4 0 0 0 0))`))})
  (func (export "affine") (param $x i32) (param $out i32) (param $b i32) (param $rows i32) (param $ch i32)
    (param $scale i32) (param $shift i32) ${COMMON}
    ${batchRowLoop(`(v128.store ${at('$out')} (f32x4.add (f32x4.mul (v128.load ${at('$x')}) (v128.load ${at('$scale')})) (v128.load ${at('$shift')})))`,
    ['$x', '$out'], ['$scale', '$shift'])})
  (func (export "affine2") (param $dy i32) (param $x i32) (param $out i32) (param $b i32) (param $rows i32) (param $ch i32)
    (param $p i32) (param $q i32) (param $k i32) ${COMMON}
    ${batchRowLoop(`(v128.store ${at('$out')} (f32x4.add (f32x4.add (f32x4.mul (v128.load ${at('$dy')}) (v128.load ${at('$p')}))
            (f32x4.mul (v128.load ${at('$x')}) (v128.load ${at('$q')}))) (v128.load ${at('$k')})))`,
    ['$dy', '$x', '$out'], ['$p', '$q', '$k'])})`;
}

