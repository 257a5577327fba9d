// A 3×3, stride-1, 'same' convolution by Winograd's minimal filtering F(m×m, 3×3) (Lavin & Gray 2016,
// "Fast Algorithms for Convolutional Neural Networks", arXiv 1509.09308, §4, eq. 8):
//
//   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A,  per α×α input tile d (α = m + 2) giving an m×m output tile Y,
//
// which, summed over input channels, turns each output tile's 9·m²·Ci·Co multiply-adds into α²·Ci·Co:
// α² independent GEMMs M[ξ] = V[ξ] · U[ξ] (tiles × Ci by Ci × Co, ξ the points of the transformed
// tile). F(2×2, 3×3) spends 4 per output pixel and channel pair, F(4×4, 3×3) 2.25, where XNNPACK's
// direct convolution spends 9 at 27–31 GFLOP/s on 128-bit wasm SIMD, near the peak of its separate
// multiply and add: fewer multiply-adds is the remaining lever. F(2, 3)'s transforms hold only 0, ±1
// and ±½; F(4, 3)'s reach 8 and 1/24, so its float32 error is a few times larger (Lavin & Gray §5),
// still far below what a display level shows.
//
// Activations are NHWC with channels innermost, so every transform works on four channels per f32x4.
// Tiles are processed in blocks whose transformed inputs V [α², block, Ci] and products M [α², block,
// Co] stay in cache between the three passes: input transform, the α² GEMMs (a 4 tiles × 8 outputs
// register tile, as filter-grad-wat.ts's), output transform with the bias.

/** The transforms of F(m×m, 3×3): Bᵀ α×α, G α×3, Aᵀ m×α (Lavin & Gray 2016, §4.1 and §4.2). */
export interface WinogradForm { m: 2 | 4; BT: number[][]; G: number[][]; AT: number[][] }

export const F2: WinogradForm = {
  m: 2,
  BT: [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]],
  G: [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]],
  AT: [[1, 1, 1, 0], [0, 1, -1, -1]],
};

export const F4: WinogradForm = {
  m: 4,
  BT: [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0], [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]],
  G: [[1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6], [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]],
  AT: [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]],
};

export const v = (name: string) => `(local.get $${name})`;
export const set = (name: string, e: string) => `(local.set $${name} ${e})`;
const splat = (c: number) => `(v128.const f32x4 ${c} ${c} ${c} ${c})`;
export const locals = (prefix: string, n: number, type: string) => Array.from({ length: n }, (_, i) => `(local $${prefix}${i} ${type})`).join(' ');
export const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Σ_j row[j]·ins[j] as one expression: zero terms skipped, ±1 as an add or subtract. */
function combination(row: number[], ins: string[]): string {
  let expr: string | null = null;
  row.forEach((c, j) => {
    if (c === 0) return;
    const term = Math.abs(c) === 1 ? ins[j] : `(f32x4.mul ${ins[j]} ${splat(Math.abs(c))})`;
    if (expr === null) expr = c > 0 ? term : `(f32x4.neg ${term})`;
    else expr = c > 0 ? `(f32x4.add ${expr} ${term})` : `(f32x4.sub ${expr} ${term})`;
  });
  return expr ?? splat(0);
}

/**
 * out = M · src · Mᵀ for src, a rows × cols grid of locals ($src{r·cols + c}, cols = M's width too):
 * M applied down each column into $tmp (M's height × cols), then along each row into $out (square).
 */
export function sandwich(M: number[][], src: string, rows: number, tmp: string, out: string): string {
  const cols = M[0].length, q = M.length;
  const down = range(cols).flatMap((c) => range(q).map((i) => set(`${tmp}${i * cols + c}`, combination(M[i], range(rows).map((r) => v(`${src}${r * cols + c}`))))));
  const along = range(q).flatMap((i) => range(q).map((j) => set(`${out}${i * q + j}`, combination(M[j], range(cols).map((c) => v(`${tmp}${i * cols + c}`))))));
  return [...down, ...along].join('\n        ');
}

/**
 * For each input channel $c and four output channels $o of [·, Ci, Co] tables: `body`, with $at the
 * pair's byte offset within one [Ci, Co] plane and $plane that plane's bytes.
 */
export function eachChannelPair(body: string): string {
  return `(local.set $plane (i32.shl (i32.mul (local.get $ci) (local.get $co)) (i32.const 2)))
    (local.set $c (i32.const 0))
    (loop $cin
      (local.set $o (i32.const 0))
      (loop $cout
        (local.set $at (i32.shl (i32.add (i32.mul (local.get $c) (local.get $co)) (local.get $o)) (i32.const 2)))
        ${body}
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (br_if $cout (i32.lt_u (local.get $o) (local.get $co))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br_if $cin (i32.lt_u (local.get $c) (local.get $ci))))`;
}

/** `winoWeights{m}(g, u, ci, co)`: U[ξ, ci, co] = (G g Gᵀ)[ξ] for g [3, 3, Ci, Co] (Co a multiple of 4). */
function weightsWat(f: WinogradForm): string {
  const a = f.m + 2;
  const stores = range(a * a).map((i) => `(v128.store (local.get $q) ${v(`e${i}`)}) (local.set $q (i32.add (local.get $q) (local.get $plane)))`).join('\n        ');
  return `
  (func (export "winoWeights${f.m}") (param $g i32) (param $u i32) (param $ci i32) (param $co i32)
    (local $c i32) (local $o i32) (local $p i32) (local $q i32) (local $plane i32) (local $at i32)
    ${locals('d', 9, 'v128')} ${locals('t', 3 * a, 'v128')} ${locals('e', a * a, 'v128')}
    ${eachChannelPair(`(local.set $p (i32.add (local.get $g) (local.get $at)))
        ${range(9).map((k) => `(local.set $d${k} (v128.load (local.get $p))) (local.set $p (i32.add (local.get $p) (local.get $plane)))`).join('\n        ')}
        ${sandwich(f.G, 'd', 3, 't', 'e')}
        (local.set $q (i32.add (local.get $u) (local.get $at)))
        ${stores}`)})`;
}

/** Sets $img, $ty, $tx from tile number $id (tiles numbered by image, then row, then column). */
const tilePlace = `(local.set $img (i32.div_u (local.get $id) (local.get $per)))
        (local.set $r (i32.rem_u (local.get $id) (local.get $per)))
        (local.set $ty (i32.div_u (local.get $r) (local.get $tw)))
        (local.set $tx (i32.rem_u (local.get $r) (local.get $tw)))`;

/**
 * For each tile $k of the block: its place ($img, $ty, $tx), `setup`, then `body` for every four
 * channels, $cb the byte offset into a row of `rowBytes`.
 */
export function eachTile(setup: string, body: string, rowBytes: string): string {
  return `(local.set $k (i32.const 0))
      (loop $tiles
        (local.set $id (i32.add (local.get $k0) (local.get $k)))
        ${tilePlace}
        ${setup}
        (local.set $cb (i32.const 0))
        (loop $chans
          ${body}
          (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
          (br_if $chans (i32.lt_u (local.get $cb) (local.get ${rowBytes}))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $tiles (i32.lt_u (local.get $k) (local.get $n))))`;
}

/** Stores $e0… $e{count−1} at tile $k's four channels $cb of scratch `base` [points, block, C], plane after plane. */
export function storePoints(count: number, base: string, rowBytes: string, plane: string): string {
  return `(local.set $q (i32.add (i32.add (local.get ${base}) (i32.mul (local.get $k) (local.get ${rowBytes}))) (local.get $cb)))
          ${range(count).map((i) => `(v128.store (local.get $q) (local.get $e${i})) (local.set $q (i32.add (local.get $q) (local.get ${plane})))`).join('\n          ')}`;
}

/** Pass 1: V[ξ, k, :] = Bᵀ d B for each tile k of the block, d read with zero padding. */
export function inputPass(f: WinogradForm): string {
  // $h, $w: the output's sides; the input's are $h >> $half, $w >> $half.
  const a = f.m + 2;
  // Pointer p{α·r+c} at input pixel (m·ty − 1 + r, m·tx − 1 + c), or at the zero row where that is
  // outside the image (an unsigned compare catches −1 as well as h).
  const ptrs = range(a * a).map((i) => {
    const row = `(i32.add (i32.mul (local.get $ty) (i32.const ${f.m})) (i32.const ${Math.floor(i / a) - 1}))`;
    const col = `(i32.add (i32.mul (local.get $tx) (i32.const ${f.m})) (i32.const ${(i % a) - 1}))`;
    const inside = `(i32.and (i32.lt_u ${row} (local.get $h)) (i32.lt_u ${col} (local.get $w)))`;
    // With $half = 1 the input is the half-size image that a 2× nearest upsample would have made this one
    // from: pixel (r, c) reads (r >> 1, c >> 1) there, and the upsampled image is never written.
    const half = (e: string) => `(i32.shr_u ${e} (local.get $half))`;
    const at = `(i32.add (local.get $x) (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $img) ${half('(local.get $h)')}) ${half(row)}) ${half('(local.get $w)')}) ${half(col)}) (local.get $cib)))`;
    return `(local.set $p${i} (select ${at} (local.get $zero) ${inside}))`;
  }).join('\n        ');
  const loads = range(a * a).map((i) => `(local.set $d${i} (v128.load (i32.add (local.get $p${i}) (local.get $cb))))`).join('\n          ');
  return eachTile(ptrs, `${loads}
        ${sandwich(f.BT, 'd', a, 't', 'e')}
          ${storePoints(a * a, '$vs', '$cib', '$vplane')}`, '$cib');
}

/**
 * acc + s·b as one expression: relaxed SIMD's fused multiply-add where the module has it (`fma`; on by
 * default in Chromium since M114, 6 % off a lesson's step here: README), else a multiply and an add.
 */
export const mulAdd = (acc: string, s: string, b: string, fma: boolean): string =>
  fma ? `(f32x4.relaxed_madd ${s} ${b} ${acc})` : `(f32x4.add ${acc} (f32x4.mul ${s} ${b}))`;

/** Pass 2: M[ξ] = V[ξ] · U[ξ] for the block, 4 tiles × 8 output channels per register tile. */
function gemmPass(f: WinogradForm, fma: boolean): string {
  const acc = (i: number, j: number) => `a${2 * i + j}`;
  const tile = (fn: (i: number, j: number) => string) => range(4).flatMap((i) => [0, 1].map((j) => fn(i, j))).join('\n            ');
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
              ${[0, 1].map((j) => set(acc(i, j), mulAdd(v(acc(i, j)), '(local.get $s)', `(local.get $b${j})`, fma))).join(' ')}
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
        (br_if $points (i32.lt_u (local.get $xi) (i32.const ${(f.m + 2) ** 2}))))`;
}

/** $p{i} at pixel (m·ty + i, m·tx) of `image` [B, H, W, C] (row bytes $cob), i < m: a tile's output rows. */
export function tileRows(f: WinogradForm, image: string): string {
  return `(local.set $p0 (i32.add (local.get ${image}) (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $img) (local.get $h))
          (i32.mul (local.get $ty) (i32.const ${f.m}))) (local.get $w)) (i32.mul (local.get $tx) (i32.const ${f.m}))) (local.get $cob))))
        ${range(f.m - 1).map((i) => `(local.set $p${i + 1} (i32.add (local.get $p${i}) (i32.mul (local.get $w) (local.get $cob))))`).join('\n        ')}`;
}

/** The address of pixel i (row-major) of the tile's m × m, four channels $cb in (after tileRows). */
export const tilePixel = (f: WinogradForm, i: number): string =>
  `(i32.add (i32.add (local.get $p${Math.floor(i / f.m)}) (i32.mul (local.get $cob) (i32.const ${i % f.m}))) (local.get $cb))`;

/** Pass 3: the m×m output tile = Aᵀ M A + bias. */
function outputPass(f: WinogradForm): string {
  const a = f.m + 2;
  const stores = range(f.m * f.m).map((i) => `(v128.store ${tilePixel(f, i)} (f32x4.add (local.get $e${i}) (local.get $bv)))`).join('\n          ');
  return eachTile(tileRows(f, '$out'), `(local.set $q (i32.add (i32.add (local.get $ms) (i32.mul (local.get $k) (local.get $cob))) (local.get $cb)))
          ${range(a * a).map((i) => `(local.set $d${i} (v128.load (local.get $q))) (local.set $q (i32.add (local.get $q) (local.get $mplane)))`).join('\n          ')}
          (local.set $bv (v128.load (i32.add (local.get $bias) (local.get $cb))))
        ${sandwich(f.AT, 'd', a, 't', 'e')}
          ${stores}`, '$cob');
}

/** The locals every tiled function shares: sizes, the block and tile counters, the transforms' vectors. */
export function blockLocals(f: WinogradForm): string {
  const a = f.m + 2;
  return `(local $cib i32) (local $cob i32) (local $vplane i32) (local $mplane i32) (local $tw i32) (local $per i32)
    (local $k0 i32) (local $n i32) (local $k i32) (local $id i32) (local $img i32) (local $r i32) (local $ty i32) (local $tx i32)
    (local $cb i32) (local $q i32) (local $xi i32) (local $s v128) (local $b0 v128) (local $b1 v128)
    ${locals('p', a * a, 'i32')} ${locals('d', a * a, 'v128')} ${locals('t', a * a, 'v128')} ${locals('e', a * a, 'v128')} ${locals('a', 8, 'v128')}`;
}

/**
 * The sizes in bytes, then `passes` on each block of at most $block tiles from $first to $end ($k0 the
 * block's first tile, $n its count).
 */
export function overBlocks(f: WinogradForm, passes: string[]): string {
  return `(local.set $cib (i32.shl (local.get $ci) (i32.const 2)))
    (local.set $cob (i32.shl (local.get $co) (i32.const 2)))
    (local.set $vplane (i32.mul (local.get $block) (local.get $cib)))
    (local.set $mplane (i32.mul (local.get $block) (local.get $cob)))
    (local.set $tw (i32.div_u (local.get $w) (i32.const ${f.m})))
    (local.set $per (i32.mul (i32.div_u (local.get $h) (i32.const ${f.m})) (local.get $tw)))
    (local.set $k0 (local.get $first))
    (loop $blocks
      (local.set $n (i32.sub (local.get $end) (local.get $k0)))
      (if (i32.gt_u (local.get $n) (local.get $block)) (then (local.set $n (local.get $block))))
      ${passes.join('\n      ')}
      (local.set $k0 (i32.add (local.get $k0) (local.get $n)))
      (br_if $blocks (i32.lt_u (local.get $k0) (local.get $end))))`;
}

/**
 * `winoConv{m}(x, u, bias, out, zero, vs, ms, h, w, ci, co, first, end, block, half)`: out [B, H, W, Co] =
 * conv(x [B, H, W, Ci], g) + bias for the output tiles [first, end) (m × m pixels each, numbered by
 * image, row, column; H and W multiples of m), with U from winoWeights{m}, `zero` Ci zeros, and scratch
 * vs [α², block, Ci] and ms [α², block, Co]. Ci must be a multiple of 4, Co of 8, block of 4. With
 * `half` 1, x is [B, H/2, W/2, Ci] and the conv reads its 2× nearest upsample.
 */
function convWat(f: WinogradForm, fma: boolean): string {
  return `
  (func (export "winoConv${f.m}") (param $x i32) (param $u i32) (param $bias i32) (param $out i32) (param $zero i32)
    (param $vs i32) (param $ms i32) (param $h i32) (param $w i32) (param $ci i32) (param $co i32)
    (param $first i32) (param $end i32) (param $block i32) (param $half i32)
    (local $uplane i32) (local $up i32) (local $uend i32) (local $o i32)
    (local $a0p i32) (local $a1p i32) (local $a2p i32) (local $a3p i32) (local $bv v128)
    ${blockLocals(f)}
    (local.set $uplane (i32.mul (local.get $ci) (i32.shl (local.get $co) (i32.const 2))))
    ${overBlocks(f, [inputPass(f), gemmPass(f, fma), outputPass(f)])})`;
}

/**
 * The functions' text, for the kernels' module: winoWeights2, winoConv2, winoWeights4, winoConv4, their
 * GEMMs with relaxed SIMD's fused multiply-add where `fma`.
 */
export function winogradWat(fma = false): string {
  return [F2, F4].map((f) => `${weightsWat(f)}${convWat(f, fma)}`).join('');
}
