import { describe, expect, it } from 'vitest';
import { PRESET_NAMES } from '../../../src/lib/pipelines/defects';
import { AUG_GRID, DEFECT_PRESETS, cascadeKey, snapAug, snapSteps } from '../../../src/lib/widgets/cascade-settings';

describe('cascade settings from a link', () => {
  it('the lesson offers exactly the pipeline’s defect presets', () => {
    expect([...DEFECT_PRESETS]).toEqual(PRESET_NAMES);
  });

  it('aug levels snap to the 0.05 grid inside what the SR models were trained on', () => {
    expect(snapAug('0.33')).toBe('0.35');
    expect(snapAug('0.1')).toBe('0.1');
    expect(snapAug('2')).toBe(String(AUG_GRID.max));
    expect(snapAug('-1')).toBe('0');
    expect(snapAug('abc')).toBeUndefined();
    expect(snapAug(null)).toBeUndefined();
  });

  it('step counts snap to the nearest offered count in log scale', () => {
    expect(snapSteps('7')).toBe(5);
    expect(snapSteps('8')).toBe(10);
    expect(snapSteps('1000')).toBe(50);
    expect(snapSteps('0')).toBe(2);
    expect(snapSteps('')).toBeUndefined();
  });

  it('the key changes with every setting that changes the clean chain', () => {
    const s = { kind: 'meadow' as const, seed: 5, steps: [20, 10, 5] as [number, number, number], aug: [0.1, 0.1] as [number, number] };
    const k = cascadeKey(s);
    expect(cascadeKey({ ...s, aug: [0.1, 0.3] })).not.toBe(k);
    expect(cascadeKey({ ...s, seed: 6 })).not.toBe(k);
    expect(cascadeKey({ ...s })).toBe(k);
  });
});
