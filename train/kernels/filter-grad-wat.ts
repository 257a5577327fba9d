// The stride-1 Conv2D weight gradient as a WebAssembly SIMD kernel of our own, in text form (WAT).
//
//   dW[t, ci, co] = Σ_n x̃[n + o_t, ci] · dỹ[n, co]        (t = (kh, kw), o_t = kh·Wp + kw)
//
// x̃ is x zero-padded, NHWC, read as rows [B·Hp·Wp, Ci]; dỹ is dy in the top-left Ho×Wo corner of a
// grid of the same size, zeros elsewhere, rows [B·Hp·Wp, Co] (the flat-index argument of
// filter-grad.ts). Tap t's left operand is then x̃ itself shifted by o_t rows: no im2col copy at all.
// For each tap, a tile of MR input channels × 4·NV output channels keeps its sums in registers while
// it walks a block of positions: per position it loads NV vectors of dỹ's row and splats MR
// scalars of x̃'s row, MR·NV multiply-adds (the rank-1 update form of a GEMM with a long reduction).
// Blocks of positions keep both operands' rows in cache across all taps and tiles.
//
// The module (wasm-kernels.ts) imports the tfjs wasm backend's own memory, so it reads x̃ and dỹ where
// tfjs put them and writes dW into a tensor tfjs allocated: the threaded build's heap is a
// SharedArrayBuffer, whose JS-side copies run at ~3 GB/s (README, "Training speed"); here nothing is
// copied in JS.

// A 4 × 8 tile: 8 accumulators + 2 loaded vectors + 1 splat fit x64's 16 vector registers. Measured at
// base-64's shapes (batch 16, one thread, blocks of 256): 4 × 8 and 2 × 16 ran 27–31 GFLOP/s, 8 × 8 and
// 4 × 16 (16 accumulators, spilled) 19–24; blocks of 128 to 1024 positions were within 5 %.
/** Input channels per register tile (Ci must be a multiple). */
export const MR = 4;
/** f32x4 vectors of output channels per register tile (Co must be a multiple of 4·NV). */
export const NV = 2;

/** Register tile (i, j): MR·NV accumulators, named so the WAT stays readable. */
function tiles(f: (i: number, j: number) => string): string {
  const out: string[] = [];
  for (let i = 0; i < MR; i++) for (let j = 0; j < NV; j++) out.push(f(i, j));
  return out.join('\n');
}

/**
 * The function's text, for wasm-kernels.ts's module. Export `filterGrad(x, dy, out, ci, co, wp, kh,
 * kw, total, block, c0, c1)`: byte addresses of x̃, dỹ and dW [KH·KW, Ci, Co] (which it adds into),
 * the sizes, the positions n ∈ [0, total), the block length, and the input channels [c0, c1) this
 * call owns (so two threads can split a layer; c0 < c1).
 */
export function filterGradWat(): string {
  const vecs = Array.from({ length: NV }, (_, j) => j);
  return `
  (func (export "filterGrad")
    (param $x i32) (param $dy i32) (param $out i32) (param $ci i32) (param $co i32) (param $wp i32)
    (param $kh i32) (param $kw i32) (param $total i32) (param $block i32) (param $c0 i32) (param $c1 i32)
    (local $xs i32) (local $ds i32) (local $taps i32) (local $n0 i32) (local $len i32) (local $t i32)
    (local $xrow i32) (local $drow i32) (local $c i32) (local $o i32) (local $op i32)
    (local $xp i32) (local $dp i32) (local $dend i32) (local $s v128)
    ${tiles((i, j) => `(local $a${i}${j} v128)`)}
    ${vecs.map((j) => `(local $d${j} v128)`).join(' ')}
    (local.set $xs (i32.shl (local.get $ci) (i32.const 2)))
    (local.set $ds (i32.shl (local.get $co) (i32.const 2)))
    (local.set $taps (i32.mul (local.get $kh) (local.get $kw)))
    (block $done (loop $blocks
      (br_if $done (i32.ge_u (local.get $n0) (local.get $total)))
      (local.set $len (i32.sub (local.get $total) (local.get $n0)))
      (if (i32.gt_u (local.get $len) (local.get $block)) (then (local.set $len (local.get $block))))
      (local.set $drow (i32.add (local.get $dy) (i32.mul (local.get $n0) (local.get $ds))))
      (local.set $t (i32.const 0))
      (loop $taps
        ;; x̃ row n0 + o_t, o_t = (t / KW)·Wp + t mod KW
        (local.set $xrow (i32.add (local.get $x) (i32.mul (local.get $xs) (i32.add (local.get $n0)
          (i32.add (i32.mul (i32.div_u (local.get $t) (local.get $kw)) (local.get $wp)) (i32.rem_u (local.get $t) (local.get $kw)))))))
        (local.set $c (local.get $c0))
        (loop $cin
          (local.set $o (i32.const 0))
          (loop $cout
            ;; dW[t, c.., o..] lives at out + ((t·Ci + c)·Co + o)·4; row i of the tile is ds bytes further
            (local.set $op (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $t) (local.get $ci)) (local.get $c)) (local.get $co)) (local.get $o)) (i32.const 2))))
            ${tiles((i, j) => `(local.set $a${i}${j} (v128.load offset=${16 * j} (i32.add (local.get $op) (i32.mul (local.get $ds) (i32.const ${i})))))`)}
            (local.set $xp (i32.add (local.get $xrow) (i32.shl (local.get $c) (i32.const 2))))
            (local.set $dp (i32.add (local.get $drow) (i32.shl (local.get $o) (i32.const 2))))
            (local.set $dend (i32.add (local.get $dp) (i32.mul (local.get $len) (local.get $ds))))
            (loop $pos
              ${vecs.map((j) => `(local.set $d${j} (v128.load offset=${16 * j} (local.get $dp)))`).join('\n              ')}
              ${Array.from({ length: MR }, (_, i) => `(local.set $s (v128.load32_splat offset=${4 * i} (local.get $xp)))
              ${vecs.map((j) => `(local.set $a${i}${j} (f32x4.add (local.get $a${i}${j}) (f32x4.mul (local.get $s) (local.get $d${j}))))`).join('\n              ')}`).join('\n              ')}
              (local.set $xp (i32.add (local.get $xp) (local.get $xs)))
              (local.set $dp (i32.add (local.get $dp) (local.get $ds)))
              (br_if $pos (i32.lt_u (local.get $dp) (local.get $dend))))
            ${tiles((i, j) => `(v128.store offset=${16 * j} (i32.add (local.get $op) (i32.mul (local.get $ds) (i32.const ${i}))) (local.get $a${i}${j}))`)}
            (local.set $o (i32.add (local.get $o) (i32.const ${4 * NV})))
            (br_if $cout (i32.lt_u (local.get $o) (local.get $co))))
          (local.set $c (i32.add (local.get $c) (i32.const ${MR})))
          (br_if $cin (i32.lt_u (local.get $c) (local.get $c1))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br_if $taps (i32.lt_u (local.get $t) (local.get $taps))))
      (local.set $n0 (i32.add (local.get $n0) (local.get $block)))
      (br $blocks))))`;
}
