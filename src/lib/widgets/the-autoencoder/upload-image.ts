// The reader's own picture for the autoencoder (lesson 4): checked, centre-cropped to a square and
// resized to 1024² in the page, then sent to the engine as [1024, 1024, 3] in [−1, 1], the range the
// model was trained on. The checks run before anything large is decoded, so a wrong or huge file
// costs a message, not the tab: the widget keeps its previous image.

/** Files larger than this are refused before decoding (a 1024² result needs far less). */
export const MAX_FILE_BYTES = 40 * 1024 * 1024;
/** Pictures wider or taller than this are refused: decoding one would take hundreds of MB. */
export const MAX_SIDE = 8000;

export type UploadProblem = 'empty' | 'too-big-file' | 'too-many-pixels' | 'not-an-image';

export type UploadResult = { ok: true; pixels: Float32Array; width: number; height: number } | { ok: false; problem: UploadProblem };

/** What can be said from the file alone (size), before any decoding. */
export function fileProblem(file: { size: number }): UploadProblem | null {
  if (file.size === 0) return 'empty';
  if (file.size > MAX_FILE_BYTES) return 'too-big-file';
  return null;
}

/** What can be said from the decoded picture's size. */
export function sideProblem(width: number, height: number): UploadProblem | null {
  if (!(width > 0 && height > 0)) return 'not-an-image';
  if (width > MAX_SIDE || height > MAX_SIDE) return 'too-many-pixels';
  return null;
}

/** The largest centred square of a w×h picture: its corner and side, in the picture's pixels. */
export function centreSquare(width: number, height: number): { sx: number; sy: number; side: number } {
  const side = Math.min(width, height);
  return { sx: Math.floor((width - side) / 2), sy: Math.floor((height - side) / 2), side };
}

/**
 * RGBA bytes ([size, size, 4], as a canvas gives them) to the model's [size, size, 3] floats in [−1, 1]:
 * v ↦ v / 127.5 − 1 (the inverse of viz/image.ts floatToRgba). Alpha is dropped: a transparent pixel
 * reads as the colour the canvas stored (black on a fresh canvas, which the caller fills white first).
 */
export function rgbaToUnit(rgba: Uint8ClampedArray | Uint8Array, size: number): Float32Array {
  if (rgba.length !== size * size * 4) throw new RangeError(`expected ${size * size * 4} bytes, got ${rgba.length}`);
  const out = new Float32Array(size * size * 3);
  for (let p = 0, i = 0, o = 0; p < size * size; p++, i += 4, o += 3) {
    out[o] = rgba[i] / 127.5 - 1;
    out[o + 1] = rgba[i + 1] / 127.5 - 1;
    out[o + 2] = rgba[i + 2] / 127.5 - 1;
  }
  return out;
}

/** A 2D context to draw into: an OffscreenCanvas where the browser has one, else a detached <canvas>. */
function context2d(size: number): OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(size, size).getContext('2d');
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  return canvas.getContext('2d');
}

/**
 * Decodes `file` with the browser's own decoders (any format it reads), takes the centred square and
 * resizes it to size² (smoothing on, so a large photo is averaged down, not sampled). Never throws:
 * a file the browser cannot decode comes back as 'not-an-image'.
 */
export async function imageFromFile(file: Blob, size = 1024): Promise<UploadResult> {
  const early = fileProblem(file);
  if (early) return { ok: false, problem: early };
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return { ok: false, problem: 'not-an-image' };
  }
  try {
    const { width, height } = bitmap;
    const late = sideProblem(width, height);
    if (late) return { ok: false, problem: late };
    const context = context2d(size);
    if (!context) return { ok: false, problem: 'not-an-image' };
    const { sx, sy, side } = centreSquare(width, height);
    context.fillStyle = '#fff'; // a transparent PNG shows on white, as on most pages
    context.fillRect(0, 0, size, size);
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, sx, sy, side, side, 0, 0, size, size);
    return { ok: true, pixels: rgbaToUnit(context.getImageData(0, 0, size, size).data, size), width, height };
  } finally {
    bitmap.close();
  }
}
