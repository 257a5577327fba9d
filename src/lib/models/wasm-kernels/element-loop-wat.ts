// The loop every elementwise kernel of ours shares (SiLU's passes, train/kernels/adamw-wat.ts): count
// elements four at a time, then the last count mod 4 one at a time through the same vector code, the
// element loaded into every lane and lane 0 stored, so a tail never reads or writes past its tensor.

/** `v128.load` of four elements, or one splat into all lanes. */
export const load = (ptr: string, vec: boolean): string => (vec ? `(v128.load (local.get ${ptr}))` : `(v128.load32_splat (local.get ${ptr}))`);

/** `v128.store` of four elements, or lane 0 alone. */
export const store = (ptr: string, value: string, vec: boolean): string =>
  vec ? `(v128.store (local.get ${ptr}) ${value})` : `(f32.store (local.get ${ptr}) (f32x4.extract_lane 0 ${value}))`;

/**
 * A loop over `$count` elements (an i32 param) with pointers `ptrs` advancing together (the first
 * drives it; the function must declare `(local $end i32)`); `body(vec)` handles four elements, or one.
 */
export function elementLoop(ptrs: string[], body: (vec: boolean) => string): string {
  const [lead] = ptrs;
  const bump = (bytes: number) => ptrs.map((p) => `(local.set ${p} (i32.add (local.get ${p}) (i32.const ${bytes})))`).join(' ');
  return `(local.set $end (i32.add (local.get ${lead}) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (block $vdone (loop $vec
      (br_if $vdone (i32.ge_u (local.get ${lead}) (local.get $end)))
      ${body(true)}
      ${bump(16)}
      (br $vec)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $count) (i32.const 3)) (i32.const 2))))
    (block $sdone (loop $tail
      (br_if $sdone (i32.ge_u (local.get ${lead}) (local.get $end)))
      ${body(false)}
      ${bump(4)}
      (br $tail)))`;
}
