// A 3×3, stride-1, 'same' convolution by Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray 2016,
// "Fast Algorithms for Convolutional Neural Networks", arXiv 1509.09308, §4.1 and eq. 8):
//
//   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d Bᵀᵀ) ] A,  per 4×4 input tile d giving a 2×2 output tile Y,
//
// which, summed over input channels, turns each output tile's 9·Ci·Co multiply-adds into 4·Ci·Co: 16
// independent GEMMs M[ξ] = V[ξ] · U[ξ] (tiles × Ci by Ci × Co, ξ the 16 points of the transformed
// tile). XNNPACK runs the direct convolution at 27–31 GFLOP/s on 128-bit wasm SIMD, near the peak of
// its separate multiply and add, so fewer multiply-adds is the remaining lever. F(2×2, 3×3)'s
// transforms hold only 0, ±1 and ±½, so float32 results stay within a few ulps of the direct form's.
//
// Activations are NHWC with channels innermost, so every transform works on four channels per f32x4.
// Tiles are processed in blocks whose transformed inputs V [16, block, Ci] and products M [16, block,
// Co] stay in cache between the three passes: input transform, the 16 GEMMs (a 4 tiles × 8 outputs
// register tile, as filter-grad-wat.ts's), output transform with the bias.

const v = (name: string) => `(local.get $${name})`;
const set = (name: string, e: string) => `(local.set $${name} ${e})`;
const add = (a: string, b: string) => `(f32x4.add ${a} ${b})`;
const sub = (a: string, b: string) => `(f32x4.sub ${a} ${b})`;
const HALF = '(v128.const f32x4 0.5 0.5 0.5 0.5)';
const locals = (prefix: string, n: number, type: string) => Array.from({ length: n }, (_, i) => `(local $${prefix}${i} ${type})`).join(' ');
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** i32 arithmetic, for addresses. */
const iadd = (a: string, b: string) => `(i32.add ${a} ${b})`;
const imul = (a: string, b: string) => `(i32.mul ${a} ${b})`;

/** Bᵀ d B on the 16 locals $d{4r+c}, into $e{4i+j}, via $t (Lavin & Gray eq. 8's input transform). */
function inputTransform(): string {
  // Bᵀ = [[1, 0, −1, 0], [0, 1, 1, 0], [0, −1, 1, 0], [0, 1, 0, −1]], applied to the rows, then the columns.
  const rows = (src: (r: number, c: number) => string, dst: (r: number, c: number) => string) =>
    range(4).map((c) => [
      set(dst(0, c), sub(src(0, c), src(2, c))),
      set(dst(1, c), add(src(1, c), src(2, c))),
      set(dst(2, c), sub(src(2, c), src(1, c))),
      set(dst(3, c), sub(src(1, c), src(3, c))),
    ].join(' ')).join('\n        ');
  const cols = range(4).map((r) => [
    set(`e${4 * r}`, sub(v(`t${4 * r}`), v(`t${4 * r + 2}`))),
    set(`e${4 * r + 1}`, add(v(`t${4 * r + 1}`), v(`t${4 * r + 2}`))),
    set(`e${4 * r + 2}`, sub(v(`t${4 * r + 2}`), v(`t${4 * r + 1}`))),
    set(`e${4 * r + 3}`, sub(v(`t${4 * r + 1}`), v(`t${4 * r + 3}`))),
  ].join(' ')).join('\n        ');
  return `${rows((r, c) => v(`d${4 * r + c}`), (r, c) => `t${4 * r + c}`)}
        ${cols}`;
}

/**
 * `winoWeights(g, u, ci, co)`: U[ξ, ci, co] = (G g Gᵀ)[ξ] for g [3, 3, Ci, Co] (Co a multiple of 4),
 * G = [[1, 0, 0], [½, ½, ½], [½, −½, ½], [0, 0, 1]].
 */
function weightsWat(): string {
  // t = G g (4 × 3, over kh), then U = t Gᵀ (4 × 4, over kw).
  const gRow = (r: number, j: number) => v(`g${3 * r + j}`);
  const tRows = range(3).map((j) => [
    set(`t${j}`, gRow(0, j)),
    set(`t${3 + j}`, `(f32x4.mul ${add(add(gRow(0, j), gRow(1, j)), gRow(2, j))} ${HALF})`),
    set(`t${6 + j}`, `(f32x4.mul ${add(sub(gRow(0, j), gRow(1, j)), gRow(2, j))} ${HALF})`),
    set(`t${9 + j}`, gRow(2, j)),
  ].join(' ')).join('\n        ');
  const u = (i: number) => {
    const [a, b, c] = [0, 1, 2].map((j) => v(`t${3 * i + j}`));
    return [a, `(f32x4.mul ${add(add(a, b), c)} ${HALF})`, `(f32x4.mul ${add(sub(a, b), c)} ${HALF})`, c];
  };
  const stores = range(4).flatMap((i) => u(i)).map((e) => `(v128.store (local.get $q) ${e}) (local.set $q (i32.add (local.get $q) (local.get $plane)))`).join('\n        ');
  return `
  (func (export "winoWeights") (param $g i32) (param $u i32) (param $ci i32) (param $co i32)
    (local $c i32) (local $o i32) (local $p i32) (local $q i32) (local $plane i32) (local $at i32)
    ${locals('g', 9, 'v128')} ${locals('t', 12, 'v128')}
    (local.set $plane (i32.shl (i32.mul (local.get $ci) (local.get $co)) (i32.const 2)))
    (local.set $c (i32.const 0))
    (loop $cin
      (local.set $o (i32.const 0))
      (loop $cout
        (local.set $at (i32.shl (i32.add (i32.mul (local.get $c) (local.get $co)) (local.get $o)) (i32.const 2)))
        (local.set $p (i32.add (local.get $g) (local.get $at)))
        ${range(9).map((k) => `(local.set $g${k} (v128.load (local.get $p))) (local.set $p (i32.add (local.get $p) (local.get $plane)))`).join('\n        ')}
        ${tRows}
        (local.set $q (i32.add (local.get $u) (local.get $at)))
        ${stores}
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (br_if $cout (i32.lt_u (local.get $o) (local.get $co))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br_if $cin (i32.lt_u (local.get $c) (local.get $ci)))))`;
}

/** Sets $img, $ty, $tx from tile number $id (tiles numbered by image, then row, then column). */
const tilePlace = `(local.set $img (i32.div_u (local.get $id) (local.get $per)))
        (local.set $r (i32.rem_u (local.get $id) (local.get $per)))
        (local.set $ty (i32.div_u (local.get $r) (local.get $tw)))
        (local.set $tx (i32.rem_u (local.get $r) (local.get $tw)))`;

/** Pass 1: V[ξ, k, :] = Bᵀ d B for each tile k of the block, d read with zero padding. */
function inputPass(): string {
  // Pointer p{4r+c} at input pixel (2ty − 1 + r, 2tx − 1 + c), or at the zero row where that is outside
  // the image (an unsigned compare catches −1 as well as h).
  const ptrs = range(16).map((i) => {
    const row = `(i32.add (i32.shl (local.get $ty) (i32.const 1)) (i32.const ${Math.floor(i / 4) - 1}))`;
    const col = `(i32.add (i32.shl (local.get $tx) (i32.const 1)) (i32.const ${(i % 4) - 1}))`;
    const inside = `(i32.and (i32.lt_u ${row} (local.get $h)) (i32.lt_u ${col} (local.get $w)))`;
    const at = iadd(v('x'), imul(iadd(imul(iadd(imul(v('img'), v('h')), row), v('w')), col), v('cib')));
    return `(local.set $p${i} (select ${at} (local.get $zero) ${inside}))`;
  }).join('\n        ');
  return `(local.set $k (i32.const 0))
      (loop $tiles
        (local.set $id (i32.add (local.get $k0) (local.get $k)))
        ${tilePlace}
        ${ptrs}
        (local.set $cb (i32.const 0))
        (loop $chans
          ${range(16).map((i) => `(local.set $d${i} (v128.load (i32.add (local.get $p${i}) (local.get $cb))))`).join('\n          ')}
          ${inputTransform()}
          (local.set $q (i32.add (i32.add (local.get $vs) (i32.mul (local.get $k) (local.get $cib))) (local.get $cb)))
          ${range(16).map((i) => `(v128.store (local.get $q) (local.get $e${i})) (local.set $q (i32.add (local.get $q) (local.get $vplane)))`).join('\n          ')}
          (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
          (br_if $chans (i32.lt_u (local.get $cb) (local.get $cib))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $tiles (i32.lt_u (local.get $k) (local.get $n))))`;
}

/** Pass 2: M[ξ] = V[ξ] · U[ξ] for the block, 4 tiles × 8 output channels per register tile. */
function gemmPass(): string {
  const acc = (i: number, j: number) => `a${2 * i + j}`;
  const tile = (f: (i: number, j: number) => string) => range(4).flatMap((i) => [0, 1].map((j) => f(i, j))).join('\n            ');
  return `(local.set $xi (i32.const 0))
      (loop $points
        (local.set $k (i32.const 0))
        (loop $groups
          (local.set $o (i32.const 0))
          (loop $outs
            ${tile((i, j) => set(acc(i, j), '(v128.const i32x4 0 0 0 0)'))}
            (local.set $a0p (i32.add (i32.add (local.get $vs) (i32.mul (local.get $xi) (local.get $vplane))) (i32.mul (local.get $k) (local.get $cib))))
            (local.set $a1p (i32.add (local.get $a0p) (local.get $cib)))
            (local.set $a2p (i32.add (local.get $a1p) (local.get $cib)))
            (local.set $a3p (i32.add (local.get $a2p) (local.get $cib)))
            (local.set $up (i32.add (local.get $u) (i32.add (i32.mul (local.get $xi) (local.get $uplane)) (i32.shl (local.get $o) (i32.const 2)))))
            (local.set $uend (i32.add (local.get $up) (i32.mul (local.get $ci) (local.get $cob))))
            (loop $dot
              (local.set $b0 (v128.load (local.get $up)))
              (local.set $b1 (v128.load offset=16 (local.get $up)))
              ${range(4).map((i) => `(local.set $s (v128.load32_splat (local.get $a${i}p)))
              ${[0, 1].map((j) => set(acc(i, j), add(v(acc(i, j)), `(f32x4.mul (local.get $s) (local.get $b${j}))`))).join(' ')}
              (local.set $a${i}p (i32.add (local.get $a${i}p) (i32.const 4)))`).join('\n              ')}
              (local.set $up (i32.add (local.get $up) (local.get $cob)))
              (br_if $dot (i32.lt_u (local.get $up) (local.get $uend))))
            (local.set $q (i32.add (i32.add (local.get $ms) (i32.mul (local.get $xi) (local.get $mplane)))
              (i32.add (i32.mul (local.get $k) (local.get $cob)) (i32.shl (local.get $o) (i32.const 2)))))
            ${tile((i, j) => `(v128.store offset=${16 * j} (i32.add (local.get $q) (i32.mul (local.get $cob) (i32.const ${i}))) (local.get $${acc(i, j)}))`)}
            (local.set $o (i32.add (local.get $o) (i32.const 8)))
            (br_if $outs (i32.lt_u (local.get $o) (local.get $co))))
          (local.set $k (i32.add (local.get $k) (i32.const 4)))
          (br_if $groups (i32.lt_u (local.get $k) (local.get $n))))
        (local.set $xi (i32.add (local.get $xi) (i32.const 1)))
        (br_if $points (i32.lt_u (local.get $xi) (i32.const 16))))`;
}

/** Pass 3: out tile = Aᵀ M A + bias, Aᵀ = [[1, 1, 1, 0], [0, 1, −1, −1]]. */
function outputPass(): string {
  const m = (i: number, j: number) => v(`d${4 * i + j}`);
  // s = Aᵀ M (2 × 4) into $t, then Y = s A (2 × 2) into $e.
  const sRows = range(4).map((j) => `${set(`t${j}`, add(add(m(0, j), m(1, j)), m(2, j)))} ${set(`t${4 + j}`, sub(sub(m(1, j), m(2, j)), m(3, j)))}`).join('\n          ');
  const s = (i: number, j: number) => v(`t${4 * i + j}`);
  const ys = range(2).map((i) => `${set(`e${2 * i}`, add(add(add(s(i, 0), s(i, 1)), s(i, 2)), v('bv')))} ${set(`e${2 * i + 1}`, add(sub(sub(s(i, 1), s(i, 2)), s(i, 3)), v('bv')))}`).join('\n          ');
  return `(local.set $k (i32.const 0))
      (loop $tiles
        (local.set $id (i32.add (local.get $k0) (local.get $k)))
        ${tilePlace}
        ;; output pixel (2ty, 2tx); the tile's second row is w pixels further
        (local.set $p0 (i32.add (local.get $out) (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $img) (local.get $h))
          (i32.shl (local.get $ty) (i32.const 1))) (local.get $w)) (i32.shl (local.get $tx) (i32.const 1))) (local.get $cob))))
        (local.set $p1 (i32.add (local.get $p0) (i32.mul (local.get $w) (local.get $cob))))
        (local.set $cb (i32.const 0))
        (loop $chans
          (local.set $q (i32.add (i32.add (local.get $ms) (i32.mul (local.get $k) (local.get $cob))) (local.get $cb)))
          ${range(16).map((i) => `(local.set $d${i} (v128.load (local.get $q))) (local.set $q (i32.add (local.get $q) (local.get $mplane)))`).join('\n          ')}
          (local.set $bv (v128.load (i32.add (local.get $bias) (local.get $cb))))
          ${sRows}
          ${ys}
          (v128.store (i32.add (local.get $p0) (local.get $cb)) (local.get $e0))
          (v128.store (i32.add (i32.add (local.get $p0) (local.get $cob)) (local.get $cb)) (local.get $e1))
          (v128.store (i32.add (local.get $p1) (local.get $cb)) (local.get $e2))
          (v128.store (i32.add (i32.add (local.get $p1) (local.get $cob)) (local.get $cb)) (local.get $e3))
          (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
          (br_if $chans (i32.lt_u (local.get $cb) (local.get $cob))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $tiles (i32.lt_u (local.get $k) (local.get $n))))`;
}

/**
 * The functions' text, for the kernels' module. `winoWeights` as above; `winoConv(x, u, bias, out,
 * zero, vs, ms, h, w, ci, co, first, end, block)`: out [B, H, W, Co] = conv(x [B, H, W, Ci], g) + bias for
 * the output tiles [t0, t1) (2 × 2 pixels each, numbered by image, row, column; H and W even), with U
 * from winoWeights, `zero` Ci zeros, and scratch vs [16, block, Ci] and ms [16, block, Co]. Ci must be
 * a multiple of 4, Co of 8, block of 4; first < end.
 */
export function winogradWat(): string {
  return `${weightsWat()}
  (func (export "winoConv") (param $x i32) (param $u i32) (param $bias i32) (param $out i32) (param $zero i32)
    (param $vs i32) (param $ms i32) (param $h i32) (param $w i32) (param $ci i32) (param $co i32)
    (param $first i32) (param $end i32) (param $block i32)
    (local $cib i32) (local $cob i32) (local $vplane i32) (local $mplane i32) (local $uplane i32) (local $tw i32) (local $per i32)
    (local $k0 i32) (local $n i32) (local $k i32) (local $id i32) (local $img i32) (local $r i32) (local $ty i32) (local $tx i32)
    (local $cb i32) (local $q i32) (local $xi i32) (local $o i32) (local $up i32) (local $uend i32)
    (local $a0p i32) (local $a1p i32) (local $a2p i32) (local $a3p i32) (local $s v128) (local $b0 v128) (local $b1 v128) (local $bv v128)
    ${locals('p', 16, 'i32')} ${locals('d', 16, 'v128')} ${locals('t', 16, 'v128')} ${locals('e', 16, 'v128')} ${locals('a', 8, 'v128')}
    (local.set $cib (i32.shl (local.get $ci) (i32.const 2)))
    (local.set $cob (i32.shl (local.get $co) (i32.const 2)))
    (local.set $vplane (i32.mul (local.get $block) (local.get $cib)))
    (local.set $mplane (i32.mul (local.get $block) (local.get $cob)))
    (local.set $uplane (i32.mul (local.get $ci) (local.get $cob)))
    (local.set $tw (i32.shr_u (local.get $w) (i32.const 1)))
    (local.set $per (i32.mul (i32.shr_u (local.get $h) (i32.const 1)) (local.get $tw)))
    (local.set $k0 (local.get $first))
    (loop $blocks
      (local.set $n (i32.sub (local.get $end) (local.get $k0)))
      (if (i32.gt_u (local.get $n) (local.get $block)) (then (local.set $n (local.get $block))))
      ${inputPass()}
      ${gemmPass()}
      ${outputPass()}
      (local.set $k0 (i32.add (local.get $k0) (local.get $n)))
      (br_if $blocks (i32.lt_u (local.get $k0) (local.get $end)))))`;
}
