// "Disturb it half-way" measured the way lesson 3 measures a defect (stage-difference.ts: per-pixel squared
// difference against the clean run, its mean as the energy): the same lesson-3 preset is painted on the
// latent's colour preview after step k, or after the last step, and both runs are compared with the clean
// run from the same seed. With DDIM at η = 0 (Song et al. 2021) the three runs share every draw, so any
// difference is the defect's. The later steps pull the latent back towards what the model has learnt
// (LDM, Rombach et al. 2022); after the last step only the decoder is left, which decodes what it is given.
import { energyOf, squaredDifference } from '../stage-difference';

/** What a disturbed run hands back that the comparison needs (LatentResult and its frames). */
export interface DisturbedRun {
  /** The x_t preview [side, side, 3] of the frame right after the edit (the input of the next step); for the last step's edit, the final preview. */
  injectedPreview: Float32Array;
  /** The final latent's preview and its decode. */
  preview: Float32Array;
  image: Float32Array;
}

export interface CleanRun {
  /** The clean run's preview at the same point (the same frame's x_t preview, or the final preview). */
  injectedPreview: Float32Array;
  preview: Float32Array;
  image: Float32Array;
}

export interface DisturbFigures {
  /** Mean squared difference of the previews where the defect went in: what was injected, at 64². */
  injected: number;
  /** Of the final previews (64²) and of the decoded images (1024²). */
  final64: number;
  final1024: number;
  /** final1024 / injected (0 when nothing was injected): the share of the defect that reached the image. */
  ratio: number;
  /** The 1024² difference map [size·size]. */
  map: Float32Array;
}

/** The clean run against a disturbed one. */
export function disturbFigures(clean: CleanRun, run: DisturbedRun): DisturbFigures {
  const injected = energyOf(squaredDifference(run.injectedPreview, clean.injectedPreview));
  const map = squaredDifference(run.image, clean.image);
  const final1024 = energyOf(map);
  return { injected, final64: energyOf(squaredDifference(run.preview, clean.preview)), final1024, ratio: injected > 0 ? final1024 / injected : 0, map };
}
