import { describe, expect, it } from 'vitest';
import { DESIGN_HEIGHT, DESIGN_WIDTH, projectorZoom } from '../../../src/lib/components/projector-zoom';

describe('projectorZoom', () => {
  it('fits the design box to the tighter side of the screen', () => {
    expect(projectorZoom(1280, 720)).toBeCloseTo(Math.min(1280 / DESIGN_WIDTH, 720 / DESIGN_HEIGHT), 12);
    // 4K is three times 1280×720: the same layout, three times larger.
    expect(projectorZoom(3840, 2160)).toBeCloseTo(3 * projectorZoom(1280, 720), 12);
  });

  it('keeps the zoomed design box inside any screen at least as large as the box', () => {
    for (const [w, h] of [[1280, 720], [1920, 1080], [1280, 1024], [3840, 2160], [2560, 1600]]) {
      const z = projectorZoom(w, h);
      expect(DESIGN_WIDTH * z).toBeLessThanOrEqual(w + 1e-9);
      expect(DESIGN_HEIGHT * z).toBeLessThanOrEqual(h + 1e-9);
    }
  });

  it('never shrinks a widget below its lesson size, and survives a zero-sized window', () => {
    expect(projectorZoom(1024, 768)).toBe(1);
    expect(projectorZoom(800, 500)).toBe(1);
    expect(projectorZoom(0, 0)).toBe(1);
    expect(projectorZoom(Number.NaN, 720)).toBe(1);
  });
});
