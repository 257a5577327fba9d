import { describe, expect, it } from 'vitest';
import { modelFacts, predictorRunOf, propagationOf, ratioAt, ratioCurve, srQualityOf, verdictOf } from '../../../src/lib/widgets/cascade-manifests';

// The shape train/eval/propagation-record.ts writes (rows of src/lib/pipelines/propagation.ts).
const table = {
  note: 'n',
  definition: 'd',
  seed: 1,
  steps: [10, 5],
  sizes: [256, 1024],
  augLevels: [0, 0.1, 0.3, 0.5],
  rows: [0.5, 0, 0.3, 0.1].flatMap((aug) => [
    { preset: 'blob', aug, injected: 0.02, energy: [0.02 * (1 - aug), 0.01], ratio: [1 - aug, 0.5 - aug / 2] },
    { preset: 'noise', aug, injected: 0.01, energy: [0, 0], ratio: [0.2, 0.1] },
  ]),
};
const manifest = { name: 'sr-1024', paramCount: 123456, steps: 800, wallTimeSeconds: 3600, lossCurve: [{ step: 1, loss: 0.5 }, { step: 2, loss: 0.4 }], evaluation: { propagation: table } };

describe('facts from the manifests', () => {
  it('reads the parameter count, the loss curve and the propagation table', () => {
    const f = modelFacts(manifest, 'sr-1024/manifest.json');
    expect(f.paramCount).toBe(123456);
    expect(f.lossCurve).toHaveLength(2);
    expect(f.propagation?.sizes).toEqual([256, 1024]);
    expect(f.propagation?.rows).toHaveLength(8);
  });

  it('no table, or a malformed one, is "not measured", not zeros', () => {
    expect(modelFacts({ ...manifest, evaluation: {} }, 'm').propagation).toBeNull();
    expect(propagationOf({ propagation: { ...table, rows: [{ ...table.rows[0], ratio: [null, 1] }] } })).toBeNull();
    expect(propagationOf({ propagation: { ...table, rows: [] } })).toBeNull();
    expect(propagationOf(undefined)).toBeNull();
  });

  it('reads the SR evaluation at aug 0 beside bicubic; absent or malformed is "not evaluated"', () => {
    const superResolution = { heldOutScenes: 28, bicubic: { psnr: 28.7, hfRatio: 0.12 }, model: [{ aug: 0.1, psnr: 25, hfRatio: 0.14 }, { aug: 0, psnr: 27.9, hfRatio: 0.1 }] };
    expect(modelFacts({ ...manifest, evaluation: { superResolution } }, 'm').quality).toEqual({ scenes: 28, psnr: 27.9, hfRatio: 0.1, bicubicPsnr: 28.7, bicubicHfRatio: 0.12, firstGuess: null, linear: null, predictorOnly: null });
    const withGuess = { ...superResolution, firstGuessOnly: { aug: 0, psnr: 24.1, hfRatio: 1.2 } };
    expect(srQualityOf({ superResolution: withGuess })?.firstGuess).toEqual({ psnr: 24.1, hfRatio: 1.2 });
    expect(srQualityOf({ superResolution: { ...withGuess, linearLeastSquares: { psnr: 28.9, hfRatio: 0.2 } } })?.linear).toEqual({ psnr: 28.9, hfRatio: 0.2 });
    expect(srQualityOf({ superResolution: { ...withGuess, linearLeastSquares: { psnr: 28.9 } } })?.linear).toBeNull();
    expect(srQualityOf({ superResolution: { ...withGuess, firstGuessOnly: { aug: 0, psnr: 'x', hfRatio: 1 } } })?.firstGuess).toBeNull();
    expect(modelFacts(manifest, 'm').quality).toBeNull();
    expect(srQualityOf({ superResolution: { ...superResolution, model: [{ aug: 0.1, psnr: 25, hfRatio: 0.14 }] } })).toBeNull();
    expect(srQualityOf({ superResolution: { ...superResolution, bicubic: { psnr: null, hfRatio: 0.12 } } })).toBeNull();
  });

  it('reads a stage\'s predictor: its run beside the denoiser\'s, and its evaluation alone; none is null', () => {
    const sr = { fullSize: 256, refineFrom: 200, predictor: { model: 'sr-256-predictor', steps: 7500, wallTimeSeconds: 9000, machine: 'm', lossCurve: [{ step: 1, loss: 0.9 }, { step: 2, loss: 'x' }] } };
    expect(modelFacts({ ...manifest, data: { description: 'd', details: { sr } } }, 'm').predictor).toEqual({ steps: 7500, wallTimeSeconds: 9000, refineFrom: 200, lossCurve: [{ step: 1, loss: 0.9 }] });
    expect(modelFacts(manifest, 'm').predictor).toBeNull();
    expect(predictorRunOf({ details: { sr: { ...sr, refineFrom: undefined } } })).toBeNull();
    expect(predictorRunOf({ details: { sr: { fullSize: 256 } } })).toBeNull();
    const superResolution = { heldOutScenes: 28, bicubic: { psnr: 28.7, hfRatio: 0.12 }, model: [{ aug: 0, psnr: 27.9, hfRatio: 0.1 }] };
    expect(srQualityOf({ superResolution: { ...superResolution, predictorOnly: { aug: 0, refineFrom: 200, psnr: 29.5, hfRatio: 0.4 } } })?.predictorOnly).toEqual({ psnr: 29.5, hfRatio: 0.4 });
    expect(srQualityOf({ superResolution: { ...superResolution, predictorOnly: { aug: 0.1, psnr: 29.5, hfRatio: 0.4 } } })?.predictorOnly).toBeNull();
  });

  it('a missing required field names itself', () => {
    expect(() => modelFacts({ ...manifest, paramCount: 'many' }, 'x/manifest.json')).toThrow(/x\/manifest.json: field "paramCount"/);
  });

  it('a preset’s curve at one size is sorted by aug level', () => {
    const p = propagationOf(manifest.evaluation);
    if (!p) throw new Error('table not read');
    expect(ratioCurve(p, 'blob', 1024)).toEqual([
      { aug: 0, ratio: 0.5 },
      { aug: 0.1, ratio: 0.45 },
      { aug: 0.3, ratio: 0.35 },
      { aug: 0.5, ratio: 0.25 },
    ]);
    expect(ratioCurve(p, 'blob', 64)).toEqual([]);
  });

  it('between measured levels the figure is interpolated and flagged; outside, none', () => {
    const curve = [{ aug: 0, ratio: 1 }, { aug: 0.1, ratio: 0.8 }, { aug: 0.3, ratio: 0.4 }];
    expect(ratioAt(curve, 0.1)).toEqual({ ratio: 0.8, measured: true });
    const mid = ratioAt(curve, 0.2);
    expect(mid?.measured).toBe(false);
    expect(mid?.ratio).toBeCloseTo(0.6, 9);
    expect(ratioAt(curve, 0.6)).toBeNull();
  });
});

describe('the sentence under the propagation chart', () => {
  it('says "falls", "flat" or "rises" from the measured ends, with a 1.25 margin', () => {
    expect(verdictOf([{ aug: 0, ratio: 1 }, { aug: 0.5, ratio: 0.5 }])?.trend).toBe('falls');
    expect(verdictOf([{ aug: 0, ratio: 1 }, { aug: 0.5, ratio: 0.9 }])?.trend).toBe('flat');
    expect(verdictOf([{ aug: 0, ratio: 1 }, { aug: 0.5, ratio: 1.5 }])?.trend).toBe('rises');
    expect(verdictOf([{ aug: 0, ratio: 1 }])).toBeNull();
    // a defect that is gone at every level has no trend worth a sentence about augmentation
    expect(verdictOf([{ aug: 0, ratio: 3e-8 }, { aug: 0.5, ratio: 7e-9 }])?.trend).toBe('vanishes');
  });
});
