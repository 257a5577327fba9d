// What the super-resolution evaluation measures on one output against the ground-truth render.
//  - PSNR in dB for [−1, 1] data (src/lib/data psnr), capped so a manifest (JSON, which has no Infinity)
//    can hold the identical case.
//  - High-frequency (HF) energy: the mean square of the image's part that the low-res input cannot
//    carry, x − up(down(x)), with down = the area mean of each factor×factor block (how the low-res
//    image is made: the world renders area averages, train/sr-data.ts) and up = nearest repetition.
//    up∘down is the orthogonal projection onto block-constant images, so x splits into two orthogonal
//    parts: the one the input fixes exactly (down(truth) = low) and the HF part, which is exactly what
//    a super-resolution stage has to invent (science.md §1: an SR stage mostly invents high-frequency
//    detail). A ratio HF(output)/HF(truth) near 1 says the output is as
//    detailed as the truth; bicubic interpolation, which only smooths, falls well below 1.
//  - Consistency: MSE between down(output) and the low-res input (SR3, Saharia et al. 2021, reports
//    this check under the same name): does the output keep what the input says?
import { detailEnergy, downsampleArea, mse, psnr } from '../../src/lib/data';

/** PSNR is reported as at most this many dB (MSE ≤ 4·10⁻¹⁰ on the [−1, 1] range; identical images). */
export const PSNR_CAP_DB = 100;

/** PSNR of a against b in dB, capped at PSNR_CAP_DB (so identical images give the cap, not Infinity). */
export function cappedPsnr(a: Float32Array, b: Float32Array): number {
  return Math.min(PSNR_CAP_DB, psnr(a, b));
}

/** HF energy of a [size, size, 3] image: mean over values of (x − up(down(x)))², blocks of `factor`. */
export function highFrequencyEnergy(img: Float32Array, size: number, factor: number): number {
  return detailEnergy(img, size, factor);
}

export interface UpsampleScore {
  psnr: number;
  /** HF energy of the output. */
  hf: number;
  /** MSE of down(output) against the low-res input. */
  consistency: number;
}

/** Scores one upsampled image against the truth ([size, size, 3]) and the low-res input ([size/factor]²·3). */
export function scoreUpsample(output: Float32Array, truth: Float32Array, low: Float32Array, size: number, factor: number): UpsampleScore {
  return {
    psnr: cappedPsnr(output, truth),
    hf: highFrequencyEnergy(output, size, factor),
    consistency: mse(downsampleArea(output, size, factor), low),
  };
}

/** Clips to the data range [−1, 1] (the model's sampler clips x̂₀ there too). */
export function clipUnit(img: Float32Array): Float32Array {
  return img.map((v) => Math.min(1, Math.max(-1, v)));
}
