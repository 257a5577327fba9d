// The energy chart's data (src/lib/widgets/energy-bars.ts), shared by lesson 3 (one bar per stage) and
// lesson 5 (a pair per disturb case): the axis top leaves room for the notes, bars share a band evenly,
// and each lesson's figures become the groups it drew before the two charts were one.
import { describe, expect, it } from 'vitest';
import { barSlot, ENERGY_FLOOR, energyTop } from '../../../src/lib/widgets/energy-bars';
import { disturbGroups } from '../../../src/lib/widgets/latent-diffusion/disturb';
import { stageGroups } from '../../../src/lib/widgets/stage-difference';

describe('the energy chart', () => {
  it('tops its log axis at 3× the largest energy, and never below 30× the floor (no defect: all zero)', () => {
    expect(energyTop([{ label: 'a', bars: [{ energy: 0.01, series: 1 }, { energy: 0.002, series: 2 }] }])).toBeCloseTo(0.03, 12);
    expect(energyTop([{ label: 'a', bars: [{ energy: 0, series: 1 }] }])).toBeCloseTo(ENERGY_FLOOR * 30, 18);
    expect(energyTop([])).toBeCloseTo(ENERGY_FLOOR * 30, 18);
  });

  it('puts the bars of a group side by side, gap apart, filling the band exactly', () => {
    expect(barSlot(40, 1, 0)).toEqual({ dx: 0, width: 40 });
    const [a, b] = [barSlot(40, 2, 0), barSlot(40, 2, 1)];
    expect(a).toEqual({ dx: 0, width: 18 });
    expect(b.dx).toBe(22);
    expect(b.dx + b.width).toBe(40);
    expect(barSlot(2, 3, 0).width).toBe(0); // too narrow: no negative width
  });

  it('draws lesson 3 as one bar per stage: 64² injected and named, the later ones with their ratio', () => {
    const groups = stageGroups(
      [
        { size: 64, energy: 0.02, ratio: 1 },
        { size: 256, energy: 0.01, ratio: 0.5 },
        { size: 1024, energy: 0.004, ratio: 0.2 },
      ],
      { injected: 'injected', ratio: (r) => `${r}×` },
    );
    expect(groups.map((g) => g.label)).toEqual(['64²', '256²', '1024²']);
    expect(groups.map((g) => g.bars)).toEqual([
      [{ energy: 0.02, series: 1, note: 'injected' }],
      [{ energy: 0.01, series: 2, note: '0.5×' }],
      [{ energy: 0.004, series: 2, note: '0.2×' }],
    ]);
  });

  it('draws lesson 5 as a pair per case: injected, then what reached the image noted with its share', () => {
    const figures = { injected: 0.04, final1024: 0.01, ratio: 0.25, map: new Float32Array(0) };
    const groups = disturbGroups([{ label: 'mid', figures }, { label: 'late', figures: { ...figures, final1024: 0.04, ratio: 1 } }], (r) => `${100 * r} %`);
    expect(groups.map((g) => g.label)).toEqual(['mid', 'late']);
    expect(groups[0].bars).toEqual([
      { energy: 0.04, series: 1 },
      { energy: 0.01, series: 2, note: '25 %' },
    ]);
    expect(groups[1].bars[1].note).toBe('100 %');
  });
});
