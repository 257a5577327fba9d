import { describe, expect, it } from 'vitest';
import { emptyMask } from '../../../../src/lib/widgets/brush-mask';
import { changedPixels, paintLatent, shareInsidePatches } from '../../../../src/lib/widgets/the-autoencoder/latent-patch';
import { channelPlane, paintPlane, planeScale } from '../../../../src/lib/widgets/latent-maps';

describe('latent-patch', () => {
  it('painting adds the amount to one channel of the painted cells only', () => {
    const mask = emptyMask(4);
    mask.alpha[5] = 1;
    const z = new Float32Array(4 * 4 * 3).fill(1);
    const out = paintLatent(z, 3, 2, mask, 0.5);
    expect(out[5 * 3 + 2]).toBeCloseTo(1.5);
    expect(out[5 * 3 + 1]).toBe(1);
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(48.5);
    expect(z[5 * 3 + 2]).toBe(1); // the input is not changed
    expect(() => paintLatent(z, 3, 3, mask, 1)).toThrow(RangeError);
  });

  it('a change confined to a painted cell’s 16×16 patch is all inside; a change in its neighbour is all outside', () => {
    const mask = emptyMask(4); // a 64² image at f = 16
    mask.alpha[1 * 4 + 2] = 1; // cell (2, 1): pixels x 32..47, y 16..31
    const inside = new Float32Array(64 * 64);
    inside[20 * 64 + 40] = 1;
    expect(shareInsidePatches(inside, 64, mask)).toBe(1);
    const outside = new Float32Array(64 * 64);
    outside[20 * 64 + 48] = 1; // x = 48 is the next cell
    expect(shareInsidePatches(outside, 64, mask)).toBe(0);
    expect(Number.isNaN(shareInsidePatches(new Float32Array(64 * 64), 64, mask))).toBe(true);
    const both = inside.map((v, i) => v + outside[i] * 3);
    expect(shareInsidePatches(both, 64, mask)).toBeCloseTo(0.25);
    expect(changedPixels(both, 64, mask, 0.5)).toEqual({ changed: 2, outside: 1 });
  });

  it('a channel plane is every c-th value from k, and its map is white at 0, blue below and orange above', () => {
    const z = new Float32Array([1, -2, 3, -4]); // two cells, two channels
    expect(Array.from(channelPlane(z, 2, 1))).toEqual([-2, -4]);
    expect(planeScale(channelPlane(z, 2, 1))).toBe(4);
    const px = paintPlane(new Float32Array([0, -1, 1]), 1, new Uint8ClampedArray(12));
    expect(Array.from(px.slice(0, 4))).toEqual([247, 247, 247, 255]);
    expect(px[6]).toBeGreaterThan(px[4]); // blue
    expect(px[8]).toBeGreaterThan(px[10]); // orange
  });
});
