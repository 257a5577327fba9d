import { describe, expect, it } from 'vitest';
import { renderScene } from '../../../src/lib/data/render';
import { sampleScene } from '../../../src/lib/data/sample-scene';
import { detailEnergy, downsampleArea, mse, psnr, upsampleNearest } from '../../../src/lib/data/measure';
import { SCENE_KINDS } from '../../../src/lib/data/scene';

/** Rows [y0, y0+n) × columns [x0, x0+n) of a [size, size, 3] image. */
function crop(img: Float32Array, size: number, x0: number, y0: number, n: number): Float32Array {
  const out = new Float32Array(n * n * 3);
  for (let j = 0; j < n; j++) out.set(img.subarray(((y0 + j) * size + x0) * 3, ((y0 + j) * size + x0 + n) * 3), j * n * 3);
  return out;
}

// One scene per kind at three sizes, rendered once and shared by the cross-size tests.
const renders = SCENE_KINDS.map((kind) => {
  const scene = sampleScene(5, kind);
  return { kind, scene, r64: renderScene(scene, 64), r256: renderScene(scene, 256), r1024: renderScene(scene, 1024) };
});

describe('renderScene', () => {
  it('every kind renders a [size, size, 3] array of finite values in [-1, 1]', () => {
    for (const { kind, r64, r1024 } of renders) {
      expect(r64.length, kind).toBe(64 * 64 * 3);
      expect(r1024.length, kind).toBe(1024 * 1024 * 3);
      for (const v of r64) expect(Number.isFinite(v) && v >= -1 && v <= 1).toBe(true);
      let lo = Infinity, hi = -Infinity;
      for (const v of r1024) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      expect(lo, kind).toBeGreaterThanOrEqual(-1);
      expect(hi, kind).toBeLessThanOrEqual(1);
      expect(hi - lo, `${kind} is not flat`).toBeGreaterThan(0.5);
    }
  });

  it('is deterministic, and survives a JSON round trip of the scene', () => {
    const s = sampleScene(77, 'coast');
    const a = renderScene(s, 64);
    expect(renderScene(s, 64)).toEqual(a);
    expect(renderScene(JSON.parse(JSON.stringify(s)), 64)).toEqual(a);
  });

  it('rendering into a reused buffer gives the same pixels as a fresh one', () => {
    const buf = new Float32Array(64 * 64 * 3).fill(0.5);
    const s = sampleScene(8, 'night');
    expect(renderScene(s, 64, undefined, buf)).toBe(buf);
    expect(buf).toEqual(renderScene(s, 64));
  });

  it('different seeds give visibly different images', () => {
    for (const kind of SCENE_KINDS) expect(mse(renderScene(sampleScene(1, kind), 64), renderScene(sampleScene(2, kind), 64)), kind).toBeGreaterThan(0.002);
  });

  it('the 1024² render area-downsampled by 16 matches the 64² render (PSNR ≥ 32 dB)', () => {
    for (const { kind, r64, r1024 } of renders) expect(psnr(downsampleArea(r1024, 1024, 16), r64), kind).toBeGreaterThanOrEqual(32);
  });

  it('the 256² render area-downsampled by 4 matches the 64² render (PSNR ≥ 32 dB)', () => {
    for (const { kind, r64, r256 } of renders) expect(psnr(downsampleArea(r256, 256, 4), r64), kind).toBeGreaterThanOrEqual(32);
  });

  it('the 1024² render area-downsampled by 4 matches the 256² render (PSNR ≥ 32 dB)', () => {
    for (const { kind, r256, r1024 } of renders) expect(psnr(downsampleArea(r1024, 1024, 4), r256), kind).toBeGreaterThanOrEqual(32);
  });

  it('the 1024² render holds fine detail a 4× downsample removes, far above the cross-size mismatch', () => {
    for (const { kind, r256, r1024 } of renders) {
      const fine = detailEnergy(r1024, 1024, 4); // what only 1024² holds
      expect(fine, kind).toBeGreaterThan(1e-3); // RMS above 0.03, about 1 % of the range: visible grain
      expect(fine, kind).toBeGreaterThan(5 * mse(downsampleArea(r1024, 1024, 4), r256));
    }
  });

  it('the 256² render holds pattern energy that the 64² render does not', () => {
    for (const { kind, r64, r256 } of renders) {
      const beyond64 = mse(r256, upsampleNearest(r64, 64, 4));
      expect(beyond64, kind).toBeGreaterThan(2e-3);
      expect(beyond64, kind).toBeGreaterThan(5 * mse(downsampleArea(r256, 256, 4), r64));
    }
  });

  it('a window at matching resolution equals the crop of the full render', () => {
    for (const { kind, scene, r256 } of renders) {
      const win = renderScene(scene, 64, { x: 0.25, y: 0.5, w: 0.25, h: 0.25 });
      const ref = crop(r256, 256, 64, 128, 64);
      let worst = 0;
      for (let k = 0; k < win.length; k++) worst = Math.max(worst, Math.abs(win[k] - ref[k]));
      expect(worst, kind).toBeLessThan(1e-4);
    }
  });

  it('a window rendered at 4× detail downsamples to the crop of the full render', () => {
    for (const { kind, scene, r256 } of renders) {
      const zoom = renderScene(scene, 256, { x: 0.5, y: 0.25, w: 0.25, h: 0.25 });
      expect(psnr(downsampleArea(zoom, 256, 4), crop(r256, 256, 128, 64, 64)), kind).toBeGreaterThanOrEqual(32);
    }
  });
});
