import { describe, expect, it } from 'vitest';
import { kindOfSeed, sampleScene } from '../../../src/lib/data/sample-scene';
import { SCENE_KINDS } from '../../../src/lib/data/scene';

describe('sampleScene', () => {
  it('offers at least five distinct kinds', () => {
    expect(new Set(SCENE_KINDS).size).toBeGreaterThanOrEqual(5);
  });

  it('depends only on (seed, kind): the same call gives the same scene', () => {
    for (const kind of SCENE_KINDS) expect(sampleScene(42, kind)).toEqual(sampleScene(42, kind));
  });

  it('is plain JSON: a round trip changes nothing', () => {
    for (const kind of SCENE_KINDS) {
      const s = sampleScene(9, kind);
      expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    }
  });

  it('different seeds give different scenes of every kind', () => {
    for (const kind of SCENE_KINDS) expect(JSON.stringify(sampleScene(1, kind))).not.toBe(JSON.stringify(sampleScene(2, kind)));
  });

  it('without a kind, the seed picks one, deterministically, and 300 seeds reach every kind', () => {
    const seen = new Set<string>();
    for (let s = 0; s < 300; s++) {
      const scene = sampleScene(s);
      expect(scene.kind).toBe(kindOfSeed(s));
      seen.add(scene.kind);
    }
    expect(seen.size).toBe(SCENE_KINDS.length);
  });

  it('colours are in [0, 1] and every scene has layers', () => {
    for (const kind of SCENE_KINDS)
      for (const seed of [3, 4]) {
        const s = sampleScene(seed, kind);
        expect(s.layers.length).toBeGreaterThan(3);
        for (const c of [...s.palette, ...s.layers.flatMap((l) => [l.color, l.color2, l.pattern.color])])
          for (const v of c) expect(v >= 0 && v <= 1).toBe(true);
      }
  });

  it('rejects an unknown kind', () => {
    expect(() => sampleScene(1, 'volcano' as never)).toThrow();
  });
});
