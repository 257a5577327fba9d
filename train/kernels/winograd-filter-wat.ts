// The weight gradient of a 3×3, stride-1, 'same' convolution in Winograd's domain (Lavin & Gray 2016,
// arXiv 1509.09308, §4): the forward Y = Aᵀ[Σ_ci U ⊙ V]A with U = G g Gᵀ is linear in U and U in g, so
//
//   dU[ξ, ci, co] = Σ_tiles V[ξ, tile, ci] · dM[ξ, tile, co],  dM = A dY Aᵀ,   dg = Gᵀ dU G,
//
// α² GEMMs with a long reduction over the tiles (α = m + 2) in place of the direct form's 9 taps over
// every pixel: 4× fewer multiply-adds with F(4×4, 3×3), 2.25× with F(2×2, 3×3). Per block of tiles, the
// input transform is the forward's (src/lib/models/wasm-kernels/winograd-wat.ts), dM comes from dy's
// m×m tiles, and a 4 input × 8 output channel register tile adds V[ξ]ᵀ·dM[ξ] into dU, as the direct
// dW kernel does over positions (filter-grad-wat.ts). A last pass turns dU into dW.
import { blockLocals, eachChannelPair, eachTile, F2, F4, inputPass, locals, overBlocks, range, sandwich, storePoints, tilePixel, tileRows, v, type WinogradForm } from '../../src/lib/models/wasm-kernels/winograd-wat';

const transpose = (M: number[][]) => M[0].map((_, j) => M.map((row) => row[j]));

/** dM[ξ, k, :] = (A dY Aᵀ)[ξ] for each tile k of the block, dY the tile's m×m pixels of dy. */
function dyPass(f: WinogradForm): string {
  const a = f.m + 2;
  const loads = range(f.m * f.m).map((i) => `(local.set $d${i} (v128.load ${tilePixel(f, i)}))`).join('\n          ');
  return eachTile(tileRows(f, '$dy'), `${loads}
        ${sandwich(transpose(f.AT), 'd', f.m, 't', 'e')}
          ${storePoints(a * a, '$ms', '$cob', '$mplane')}`, '$cob');
}

/** dU[ξ] += V[ξ]ᵀ · dM[ξ] over the block's n tiles, 4 input × 8 output channels per register tile. */
function gemmPass(f: WinogradForm): string {
  const tile = (fn: (i: number, j: number) => string) => range(4).flatMap((i) => [0, 1].map((j) => fn(i, j))).join('\n            ');
  const at = (i: number) => `(i32.add (local.get $q) (i32.mul (local.get $cob) (i32.const ${i})))`;
  return `(local.set $xi (i32.const 0))
      (loop $points
        (local.set $c (i32.const 0))
        (loop $ins
          (local.set $o (i32.const 0))
          (loop $outs
            ;; dU[ξ, c + i, o..o + 8]
            (local.set $q (i32.add (local.get $du) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $xi) (local.get $ci)) (local.get $c)) (local.get $co)) (local.get $o)) (i32.const 2))))
            ${tile((i, j) => `(local.set $a${2 * i + j} (v128.load offset=${16 * j} ${at(i)}))`)}
            (local.set $vp (i32.add (i32.add (local.get $vs) (i32.mul (local.get $xi) (local.get $vplane))) (i32.shl (local.get $c) (i32.const 2))))
            (local.set $mp (i32.add (i32.add (local.get $ms) (i32.mul (local.get $xi) (local.get $mplane))) (i32.shl (local.get $o) (i32.const 2))))
            (local.set $mend (i32.add (local.get $mp) (i32.mul (local.get $n) (local.get $cob))))
            (loop $dot
              (local.set $b0 (v128.load (local.get $mp)))
              (local.set $b1 (v128.load offset=16 (local.get $mp)))
              ${range(4).map((i) => `(local.set $s (v128.load32_splat offset=${4 * i} (local.get $vp)))
              ${[0, 1].map((j) => `(local.set $a${2 * i + j} (f32x4.add ${v(`a${2 * i + j}`)} (f32x4.mul (local.get $s) (local.get $b${j}))))`).join(' ')}`).join('\n              ')}
              (local.set $vp (i32.add (local.get $vp) (local.get $cib)))
              (local.set $mp (i32.add (local.get $mp) (local.get $cob)))
              (br_if $dot (i32.lt_u (local.get $mp) (local.get $mend))))
            ${tile((i, j) => `(v128.store offset=${16 * j} ${at(i)} (local.get $a${2 * i + j}))`)}
            (local.set $o (i32.add (local.get $o) (i32.const 8)))
            (br_if $outs (i32.lt_u (local.get $o) (local.get $co))))
          (local.set $c (i32.add (local.get $c) (i32.const 4)))
          (br_if $ins (i32.lt_u (local.get $c) (local.get $ci))))
        (local.set $xi (i32.add (local.get $xi) (i32.const 1)))
        (br_if $points (i32.lt_u (local.get $xi) (i32.const ${(f.m + 2) ** 2}))))`;
}

/**
 * `winoFilter{m}(x, dy, du, zero, vs, ms, h, w, ci, co, first, end, block)`: dU [α², Ci, Co] += the
 * tiles [first, end)'s products (x [B, H, W, Ci], dy [B, H, W, Co]; H, W multiples of m; Ci a
 * multiple of 4, Co of 8; scratch vs [α², block, Ci], ms [α², block, Co]; `zero` Ci zeros).
 */
function filterWat(f: WinogradForm): string {
  return `
  (func (export "winoFilter${f.m}") (param $x i32) (param $dy i32) (param $du i32) (param $zero i32)
    (param $vs i32) (param $ms i32) (param $h i32) (param $w i32) (param $ci i32) (param $co i32)
    (param $first i32) (param $end i32) (param $block i32)
    (local $c i32) (local $o i32) (local $vp i32) (local $mp i32) (local $mend i32) (local $half i32) ;; 0: x at full size
    ${blockLocals(f)}
    ${overBlocks(f, [inputPass(f), dyPass(f), gemmPass(f)])})`;
}

/**
 * `winoFilterOut{m}(du, du2, dw, ci, co, two)`: dW [3, 3, Ci, Co] = Gᵀ (dU + dU₂ if `two`) G, four
 * output channels per f32x4 (Co a multiple of 4).
 */
function filterOutWat(f: WinogradForm): string {
  const a = f.m + 2;
  return `
  (func (export "winoFilterOut${f.m}") (param $du i32) (param $du2 i32) (param $dw i32) (param $ci i32) (param $co i32) (param $two i32)
    (local $c i32) (local $o i32) (local $at i32) (local $p i32) (local $plane i32)
    ${locals('d', a * a, 'v128')} ${locals('t', 3 * a, 'v128')} ${locals('e', 9, 'v128')}
    ${eachChannelPair(`${range(a * a).map((i) => `(local.set $p (i32.add (local.get $at) (i32.mul (local.get $plane) (i32.const ${i}))))
        (local.set $d${i} (v128.load (i32.add (local.get $du) (local.get $p))))
        (if (local.get $two) (then (local.set $d${i} (f32x4.add (local.get $d${i}) (v128.load (i32.add (local.get $du2) (local.get $p)))))))`).join('\n        ')}
        ${sandwich(transpose(f.G), 'd', a, 't', 'e')}
        ${range(9).map((i) => `(v128.store (i32.add (local.get $dw) (i32.add (local.get $at) (i32.mul (local.get $plane) (i32.const ${i})))) (local.get $e${i}))`).join('\n        ')}`)})`;
}

/** The functions' text, for the trainer's module: winoFilter2, winoFilterOut2, winoFilter4, winoFilterOut4. */
export function winogradFilterWat(): string {
  return [F2, F4].map((f) => `${filterWat(f)}${filterOutWat(f)}`).join('');
}
