// Space-to-depth, the re-layout that lets the super-resolution U-Nets run on the low-res grid: each k×k
// block of pixels becomes one cell with 3k² channels (as Imagen's Efficient U-Net trades resolution for
// channels, App. B.1). The same channel order as train/sr-data.ts, which the models were trained in.

function check(values: Float32Array, size: number, channels: number, k: number): void {
  if (!Number.isInteger(k) || k < 1 || size % k !== 0) throw new RangeError(`space-to-depth block ${k} must divide the image side ${size}`);
  if (values.length !== size * size * channels) throw new RangeError(`expected ${size}×${size}×${channels} = ${size * size * channels} values, got ${values.length}`);
}

/**
 * The index map of one image: for cell value j, the pixel value it holds. Cell (gy, gx) channel
 * (dy·k + dx)·C + c is pixel (gy·k + dy, gx·k + dx) channel c. Both directions read this one map.
 */
function cellToPixel(size: number, channels: number, k: number): Uint32Array {
  const g = size / k;
  const map = new Uint32Array(size * size * channels);
  let j = 0;
  for (let gy = 0; gy < g; gy++)
    for (let gx = 0; gx < g; gx++)
      for (let dy = 0; dy < k; dy++)
        for (let dx = 0; dx < k; dx++) {
          const pixel = ((gy * k + dy) * size + gx * k + dx) * channels;
          for (let c = 0; c < channels; c++) map[j++] = pixel + c;
        }
  return map;
}

/** [size, size, C] pixels → [size/k, size/k, k²C] cells. k = 1 returns a copy. */
export function spaceToDepth(pixels: Float32Array, size: number, channels: number, k: number): Float32Array {
  check(pixels, size, channels, k);
  if (k === 1) return pixels.slice();
  const map = cellToPixel(size, channels, k);
  const out = new Float32Array(pixels.length);
  for (let j = 0; j < map.length; j++) out[j] = pixels[map[j]];
  return out;
}

/** [size/k, size/k, k²C] cells → [size, size, C] pixels (size is the pixel side). k = 1 returns a copy. */
export function depthToSpace(cells: Float32Array, size: number, channels: number, k: number): Float32Array {
  check(cells, size, channels, k);
  if (k === 1) return cells.slice();
  const map = cellToPixel(size, channels, k);
  const out = new Float32Array(cells.length);
  for (let j = 0; j < map.length; j++) out[map[j]] = cells[j];
  return out;
}
