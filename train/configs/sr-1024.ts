// The 256 → 1024 super-resolution stage of the cascade (lesson 3): denoises a 1024×1024 image given the
// 256×256 one, nearest-upsampled and concatenated, and its noise-augmentation level (Imagen §2.4, CDM §3.3).
import type { TrainConfig } from '../train-config';

const config: TrainConfig = {
  model: {
    imageChannels: 48, // RGB in 4×4 space-to-depth cells: the net runs on the 256×256 low-res grid, one cell per low-res pixel
    extraChannels: 48, // the noised, upsampled low-res image in the same 4×4 cells (train/sr-data.ts conditioning)
    baseChannels: 24, // 24 channels per cell at the full 256² grid: 11.3 GFLOP per 1024² step, under the 12 GFLOP budget
    channelMults: [1, 1, 2, 4], // grids 256/128/64/32: the width grows only below the full grid, where a position is 4× cheaper
    resBlocks: [1, 1, 2, 2], // capacity at the cheap deep levels (Imagen's Efficient U-Net, App. B.1): 0.85 M weights, 1.7 MB in float16
    groups: 8, // GroupNorm(8) as in base-64; divides 24, 48 and 96
    normEps: 1e-5, // PyTorch's GroupNorm default, as in base-64
    timeFeatures: 64, // sinusoidal features of t and of the aug level, as in base-64
    embedDim: 96, // 4 × baseChannels, DDPM's ratio
    timeScale: 1, // t enters as an integer step 1..T, as in base-64
    classes: 0, // conditioned on the low-res image only, not on the scene kind (the base stage already chose it)
    extraScalar: true, // the noise-augmentation level, embedded like t and added to its embedding (Imagen §2.4)
    scalarScale: 1000, // the level in [0, 1] × 1000 spans the same sinusoid range as t in 0..T
    upConv: false, // as in base-64: the next ResBlock's convs smooth the nearest upsample; saves FLOPs
    outChannels: 48, // x₀ for every value of the 4×4 cell
    // The upsample enters through sr.residualStd's preconditioning, not by adding it to the output. The shipped run
    // before this one added it (x̂₀ = bicubic + net): 27.3 dB, but no more detail than bicubic (HF 0.19 of the
    // truth's at 256²), because at low noise x̂₀ must copy x_t's detail through 32 channels per 48-value cell.
    // Earlier runs, on the 4 held-out crops of tests/models/super-resolution.test.ts: x₀ without any residual,
    // step 806, sampled 22.3 dB against bicubic's 27.5; bicubic + net on a nearest upsample, step 553, blocky
    // (HF 0.004 of the truth's).
    extraResidual: false,
  },
  resolution: 128, // training crop side in pixels (32×32 cells, 1/64 of the scene's area); the net is fully convolutional and runs on the full 1024² at sampling, as Imagen's 256→1024 stage does (§2.4)
  schedule: 'cosine', // as in base-64; the aug level maps to this schedule's ᾱ too (sr-objective.ts augAlphaBar)
  T: 1000, // as in base-64
  // x₀, not base-64's v: a 4×4 cell holds 48 values but the net's full grid only 24 channels, so it cannot carry
  // x_t's 48 independent noise values through to a v or ε output (v = ε-like at small t). A first v-trained
  // run (4385 steps) showed it: v error 0.66 at t = 50 and x̂₀ worse than the bare upsampled input at t = 500,
  // samples full of noise (PSNR 11 dB). x̂₀ is smooth within a cell, so 24 channels can hold it, and the
  // sampler removes the noise exactly: ε̂ = (x_t − √ᾱ·x̂₀)/√(1−ᾱ) (DDPM Eq. 15 rearranged). The loss weight
  // is EDM's (sr.residualStd below).
  prediction: 'x0',
  condDropout: 0, // no classes, so nothing to drop
  batch: 16, // as in base-64: 16 crops from 16 different scenes per step
  steps: 18600, // 6000 steps with U[0, 0.6] aug levels (≈ 70 min), then half the levels at 0 (sr.augZeroShare), from step 8397 with σ_d²-weighted components, from step 13400 half the t near σ_d (sr.lowNoiseShare), planned to 21000 but cut at 18573 (lr to the floor by 18600) to free a core for an experiment; 1 wasm thread beside the other SR run; resumable
  lr: 3e-4, // as in base-64
  minLr: 3e-5, // cosine to lr/10, as in base-64
  warmup: 350, // about 5% of the run, as base-64's 500 of 8000 (~6%)
  beta1: 0.9, // Adam default
  beta2: 0.999, // Adam default
  adamEps: 1e-8, // Adam default
  weightDecay: 0.01, // as in base-64
  gradClip: 1, // DDPM's global-norm clip
  emaDecay: 0.999, // ~1000-step horizon, about 1/8 of the run, as in base-64
  seed: 20251024, // its own root seed: its crops, noise and init are independent of base-64's
  ckptMinutes: 5, // lose at most 5 minutes to a crash
  keepCheckpoints: 3, // as in base-64
  threads: 2, // both cores
  backend: 'wasm', // as in base-64
  sr: {
    fullSize: 1024, // crops are cut from a 1024×1024 render of the scene
    factor: 4, // the low-res input is the same window at 256×256-scale pixels (sr-256's output size)
    spaceToDepth: 4, // 4×4 pixel cells: the net's grid is the low-res pixel grid, 16× fewer positions than pixels
    augMax: 0.6, // levels drawn from U[0, 0.6]: covers the lesson's 0, 0.1, 0.3, 0.5 with margin (Imagen uses 0.1–0.3 at sampling)
    // From step 6000 half the examples get a clean input (level 0). With U[0, 0.6] alone the loss is mostly the
    // aug noise to undo, and the net learned only that: at level 0 its held-out loss stayed at 0.98 of the
    // preconditioning's Gaussian guess, so its samples' texture was the guess's and its edges bicubic's.
    augZeroShare: 0.5,
    augZeroFrom: 6000, // the step the first run ended at; resumed from its checkpoint (cli.ts adoptFutureSchedule)
    // From step 8397 each residual component's error is weighed by its σ_d² (train/sr-objective.ts componentWeights):
    // with EDM's unit weights the net still matched the Gaussian guess at level 0 (x̂₀ error 0.997 of it at
    // t = 800), while a least-squares 5×5 linear map of the low-res pixels removes 5.5% of bicubic's error.
    varianceWeightFrom: 8397, // where the aug-zero run was stopped; resumed from that checkpoint
    // From step 13400 half the examples take t from EDM's log-normal σ around σ_d (train/sr-low-noise.ts) instead
    // of U{1..T}: with σ_d ≈ 0.1 every t above ~175 is the same task (the residual's mean from the low-res
    // input), and the levels where the sampler commits edges and texture got ~17% of the examples. At step 13400
    // the net's one-step x̂₀ error was still 0.95–0.98 of the Gaussian guess's at t = 50–100; at step 18600, 0.92–0.97.
    lowNoiseShare: 0.5,
    lowNoiseFrom: 13400, // where the σ_d²-weighted run ended; resumed from its checkpoint
    // EDM preconditioning around the bicubic upsample (pipelines/sr-precondition.ts): at low noise x̂₀ follows x_t,
    // so the detail the sampler has committed stays, and the net only corrects, at unit scale (EDM's λ = 1/c_out²).
    // σ_d is set per principal component of the residual (truth − bicubic)'s 48 cell values, whose std devs run
    // from 0.24 down to 0.005: with one σ_d for all, the weak components kept noise of σ_d's size that the net's
    // 24 channels cannot remove (an sr-256 run with one σ_d of 0.1, step 540: grain, HF 1.2 of the truth's).
    residualStd: 0.09, // the residual's overall std over 64 training crops, 0.087: marks the model as preconditioned
    // The aug noise makes the upsample a worse guess, mostly in the smooth components (the noise is bicubic-
    // upsampled): each component's σ_d² grows by its own gain·(1 − ᾱ_a), measured at a = 0.3 on the same crops.
    predictor: 'sr-1024-predictor', // packed beside the denoiser at export (train/sr-predictor-pack.ts)
    // As sr-256's (see there). Measured on 4 held-out scenes (DDIM 20 steps, predictor at step 2642), t₀ = 100:
    // PSNR 25.7 dB, HF ratio 0.47; the predictor alone 27.4 dB, 0.14; bicubic 27.1, 0.08; the windows of the city
    // stay squares instead of bicubic's blurred dots.
    refineFrom: 100, // the denoiser starts at t = 100 from the predictor's noised mean (src/lib/pipelines/sr-predictor.ts)
    residualPcaCrops: 64, // crops (1024 cells each) the components, std devs and gains are measured on (train/sr-residual.ts)
  },
};

export default config;
