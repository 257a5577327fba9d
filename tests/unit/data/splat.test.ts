import { describe, expect, it } from 'vitest';
import { drawSplats } from '../../../src/lib/data/splat';
import { downsampleArea } from '../../../src/lib/data/measure';

describe('splat', () => {
  const group = { sigma: 0.0008, color: [1, 0.5, 0.25] as [number, number, number], points: [0.3, 0.4, 1, 0.51234, 0.777, 0.5, 0.001, 0.999, 0.8] };

  it('a splat carries the same energy a·2πσ² at every resolution', () => {
    for (const size of [64, 1024]) {
      const img = new Float32Array(size * size * 3);
      drawSplats(img, size, 0, 0, 1 / size, 1 / size, { ...group, points: group.points.slice(0, 6) });
      let s = 0;
      for (let k = 0; k < img.length; k += 3) s += img[k];
      const energy = (s / (size * size)) / (2 * Math.PI * group.sigma ** 2);
      expect(energy).toBeCloseTo(1.5, 3);
    }
  });

  it('the 64² splat raster equals the 16× area downsample of the 1024² one', () => {
    const fine = new Float32Array(1024 * 1024 * 3), coarse = new Float32Array(64 * 64 * 3);
    drawSplats(fine, 1024, 0, 0, 1 / 1024, 1 / 1024, group);
    drawSplats(coarse, 64, 0, 0, 1 / 64, 1 / 64, group);
    const down = downsampleArea(fine, 1024, 16);
    let worst = 0;
    for (let k = 0; k < down.length; k++) worst = Math.max(worst, Math.abs(down[k] - coarse[k]));
    expect(worst).toBeLessThan(1e-4);
  });
});
