// Reading latent-64's disturb table (train/eval/latent-disturb.ts) for the lessons: the figures as written,
// absent ones as null, an older manifest without the table as no table.
import { describe, expect, it } from 'vitest';
import { disturbRecord } from '../../../../src/lib/widgets/latent-diffusion/disturb-record';

const mean = (injected: number, energy: number) => ({ injected, energy, ratio: energy / injected, n: 3 });
const manifest = (disturb: unknown) => ({ name: 'latent-64', evaluation: { heldOutLoss: 0.9, disturb } });
const table = {
  sampler: { name: 'ddim', eta: 0, guidance: 1, steps: 20, midStep: 10 },
  size: 1024,
  count: 3,
  starts: [{ kind: 'meadow', seed: 5 }, { kind: 'coast', seed: 6 }, { kind: 'city', seed: 7 }],
  presets: ['blob', 'noise', 'shift', 'blur'],
  mean: { blob: { mid: mean(0.03, 0.02), late: mean(0.04, 0.015) }, noise: { mid: mean(0.01, 0.002) }, shift: { mid: mean(0.008, 0.007), late: { injected: 'x' } } },
  rows: [],
};

describe('disturbRecord', () => {
  it('reads the run, its starts and each preset’s means in the table’s order', () => {
    const r = disturbRecord(manifest(table))!;
    expect(r.steps).toBe(20);
    expect(r.midStep).toBe(10);
    expect(r.size).toBe(1024);
    expect(r.starts).toEqual(table.starts);
    expect(r.presets.map((p) => p.preset)).toEqual(['blob', 'noise', 'shift', 'blur']);
    expect(r.presets[0].mid).toEqual(mean(0.03, 0.02));
    expect(r.presets[0].late?.ratio).toBeCloseTo(0.375, 12);
  });

  it('leaves a point that was not measured, or not a number, as null: never filled in', () => {
    const r = disturbRecord(manifest(table))!;
    expect(r.presets[1].late).toBeNull();
    expect(r.presets[2].late).toBeNull();
    expect(r.presets[3]).toEqual({ preset: 'blur', mid: null, late: null });
  });

  it('is null for a manifest evaluated before the table existed, or a table without its run', () => {
    expect(disturbRecord({ evaluation: { heldOutLoss: 0.9 } })).toBeNull();
    expect(disturbRecord({})).toBeNull();
    expect(disturbRecord(null)).toBeNull();
    expect(disturbRecord(manifest({ ...table, sampler: { steps: 20 } }))).toBeNull();
  });

  it('reads what train/eval/latent-disturb.ts writes (the shape of a real run, seed rows left out)', async () => {
    const { summariseDisturb } = await import('../../../../train/eval/latent-disturb');
    const rows = [
      { kind: 'meadow', seed: 5, preset: 'blob' as const, point: 'mid' as const, injected: 0.032, energy: 0.02, ratio: 0.625 },
      { kind: 'meadow', seed: 5, preset: 'blob' as const, point: 'late' as const, injected: 0.0375, energy: 0.015, ratio: 0.4 },
    ];
    const r = disturbRecord(manifest({ ...table, mean: summariseDisturb(rows), rows }))!;
    expect(r.presets[0]).toEqual({ preset: 'blob', mid: { injected: 0.032, energy: 0.02, ratio: 0.625, n: 1 }, late: { injected: 0.0375, energy: 0.015, ratio: 0.4, n: 1 } });
  });
});
