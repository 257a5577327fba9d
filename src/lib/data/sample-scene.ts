// The seeded scene sampler: a Scene depends only on (seed, kind), so callers can split training and
// held-out seeds. Without a kind, the kind itself is drawn from the seed.
import { deriveSeed, makeRng } from '../math/rng';
import { coast, dunes, meadow, type SceneBody } from './kinds-land';
import { city, night } from './kinds-night';
import { mosaic, reef } from './kinds-crafted';
import { SCENE_KINDS, type Scene, type SceneKind } from './scene';

const BUILDERS: Record<SceneKind, (rng: ReturnType<typeof makeRng>) => SceneBody> = { meadow, coast, city, dunes, night, mosaic, reef };

/** Stream labels for deriveSeed, so the kind draw and each kind's scene draw never share numbers. */
const KIND_STREAM = 0x6b1d;
const BODY_STREAM = 0x5ce7;

/** The kind a seed gets when none is asked for (uniform over SCENE_KINDS). */
export function kindOfSeed(seed: number): SceneKind {
  return SCENE_KINDS[makeRng(deriveSeed(seed, KIND_STREAM)).int(SCENE_KINDS.length)];
}

export function sampleScene(seed: number, kind: SceneKind = kindOfSeed(seed)): Scene {
  const k = SCENE_KINDS.indexOf(kind);
  if (k < 0) throw new Error(`unknown scene kind ${String(kind)}`);
  const rng = makeRng(deriveSeed(deriveSeed(seed, BODY_STREAM), k));
  return { seed, kind, ...BUILDERS[kind](rng) };
}
