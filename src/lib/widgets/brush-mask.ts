// The reader's brush on the 64² image as a 0/1 mask (the `brush` mask of src/lib/pipelines/defects.ts),
// painted with discs along the pointer's path, and packed into a short URL-safe string so a link
// reopens the same painted defect (design.md, "State the reader can share").

/** A square grid of weights in {0, 1}, row-major, [size·size]. */
export interface BrushMask {
  size: number;
  alpha: Float32Array;
}

export function emptyMask(size: number): BrushMask {
  if (!Number.isInteger(size) || size < 1 || size > 256) throw new RangeError(`a brush grid side must be an integer in 1..256, got ${size}`);
  return { size, alpha: new Float32Array(size * size) };
}

/** Sets (or with `erase` clears) every cell whose centre lies within r of (cx, cy); unit coordinates. */
export function stamp(mask: BrushMask, cx: number, cy: number, r: number, erase = false): void {
  const n = mask.size;
  const lo = (v: number) => Math.max(0, Math.floor((v - r) * n));
  const hi = (v: number) => Math.min(n - 1, Math.ceil((v + r) * n));
  for (let j = lo(cy); j <= hi(cy); j++)
    for (let i = lo(cx); i <= hi(cx); i++) {
      if (((i + 0.5) / n - cx) ** 2 + ((j + 0.5) / n - cy) ** 2 <= r * r) mask.alpha[j * n + i] = erase ? 0 : 1;
    }
}

/** A stroke from a to b: a disc every r/2 along the segment, so a quick drag leaves no gaps. */
export function stroke(mask: BrushMask, a: readonly [number, number], b: readonly [number, number], r: number, erase = false): void {
  const n = Math.max(1, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / Math.max(r / 2, 1e-6)));
  for (let k = 0; k <= n; k++) stamp(mask, a[0] + ((b[0] - a[0]) * k) / n, a[1] + ((b[1] - a[1]) * k) / n, r, erase);
}

export function painted(mask: BrushMask): number {
  let count = 0;
  for (const v of mask.alpha) if (v > 0) count++;
  return count;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The mask as base64url of its bits, row-major, most significant bit first; '' for an empty mask. */
export function encodeMask(mask: BrushMask): string {
  if (painted(mask) === 0) return '';
  let out = '';
  for (let start = 0; start < mask.alpha.length; start += 6) {
    let v = 0;
    for (let b = 0; b < 6; b++) v = (v << 1) | (mask.alpha[start + b] > 0 ? 1 : 0); // past the end reads undefined → 0
    out += ALPHABET[v];
  }
  return out;
}

/** The mask a link holds, or an error saying why the text is not one (a link may be cut or edited). */
export function decodeMask(text: string, size: number): BrushMask | { error: string } {
  const mask = emptyMask(size);
  if (text === '') return mask;
  const want = Math.ceil((size * size) / 6);
  if (text.length !== want) return { error: `a ${size}×${size} brush needs ${want} characters, the link has ${text.length}` };
  for (let c = 0; c < text.length; c++) {
    const v = ALPHABET.indexOf(text[c]);
    if (v < 0) return { error: `character ${JSON.stringify(text[c])} at ${c} is not base64url` };
    for (let b = 0; b < 6; b++) {
      const k = c * 6 + b;
      if (k < mask.alpha.length) mask.alpha[k] = (v >> (5 - b)) & 1;
    }
  }
  return mask;
}
