// eval-crops.png of the autoencoder: one row per held-out scene, one column per way of making the 1024²
// image (truth, bicubic, cascade, the decoders), each the same window where the truth has the most fine
// detail, shown enlarged with nearest pixels so the reader sees the texture each one has or lacks.
import { PNG } from 'pngjs';
import { GLYPH_HEIGHT, textWidth } from '../eval/pixel-font';
import { busiestWindow, cropImage, drawLabel, pasteTile } from '../eval/sr-grid';
import { HF_FACTOR } from './vae-metrics';

const GAP = 4;
const INK = [40, 40, 40] as const;

/** rows[i].images[j] is column j of row i, each [size, size, 3] in [−1, 1]; images[0] is the truth. */
export function vaeCropsPng(rows: { label: string; images: Float32Array[] }[], columns: string[], size: number, crop: number, zoom: number): { png: Buffer; legend: string } {
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
  rows.forEach((row, j) => {
    const y0 = header + j * (tile + GAP);
    drawLabel(rgba, width, GAP, y0 + Math.floor((tile - GLYPH_HEIGHT * scale) / 2), row.label, scale, INK);
    const w = busiestWindow(row.images[0], size, crop, HF_FACTOR);
    row.images.forEach((img, i) => paste(cropImage(img, size, w.x, w.y, crop), labelWidth + i * (tile + GAP), y0));
  });
  const legend =
    `rows: ${rows.map((r) => r.label).join(', ')}; columns: ${columns.join(', ')}; each a ${crop}×${crop}-px window of the ${size}² image shown at ${zoom}×, ` +
    `where the truth has the most detail finer than ${HF_FACTOR} px ("phase one" = the decoder trained on reconstruction + KL only, "phase two" = fine-tuned with the patch discriminator)`;
  return { png: PNG.sync.write(png, { colorType: 2 }), legend };
}
