// The super-resolution crops PNG (pretrained/<model>/eval-crops.png): one row per held-out scene, and
// columns low-res (nearest-upscaled) / bicubic / [net off] / model / truth, all the same window of the
// full-size image, shown enlarged with nearest pixels so the reader sees the detail each one has or lacks.
// "predictor" (stages with one, src/lib/pipelines/sr-predictor.ts) is its one-pass mean, the denoiser's start;
// "net off" (preconditioned models) is the same sample with the net's correction F = 0: beside "model" it
// shows what the trained net itself adds.
import { PNG } from 'pngjs';
import { detailEnergy, upsampleNearest } from '../../src/lib/data';
import { drawText, GLYPH_HEIGHT, GLYPH_WIDTH, textWidth } from './pixel-font';

export const CROP_COLUMNS = ['low-res', 'bicubic', 'model', 'truth'] as const;
export const CROP_COLUMNS_NET_OFF = ['low-res', 'bicubic', 'net off', 'model', 'truth'] as const;
export const CROP_COLUMNS_PREDICTOR = ['low-res', 'bicubic', 'predictor', 'net off', 'model', 'truth'] as const;

export interface CropRow {
  label: string;
  /** The low-res input, [size/factor]²·3. */
  low: Float32Array;
  /** bicubic, model and truth at full size, [size, size, 3]. */
  bicubic: Float32Array;
  model: Float32Array;
  truth: Float32Array;
  /** The same sample with the net's correction switched off (F = 0), [size, size, 3]; all rows or none. */
  netOff?: Float32Array;
  /** The stage's predictor mean, [size, size, 3]; shown only when every row has it and netOff. */
  predictor?: Float32Array;
}

/** A square window of an image: [crop, crop, 3] from top-left (x, y). */
export function cropImage(img: Float32Array, size: number, x: number, y: number, crop: number): Float32Array {
  if (x < 0 || y < 0 || x + crop > size || y + crop > size) throw new RangeError(`crop ${crop} at (${x}, ${y}) leaves the ${size}² image`);
  const out = new Float32Array(crop * crop * 3);
  for (let j = 0; j < crop; j++) out.set(img.subarray(((y + j) * size + x) * 3, ((y + j) * size + x + crop) * 3), j * crop * 3);
  return out;
}

/** The window (on a crop/2 stride, edges on the low-res grid) where the truth has the most detail finer than `factor`. */
export function busiestWindow(truth: Float32Array, size: number, crop: number, factor: number): { x: number; y: number } {
  const stride = Math.max(factor, Math.floor(crop / 2 / factor) * factor);
  let best = { x: 0, y: 0, e: -1 };
  for (let y = 0; y + crop <= size; y += stride)
    for (let x = 0; x + crop <= size; x += stride) {
      const e = detailEnergy(cropImage(truth, size, x, y, crop), crop, factor);
      if (e > best.e) best = { x, y, e };
    }
  return { x: best.x, y: best.y };
}

// The shared pixel font has no "b"; this one glyph, in its 5×7 style, completes "bicubic".
const B_GLYPH = ['#    ', '#    ', '#### ', '#   #', '#   #', '#   #', '#### '];

export function drawLabel(rgba: Uint8Array, width: number, x: number, y: number, text: string, scale: number, ink: readonly [number, number, number]): void {
  [...text].forEach((ch, n) => {
    const left = x + n * (GLYPH_WIDTH + 1) * scale;
    if (ch !== 'b') return drawText(rgba, width, left, y, ch, scale, ink);
    B_GLYPH.forEach((row, gy) =>
      [...row].forEach((cell, gx) => {
        if (cell !== '#') return;
        for (let sy = 0; sy < scale; sy++)
          for (let sx = 0; sx < scale; sx++) {
            const o = ((y + gy * scale + sy) * width + left + gx * scale + sx) * 4;
            rgba.set([...ink, 255], o);
          }
      }),
    );
  });
}

/** Draws a [crop, crop, 3] image in [−1, 1] into an RGBA buffer `width` wide at (x0, y0), each pixel as zoom×zoom. */
export function pasteTile(rgba: Uint8Array, width: number, img: Float32Array, crop: number, zoom: number, x0: number, y0: number): void {
  const tile = crop * zoom;
  for (let y = 0; y < tile; y++)
    for (let x = 0; x < tile; x++) {
      const s = (Math.floor(y / zoom) * crop + Math.floor(x / zoom)) * 3;
      const o = ((y0 + y) * width + x0 + x) * 4;
      for (let c = 0; c < 3; c++) rgba[o + c] = Math.round(255 * Math.min(1, Math.max(0, (img[s + c] + 1) / 2)));
      rgba[o + 3] = 255;
    }
}

export interface CropLayout {
  /** Full image side. */
  size: number;
  factor: number;
  /** Window side in full-size pixels; each window pixel is shown as zoom×zoom. */
  crop: number;
  zoom: number;
}

const GAP = 4;
const INK = [40, 40, 40] as const;

/** Encodes the crops grid as PNG bytes and describes it in words (for the manifest). */
export function srCropsPng(rows: CropRow[], { size, factor, crop, zoom }: CropLayout): { png: Buffer; legend: string; windows: { x: number; y: number }[] } {
  const netOff = rows.every((r) => r.netOff);
  const predictor = netOff && rows.every((r) => r.predictor);
  const columns: readonly string[] = predictor ? CROP_COLUMNS_PREDICTOR : netOff ? CROP_COLUMNS_NET_OFF : CROP_COLUMNS;
  const tile = crop * zoom;
  const scale = 2;
  const labelWidth = Math.max(...rows.map((r) => textWidth(r.label, scale))) + 2 * GAP;
  const header = GLYPH_HEIGHT * scale + 2 * GAP;
  const width = labelWidth + columns.length * (tile + GAP);
  const height = header + rows.length * (tile + GAP);
  const png = new PNG({ width, height, colorType: 6 });
  png.data.fill(255);
  const rgba = png.data as unknown as Uint8Array;
  const paste = (img: Float32Array, x0: number, y0: number) => pasteTile(rgba, width, img, crop, zoom, x0, y0);
  columns.forEach((name, i) => drawLabel(rgba, width, labelWidth + i * (tile + GAP), GAP, name, scale, INK));
  const windows = rows.map((row, j) => {
    const y0 = header + j * (tile + GAP);
    drawLabel(rgba, width, GAP, y0 + Math.floor((tile - GLYPH_HEIGHT * scale) / 2), row.label, scale, INK);
    const w = busiestWindow(row.truth, size, crop, factor);
    const nearest = upsampleNearest(row.low, size / factor, factor);
    const images = predictor
      ? [nearest, row.bicubic, row.predictor!, row.netOff!, row.model, row.truth]
      : netOff
        ? [nearest, row.bicubic, row.netOff!, row.model, row.truth]
        : [nearest, row.bicubic, row.model, row.truth];
    images.forEach((img, i) => paste(cropImage(img, size, w.x, w.y, crop), labelWidth + i * (tile + GAP), y0));
    return w;
  });
  const legend =
    `rows top to bottom: ${rows.map((r) => r.label).join(', ')}; columns left to right: ${columns.join(', ')} ` +
    (netOff ? '(net off = the model\'s sample with its net\'s correction F set to 0, same seed) ' : '') +
    `(low-res = the ${size / factor}² input repeated ${factor}×${factor}); each a ${crop}×${crop}-px window of the ${size}² image ` +
    `shown at ${zoom}×, the window (on a ${factor}-px grid) where the truth has the most detail finer than ${factor} px`;
  return { png: PNG.sync.write(png, { colorType: 2 }), legend, windows };
}
