// Defects: an empty one leaves the image bit for bit; each preset changes the pixels under its mask and
// no others; the brush paints, erases and strokes without gaps; effects stay in the image range.
import { describe, expect, it } from 'vitest';
import { renderScene, sampleScene } from '../../../src/lib/data';
import { applyDefects, emptyBrush, maskWeights, PRESET_NAMES, PRESETS, stampBrush, strokeBrush, type Defect } from '../../../src/lib/pipelines/defects';

const scene = (size: number) => renderScene(sampleScene(3), size);
const changed = (a: Float32Array, b: Float32Array) => Array.from({ length: a.length / 3 }, (_, p) => [0, 1, 2].some((c) => a[p * 3 + c] !== b[p * 3 + c]));

describe('defects', () => {
  it('an empty list, an all-zero brush or an empty mask returns the image bit for bit, as a new array', () => {
    const img = scene(64);
    const none: Defect[] = [
      { effect: { kind: 'paint', color: [1, 1, 1] }, mask: emptyBrush(32) },
      { effect: { kind: 'blur', sigma: 0.1 }, mask: { kind: 'disc', cx: 0.5, cy: 0.5, r: 0 } },
    ];
    for (const defects of [[], none]) {
      const out = applyDefects(img, 64, defects);
      expect(out).not.toBe(img);
      expect(Buffer.from(out.buffer).equals(Buffer.from(img.buffer))).toBe(true);
    }
  });

  it.each(PRESET_NAMES)('preset %s changes pixels under its mask, at 64² and 256², and none outside it', (name) => {
    for (const size of [64, 256]) {
      const img = scene(size);
      const out = applyDefects(img, size, [PRESETS[name]]);
      const w = maskWeights(PRESETS[name].mask, size);
      const diff = changed(img, out);
      expect(diff.some((d, p) => d && w[p] === 0)).toBe(false);
      // most covered pixels change (a blur leaves flat regions alone, so not all)
      const covered = w.filter((v) => v > 0).length;
      expect(covered).toBeGreaterThan(0);
      expect(diff.filter(Boolean).length).toBeGreaterThan(0.3 * covered);
      expect(out.every((v) => v >= -1 && v <= 1)).toBe(true);
    }
  });

  it('paint sets the colour, shift adds its offset (clipped), noise is seeded, blur keeps a flat image flat', () => {
    const flat = new Float32Array(16 * 16 * 3).fill(0.2);
    const all = { kind: 'all' } as const;
    expect(applyDefects(flat, 16, [{ effect: { kind: 'paint', color: [1, -1, 0.5] }, mask: all }]).slice(0, 3)).toEqual(Float32Array.from([1, -1, 0.5]));
    expect(Array.from(applyDefects(flat, 16, [{ effect: { kind: 'shift', delta: [0.1, 0.9, -0.1] }, mask: all }]).slice(0, 3))).toEqual([
      expect.closeTo(0.3, 6), 1, expect.closeTo(0.1, 6),
    ]);
    const noise = (seed: number) => applyDefects(flat, 16, [{ effect: { kind: 'noise', sigma: 0.3, seed }, mask: all }]);
    expect(noise(1)).toEqual(noise(1));
    expect(noise(1)).not.toEqual(noise(2));
    applyDefects(flat, 16, [{ effect: { kind: 'blur', sigma: 0.2 }, mask: all }]).forEach((v) => expect(v).toBeCloseTo(0.2, 6));
  });

  it('the brush paints a disc, erases it, and a stroke leaves no gap between its ends', () => {
    const brush = emptyBrush(32);
    stampBrush(brush, 0.5, 0.5, 0.1);
    expect(brush.alpha[16 * 32 + 16]).toBe(1);
    expect(brush.alpha[0]).toBe(0);
    stampBrush(brush, 0.5, 0.5, 0.1, true);
    expect(brush.alpha.every((v) => v === 0)).toBe(true);
    strokeBrush(brush, [0.1, 0.5], [0.9, 0.5], 0.05);
    for (let i = 4; i < 28; i++) expect(brush.alpha[16 * 32 + i]).toBe(1);
    // a 32² brush applies to a 64² image through its pixel centres
    const w = maskWeights(brush, 64);
    expect(w[33 * 64 + 32]).toBe(1);
    expect(w[0]).toBe(0);
  });

  it('refuses an image of the wrong size', () => {
    expect(() => applyDefects(new Float32Array(10), 4, [])).toThrow(/48 values/);
  });
});
