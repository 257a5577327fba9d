// "Disturb it half-way" measured the way lesson 3 measures a defect (stage-difference.ts: per-pixel squared
// difference against the clean run, its mean as the energy): the same lesson-3 preset is painted on the
// latent's colour preview after step k, or after the last step, and both runs are compared with the clean
// run from the same seed. With DDIM at η = 0 (Song et al. 2021) the three runs share every draw, so any
// difference is the defect's. The later steps pull the latent back towards what the model has learnt
// (LDM, Rombach et al. 2022); after the last step only the decoder is left, which decodes what it is given.
import type { LatentResult } from '$lib/engine/client';
import type { LatentFrame } from '$lib/engine/latent-job';
import type { EnergyGroup } from '../energy-bars';
import { energyOf, squaredDifference } from '../stage-difference';
import { signalAt, unclippedPreview, type LatentFacts } from './latent-facts';

/** What a run hands the comparison: its unclipped colour preview [side, side, 3] right after the edit, and its decode. */
export interface RunPoint {
  /**
   * The preview without clip (latent-facts.ts unclippedPreview) of the latent the edit went into: the next
   * frame's x_t for a mid-run edit, the final latent for the last step's. The clean run's at the same point.
   */
  injectedPreview: Float32Array;
  image: Float32Array;
}

export interface DisturbFigures {
  /** Mean squared colour change the defect made to the 64² preview of the image x̂₀ it was painted on: what was injected. */
  injected: number;
  /** Mean squared difference of the decoded images (1024²). */
  final1024: number;
  /** final1024 / injected (0 when nothing was injected): the share of the defect that reached the image. */
  ratio: number;
  /** The 1024² difference map [size·size]. */
  map: Float32Array;
}

/**
 * The clean run against a disturbed one. `signal` is √ᾱ where the edit went in (1 after the last step): the
 * defect was painted on the image x̂₀ and entered x_t scaled by it, so the change of x_t's preview divided by
 * it is the defect as painted, the same measure for both cases.
 */
export function disturbFigures(clean: RunPoint, run: RunPoint, signal = 1): DisturbFigures {
  if (!(signal > 0)) throw new RangeError(`the signal share √ᾱ must be > 0, got ${signal}`);
  const injected = energyOf(squaredDifference(run.injectedPreview, clean.injectedPreview)) / (signal * signal);
  const map = squaredDifference(run.image, clean.image);
  const final1024 = energyOf(map);
  return { injected, final1024, ratio: injected > 0 ? final1024 / injected : 0, map };
}

/** A finished latent run as the comparison reads it: its frames by step, its final latent and decode. */
export interface DisturbRun {
  frames: readonly (Pick<LatentFrame, 't' | 'xt'> | undefined)[];
  result: Pick<LatentResult, 'latent' | 'image'> | null;
}

/**
 * The clean run against the one disturbed after step k (its frame k is the first x_t after the edit) and the
 * one disturbed after the last step (its final latent); null while a run, a frame or the manifest is missing.
 * Measured on the unclipped preview (a noisy x_t's preview is often clipped); the mid-run edit entered x_t
 * scaled by √ᾱ of that step (LatentEdit.onImage), undone here.
 */
export function disturbPair(facts: LatentFacts | null, k: number, clean: DisturbRun, mid: DisturbRun, late: DisturbRun): { mid: DisturbFigures; late: DisturbFigures } | null {
  const [cleanFrame, midFrame] = [clean.frames[k], mid.frames[k]];
  if (!facts || !cleanFrame || !midFrame || !clean.result || !mid.result || !late.result) return null;
  const signal = signalAt(facts, cleanFrame.t);
  if (signal === null || signal <= 0) return null;
  const preview = (z: Float32Array) => unclippedPreview(z, facts) ?? new Float32Array((z.length / facts.channels) * 3);
  const image = clean.result.image;
  return {
    mid: disturbFigures({ injectedPreview: preview(cleanFrame.xt), image }, { injectedPreview: preview(midFrame.xt), image: mid.result.image }, signal),
    late: disturbFigures({ injectedPreview: preview(clean.result.latent), image }, { injectedPreview: preview(late.result.latent), image: late.result.image }),
  };
}

/**
 * The cases as EnergyBars groups (energy-bars.ts): per case the injected energy and, beside it, what reached
 * the decoded image, noted with that share.
 */
export function disturbGroups(cases: readonly { label: string; figures: DisturbFigures }[], share: (ratio: number) => string): EnergyGroup[] {
  return cases.map(({ label, figures }) => ({
    label,
    bars: [
      { energy: figures.injected, series: 1 },
      { energy: figures.final1024, series: 2, note: share(figures.ratio) },
    ],
  }));
}
