// The three sources of full-size (1024²) images the latent evaluation compares, each handed over one
// image at a time (image-tally.ts keeps what it needs), class by class with counts[k] of kind k:
//  - latent-64's samples, made as the browser makes them: src/lib/pipelines/latent.ts sampleLatent (DDIM
//    η = 0 in the standardised latent, no clip), then one decode each (src/lib/engine/latent-run.ts
//    decodeStandardised: unscale z = z'·std + mean, the final decoder, clip to [−1, 1]);
//  - the cascade's samples, base-64 → sr-256 → sr-1024 (src/lib/pipelines/cascade.ts runCascade);
//  - true renders of held-out scenes (never trained on), the reference.
import * as tf from '@tensorflow/tfjs-core';
import { renderScene, sampleScene, SCENE_KINDS } from '../../src/lib/data';
import { deriveSeed } from '../../src/lib/math/rng';
import { decodeStandardised, type LatentModels } from '../../src/lib/engine/latent-run';
import { runCascade, type CascadeModels } from '../../src/lib/pipelines/cascade';
import { sampleLatent } from '../../src/lib/pipelines/latent';
import { kindOf, sceneSeed } from '../dataset';

/** deriveSeed streams of the latent samples' and the cascade's seeds (per kind); base-64's sampler uses 501. */
export const LATENT_SAMPLE_STREAM = 502;
export const CASCADE_SAMPLE_STREAM = 503;

export type Take = (image: Float32Array, kind: number) => void;

export interface SamplerSettings {
  /** DDIM steps (η = 0) of the latent model and of the cascade's base model. */
  steps: number;
  /** Guidance scale s (1 = the conditional model alone, as base-64's figures). */
  guidance: number;
  /** Root of the evaluation's randomness. */
  seed: number;
}

/** Seconds spent sampling and decoding, and how many decodes. */
export interface SourceTiming {
  sampleSeconds: number;
  decodeSeconds: number;
  images: number;
}

/** latent-64's samples, counts[k] of kind k (one sampler batch per kind), each decoded to full size. */
export async function decodedLatentSamples(models: LatentModels, counts: readonly number[], s: SamplerSettings, take: Take, log: (line: string) => void = () => {}): Promise<SourceTiming> {
  const timing: SourceTiming = { sampleSeconds: 0, decodeSeconds: 0, images: 0 };
  for (const [kind, n] of counts.entries()) {
    if (n === 0) continue;
    const t0 = performance.now();
    const z = await sampleLatent(models.latent, {
      classIndex: kind, guidance: s.guidance, batch: n, sampler: 'ddim', steps: s.steps, eta: 0,
      seed: deriveSeed(deriveSeed(s.seed, LATENT_SAMPLE_STREAM), kind),
    });
    timing.sampleSeconds += (performance.now() - t0) / 1000;
    try {
      for (let b = 0; b < n; b++) {
        const t1 = performance.now();
        const one = tf.slice(z, [b, 0, 0, 0], [1, -1, -1, -1]); // [1, side, side, c]
        let image: Float32Array;
        try {
          image = await decodeStandardised(models, one, `sample ${b + 1} of ${SCENE_KINDS[kind]}`);
        } finally {
          one.dispose();
        }
        timing.decodeSeconds += (performance.now() - t1) / 1000;
        timing.images += 1;
        take(image, kind);
      }
    } finally {
      z.dispose();
    }
    log(`  ${SCENE_KINDS[kind]}: ${n} latent samples decoded (${timing.sampleSeconds.toFixed(0)} s sampling, ${timing.decodeSeconds.toFixed(0)} s decoding so far)`);
  }
  return timing;
}

/** The cascade's samples at its last stage's size, counts[k] of kind k; every stage DDIM with `srSteps` steps above the base, aug 0 (the lessons' default). */
export async function cascadeSamples(models: CascadeModels, counts: readonly number[], s: SamplerSettings, srSteps: number, take: Take, log: (line: string) => void = () => {}): Promise<SourceTiming> {
  const t0 = performance.now();
  let images = 0;
  for (const [kind, n] of counts.entries()) {
    for (let j = 0; j < n; j++) {
      const out = await runCascade(models, {
        seed: deriveSeed(deriveSeed(s.seed, CASCADE_SAMPLE_STREAM), kind * 1000 + j),
        base: { steps: s.steps, classIndex: kind, guidance: s.guidance },
        sr: models.sr.map(() => ({ steps: srSteps, aug: 0 })),
      });
      images += 1;
      take(out[out.length - 1].image, kind);
    }
    if (n > 0) log(`  ${SCENE_KINDS[kind]}: ${n} cascade samples (${((performance.now() - t0) / 1000).toFixed(0)} s so far)`);
  }
  return { sampleSeconds: (performance.now() - t0) / 1000, decodeSeconds: 0, images };
}

/** Seeds of the first held-out scenes of each kind, counts[k] of kind k, in held-out order. */
export function heldOutSeedsByKind(root: number, counts: readonly number[]): { seed: number; kind: number }[] {
  const need = [...counts];
  const total = need.reduce((a, b) => a + b, 0);
  const out: { seed: number; kind: number }[] = [];
  for (let i = 0; out.length < total; i++) {
    if (i > 100 * total + 1000) throw new Error('heldOutSeedsByKind: the held-out stream does not hold enough of every kind');
    const seed = sceneSeed(root, 'heldout', i);
    const kind = kindOf(seed);
    if (need[kind] === 0) continue;
    need[kind] -= 1;
    out.push({ seed, kind });
  }
  return out;
}

/** True renders of held-out scenes at `size`, counts[k] of kind k. */
export function heldOutRenders(root: number, counts: readonly number[], size: number, take: Take): SourceTiming {
  const t0 = performance.now();
  const seeds = heldOutSeedsByKind(root, counts);
  for (const { seed, kind } of seeds) take(renderScene(sampleScene(seed, SCENE_KINDS[kind]), size), kind);
  return { sampleSeconds: (performance.now() - t0) / 1000, decodeSeconds: 0, images: seeds.length };
}
