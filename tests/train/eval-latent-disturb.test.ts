// The pure parts of the latent disturb record (train/eval/latent-disturb.ts): its edits are the ones lesson 5
// makes (so the manifest's table describes the reader's run), its starts and its means.
import { describe, expect, it } from 'vitest';
import { SCENE_KINDS } from '../../src/lib/data';
import { resolveLatentEdit } from '../../src/lib/engine/latent-job';
import { PRESET_NAMES } from '../../src/lib/pipelines/defects';
import { DEFAULT_STEPS, disturbEdits, midStep } from '../../src/lib/widgets/latent-diffusion/latent-settings';
import { disturbEdit, disturbStarts, LATENT_DISTURB_DEFAULTS, midwayStep, summariseDisturb, type DisturbRow } from '../../train/eval/latent-disturb';

describe('the disturb record’s edits', () => {
  it('are lesson 5’s own for every preset, mid-way and after the last step, at the lesson’s default step count', () => {
    expect(LATENT_DISTURB_DEFAULTS.steps).toBe(DEFAULT_STEPS);
    for (const steps of [5, 10, DEFAULT_STEPS, 50]) {
      for (const preset of PRESET_NAMES) {
        // The lesson's URL default puts the mid-way edit after half the steps.
        const lesson = disturbEdits(preset, steps / 2, steps);
        expect(disturbEdit(preset, 'mid', steps)).toEqual(resolveLatentEdit(lesson.mid));
        expect(disturbEdit(preset, 'late', steps)).toEqual(resolveLatentEdit(lesson.late));
      }
    }
  });

  it('put the mid-way edit strictly inside the run, as the lesson clamps it', () => {
    for (const steps of [2, 3, 5, 20, 50]) {
      expect(midwayStep(steps)).toBe(midStep(steps / 2, steps));
      expect(midwayStep(steps)).toBeGreaterThanOrEqual(1);
      expect(midwayStep(steps)).toBeLessThanOrEqual(steps - 1);
    }
    expect(() => midwayStep(1)).toThrow(RangeError);
    expect(disturbEdit('blob', 'late', 20).at).toBe(19);
    expect(disturbEdit('blob', 'mid', 20).at).toBe(9); // after step 10 of 20 (0-based index 9)
  });
});

describe('the disturb record’s starts', () => {
  it('begin at lesson 3’s propagation start (meadow, seed 5) and walk through the kinds with the seeds', () => {
    const starts = disturbStarts(3);
    expect(starts[0]).toEqual({ kind: 'meadow', classIndex: SCENE_KINDS.indexOf('meadow'), seed: 5 });
    expect(starts.map((s) => s.seed)).toEqual([5, 6, 7]);
    expect(new Set(starts.map((s) => s.kind)).size).toBe(3);
    for (const s of starts) expect(SCENE_KINDS[s.classIndex]).toBe(s.kind);
    expect(disturbStarts(SCENE_KINDS.length + 1).at(-1)?.kind).toBe('meadow'); // wraps round the kinds
    expect(disturbStarts(0)).toEqual([]);
    expect(() => disturbStarts(-1)).toThrow(RangeError);
  });
});

describe('summariseDisturb', () => {
  const row = (preset: DisturbRow['preset'], point: DisturbRow['point'], injected: number, energy: number): DisturbRow => ({ kind: 'meadow', seed: 5, preset, point, injected, energy, ratio: energy / injected });

  it('means injected, energy and ratio per preset and point (the ratio of each start, averaged), in preset order', () => {
    const mean = summariseDisturb([row('shift', 'late', 1, 0.5), row('blob', 'mid', 2, 1), row('shift', 'late', 3, 3), row('blob', 'late', 1, 0)]);
    expect(Object.keys(mean)).toEqual(['blob', 'shift']);
    expect(mean.shift.late).toEqual({ injected: 2, energy: 1.75, ratio: 0.75, n: 2 });
    expect(mean.blob.mid).toEqual({ injected: 2, energy: 1, ratio: 0.5, n: 1 });
    expect(mean.blob.late.ratio).toBe(0);
    expect(mean.shift.mid).toBeUndefined();
  });
});
