// "Disturb it half-way" measured as lesson 3 measures: energies are means of squared differences against the
// clean run, and the ratio is what reached the image over what was injected (0 when nothing was).
import { describe, expect, it } from 'vitest';
import { disturbFigures } from '../../../../src/lib/widgets/latent-diffusion/disturb';

const img = (n: number, v: number) => new Float32Array(n * n * 3).fill(v);

describe('disturbFigures', () => {
  it('measures the injected energy at the preview and what reached the 1024² image', () => {
    const clean = { injectedPreview: img(2, 0), image: img(4, 0) };
    const f = disturbFigures(clean, { injectedPreview: img(2, 0.5), image: img(4, 0.2) });
    expect(f.injected).toBeCloseTo(0.25);
    expect(f.final1024).toBeCloseTo(0.04);
    expect(f.ratio).toBeCloseTo(0.16);
    expect(f.map).toHaveLength(16);
  });

  it('a mid-run change of x_t is the defect scaled by √ᾱ: dividing by it gives the defect as painted', () => {
    const clean = { injectedPreview: img(2, 0), image: img(4, 0) };
    expect(disturbFigures(clean, { injectedPreview: img(2, 0.25), image: img(4, 0) }, 0.5).injected).toBeCloseTo(0.25);
    expect(() => disturbFigures(clean, clean, 0)).toThrow(/√ᾱ/);
  });

  it('an edit that injected nothing has ratio 0, not NaN', () => {
    const clean = { injectedPreview: img(2, 0), image: img(4, 0) };
    expect(disturbFigures(clean, clean).ratio).toBe(0);
  });
});
