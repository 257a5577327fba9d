// The sample grid: one row per scene kind, labelled, with generated samples on the left and held-out
// scenes of the same kind on the right for comparison, as an RGB PNG (pngjs). Images are [R, R, 3] in [−1, 1].
import { PNG } from 'pngjs';
import { drawText, GLYPH_HEIGHT, textWidth } from './pixel-font';

export interface GridRow {
  label: string;
  samples: Float32Array[];
  references: Float32Array[];
}

export interface GridLayout {
  /** Image side in pixels, before `zoom`. */
  size: number;
  /** Each image pixel becomes zoom×zoom (nearest). */
  zoom: number;
}

const GAP = 4;
const BACKGROUND = 255;
const INK: [number, number, number] = [40, 40, 40];

/** Encodes the grid as PNG bytes; also returns the layout in words (for the manifest's legend). */
export function sampleGridPng(rows: GridRow[], { size, zoom }: GridLayout): { png: Buffer; legend: string } {
  const tile = size * zoom;
  const nS = Math.max(...rows.map((r) => r.samples.length));
  const nR = Math.max(...rows.map((r) => r.references.length));
  const textScale = 2; // 10×14-pixel letters: readable beside 64–128-pixel tiles
  const labelWidth = Math.max(...rows.map((r) => textWidth(r.label, textScale)), textWidth('held-out', textScale)) + 2 * GAP;
  const header = GLYPH_HEIGHT * textScale + 2 * GAP;
  const refX = labelWidth + nS * (tile + GAP) + 3 * GAP; // a wider gap separates samples from references
  const width = refX + nR * (tile + GAP);
  const height = header + rows.length * (tile + GAP);
  const png = new PNG({ width, height, colorType: 6 });
  png.data.fill(BACKGROUND);
  const rgba = png.data as unknown as Uint8Array;
  const paste = (img: Float32Array, x0: number, y0: number) => {
    if (img.length !== size * size * 3) throw new Error(`sampleGridPng: an image has ${img.length} values, expected ${size * size * 3}`);
    for (let y = 0; y < tile; y++) {
      for (let x = 0; x < tile; x++) {
        const s = (Math.floor(y / zoom) * size + Math.floor(x / zoom)) * 3;
        const o = ((y0 + y) * width + x0 + x) * 4;
        for (let ch = 0; ch < 3; ch++) rgba[o + ch] = Math.round(255 * Math.min(1, Math.max(0, (img[s + ch] + 1) / 2)));
        rgba[o + 3] = 255;
      }
    }
  };
  drawText(rgba, width, labelWidth, GAP, 'samples', textScale, INK);
  drawText(rgba, width, refX, GAP, 'held-out', textScale, INK);
  rows.forEach((row, j) => {
    const y = header + j * (tile + GAP);
    drawText(rgba, width, GAP, y + Math.floor((tile - GLYPH_HEIGHT * textScale) / 2), row.label, textScale, INK);
    row.samples.forEach((img, i) => paste(img, labelWidth + i * (tile + GAP), y));
    row.references.forEach((img, i) => paste(img, refX + i * (tile + GAP), y));
  });
  const legend =
    `rows top to bottom: ${rows.map((r) => r.label).join(', ')}; left ${nS} columns: samples of that kind; ` +
    `right ${nR} columns: held-out scenes of that kind; ${size}×${size} images shown at ${zoom}×`;
  return { png: PNG.sync.write(png, { colorType: 2 }), legend };
}
