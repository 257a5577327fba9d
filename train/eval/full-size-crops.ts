// crops.png of the latent evaluation: full-size pixels, one column per scene kind and one row per source
// (latent-64's decoded sample, the cascade's sample, a true render), each a window of the 1024² image shown
// 1:1, so the reader judges detail at the size the lesson shows, not after a reduction hides it.
import { PNG } from 'pngjs';
import { GLYPH_HEIGHT, textWidth } from './pixel-font';
import { drawLabel, pasteTile } from './sr-grid';

export interface CropsRow {
  label: string;
  /** One [crop, crop, 3] window per column, or null where the source has none of that kind. */
  crops: (Float32Array | null)[];
}

const GAP = 4;
const INK = [40, 40, 40] as const;

/** Encodes the rows as PNG bytes, columns headed by `columns`; also the layout in words. */
export function fullSizeCropsPng(rows: CropsRow[], columns: readonly string[], crop: number, size: number): { png: Buffer; legend: string } {
  const scale = 2;
  const labelWidth = Math.max(...rows.map((r) => textWidth(r.label, scale))) + 2 * GAP;
  const header = GLYPH_HEIGHT * scale + 2 * GAP;
  const width = labelWidth + columns.length * (crop + GAP);
  const height = header + rows.length * (crop + GAP);
  const png = new PNG({ width, height, colorType: 6 });
  png.data.fill(255);
  const rgba = png.data as unknown as Uint8Array;
  columns.forEach((name, i) => drawLabel(rgba, width, labelWidth + i * (crop + GAP), GAP, name, scale, INK));
  rows.forEach((row, j) => {
    const y0 = header + j * (crop + GAP);
    drawLabel(rgba, width, GAP, y0 + Math.floor((crop - GLYPH_HEIGHT * scale) / 2), row.label, scale, INK);
    row.crops.forEach((img, i) => {
      if (!img) return;
      if (img.length !== crop * crop * 3) throw new Error(`fullSizeCropsPng: a crop has ${img.length} values, expected ${crop * crop * 3}`);
      pasteTile(rgba, width, img, crop, 1, labelWidth + i * (crop + GAP), y0);
    });
  });
  const legend =
    `rows top to bottom: ${rows.map((r) => r.label).join(', ')}; columns: ${columns.join(', ')}; each the centre ${crop}×${crop}-px window of a ${size}² image ` +
    `shown 1:1 (the first image of that kind from each source; blank where a source has none)`;
  return { png: PNG.sync.write(png, { colorType: 2 }), legend };
}
