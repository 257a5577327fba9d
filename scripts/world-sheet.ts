// Contact sheets of the procedural world (src/lib/data), for looking at it: `npx tsx scripts/world-sheet.ts [seed] [outDir]`.
// Writes sheet-64.png (scenes at 64², nearest-upscaled), levels.png (one scene at 64/256/1024, each shown
// at 1024 wide), crop.png (a 256² crop of the 1024² render, shown 2×) and prints render timings.
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { renderScene, sampleScene, SCENE_KINDS, upsampleNearest } from '../src/lib/data/index';

const seed = Number(process.argv[2] ?? 1);
const outDir = process.argv[3] ?? '/tmp';

/** Pastes a [size, size, 3] image in [-1, 1] into an RGBA PNG at (ox, oy). */
function paste(png: PNG, img: Float32Array, size: number, ox: number, oy: number): void {
  for (let j = 0; j < size; j++)
    for (let i = 0; i < size; i++) {
      const o = ((oy + j) * png.width + ox + i) * 4, q = (j * size + i) * 3;
      for (let c = 0; c < 3; c++) png.data[o + c] = Math.round((img[q + c] + 1) * 127.5);
      png.data[o + 3] = 255;
    }
}

function save(png: PNG, name: string): void {
  writeFileSync(`${outDir}/${name}`, PNG.sync.write(png));
  console.log(`wrote ${outDir}/${name}`);
}

// 1. Sheet: 4 rows × 7 kinds at 64², shown 3× (192 px) with 4 px gutters.
const cols = SCENE_KINDS.length, rows = 4, cellPx = 192, gut = 4;
const sheet = new PNG({ width: cols * (cellPx + gut), height: rows * (cellPx + gut) });
for (let r = 0; r < rows; r++)
  SCENE_KINDS.forEach((kind, c) => {
    const img = renderScene(sampleScene(seed * 100 + r, kind), 64);
    paste(sheet, upsampleNearest(img, 64, 3), cellPx, c * (cellPx + gut), r * (cellPx + gut));
  });
save(sheet, 'sheet-64.png');

// 2. One scene per kind at three levels, each nearest-upscaled to 512 for side-by-side viewing.
const kind = SCENE_KINDS[seed % SCENE_KINDS.length];
const scene = sampleScene(seed, kind);
const levels = new PNG({ width: 3 * 512 + 2 * gut, height: 512 });
const big = renderScene(scene, 1024);
[64, 256].forEach((s, k) => paste(levels, upsampleNearest(renderScene(scene, s), s, 512 / s), 512, k * (512 + gut), 0));
const half = new Float32Array(512 * 512 * 3); // the 1024 render's top-left quarter at 1:1
for (let j = 0; j < 512; j++) half.set(big.subarray((j * 1024 + 256) * 3, (j * 1024 + 768) * 3), j * 512 * 3);
paste(levels, half, 512, 2 * (512 + gut), 0);
save(levels, 'levels.png');

// 3. Full 1024 render, and a 1024² render of a 1/8 window (what SR training crops would see).
const full = new PNG({ width: 1024, height: 1024 });
paste(full, big, 1024, 0, 0);
save(full, 'full-1024.png');
const zoom = new PNG({ width: 512, height: 512 });
paste(zoom, renderScene(scene, 512, { x: 0.4, y: 0.6, w: 0.125, h: 0.125 }), 512, 0, 0);
save(zoom, 'zoom.png');
console.log(`levels scene: seed ${seed}, kind ${kind}`);

// 4. Timings, median of 5 after a warm-up, per size.
for (const size of [64, 256, 1024]) {
  const times: number[] = [];
  for (let k = 0; k < 6; k++) {
    const s = sampleScene(seed + k, kind);
    const t0 = performance.now();
    renderScene(s, size);
    times.push(performance.now() - t0);
  }
  times.shift();
  times.sort((a, b) => a - b);
  console.log(`${kind} ${size}²: median ${times[2].toFixed(2)} ms`);
}
