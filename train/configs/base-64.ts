// The 64×64 base model of the cascade (lessons 2, 3, 6): RGB scenes from the procedural world,
// conditioned on the scene kind with a null class for classifier-free guidance (Ho & Salimans 2022).
import { SCENE_KINDS } from '../../src/lib/data';
import type { TrainConfig } from '../train-config';

const config: TrainConfig = {
  model: {
    imageChannels: 3, // RGB pixels in [-1, 1]
    extraChannels: 0, // a base model has no low-res image to condition on
    baseChannels: 32, // 32/64/64/64 channels at 64/32/16/8 px; the first three levels are the net measured in measurements.md §1.4
    // Four levels down to 8×8 (issue 19, the table at minSnrGamma below): the fourth costs 4.5 % more FLOPs a sample and
    // +46 % parameters (663,171), all at 8², where a 3×3 conv sees half the scene, so the layout is decided better. Until
    // stop 17 the net had three levels (453,187 parameters); latent-64 was retrained with the fourth at stops 18–19.
    channelMults: [1, 2, 2, 2],
    resBlocks: [1, 1, 1, 1], // one ResBlock per level keeps ~0.7 M params, which trains in hours on 2 CPU cores
    groups: 8, // GroupNorm(8) as measured; divides 32 and 64
    normEps: 1e-5, // PyTorch's GroupNorm default, so the numbers match the reference implementation
    timeFeatures: 64, // sinusoidal features of t (half sin, half cos), as in measurements.md §1.4
    embedDim: 128, // 4 × baseChannels, DDPM's ratio for the time/class embedding
    timeScale: 1, // t enters as an integer step 1..T, the range the sinusoids were designed for
    classes: SCENE_KINDS.length, // one class per scene kind; the model adds the null class at index `classes`
    extraScalar: false, // no noise-augmentation level: that is for the super-resolution stages
    scalarScale: 1000, // unused without extraScalar; kept at the default so the config is complete
    upConv: false, // no extra conv after the nearest upsample: the next ResBlock's convs already smooth it, and it keeps the step at the measured 14.9 GFLOP per batch (measurements.md §1.4) instead of 20.9
    outChannels: 3, // one prediction per input channel
    extraResidual: false, // nothing to add: no conditioning image
  },
  resolution: 64, // the base stage of the 64 → 256 → 1024 cascade
  schedule: 'cosine', // iDDPM §3.2: the linear schedule wastes its last steps at 64×64 (science.md §1.2)
  T: 1000, // DDPM's step count; samplers take a subsequence (DDIM)
  // v-prediction (Salimans & Ho 2022; science.md §1.4): under the cosine schedule ᾱ_T ≈ 2e-9, so x̂₀ from ε̂
  // divides by √ᾱ ≈ 5e-5 at high t, and lesson 2 shows x̂₀ at every step; v keeps x̂₀ = √ᾱ·x_t − √(1−ᾱ)·v̂
  // bounded at both ends, and its loss is the x-loss weighted by 1 + SNR, never 0 at high noise.
  prediction: 'v',
  condDropout: 0.1, // Ho & Salimans 2022 found p_uncond 0.1–0.2 best; 10% keeps most steps conditional
  // Guidance at sampling time, the free candidate of issue 19 (the three-level weights shipped until stop 17, 200 samples, 20 DDIM steps):
  //   w    Fréchet (floor 0.016)  detail Fréchet (0.008)  HF fine / mid (held-out 1.09 / 1.06)
  //   1          0.107                  0.051                  0.60 / 0.71
  //   2          0.159                  0.123                  0.90 / 1.03
  //   3          0.174                  0.124                  1.33 / 1.49
  // w = 2 brings the high-frequency energy into the 0.8–1.2 band and cleans the horizons (samples.png), but
  // both Fréchet distances grow: the added contrast is not the held-out scenes' detail, and the samples of a
  // kind look more alike. It also doubles a step's work (a batch of two). The lessons keep w = 1 by default.
  batch: 16, // the measured batch: 1.2–1.3 s/step; batch 32 doubles the time for no better GFLOP/s
  // The shipped run (stop 17) was issue 19's 1000-step comparison run of the fourth level (`--steps=1000 --warmup=100`,
  // 2 threads), resumed with `--steps=4400`: its cosine re-stretched from step 1000, so the learning rate rose back
  // to 2.7e-4 there and decayed to minLr by step 4400; 2.5 h of wall time in all on an AMD EPYC's two cores.
  // A run from scratch takes these 8000 steps (about 3.3 h at 1.5 s a step), resumable across sessions.
  steps: 8000,
  lr: 3e-4, // above DDPM's 2e-4 because the run is 60× shorter and the net 70× smaller; clip + warm-up guard it
  minLr: 3e-5, // cosine to lr/10 rather than 0 so the last thousand steps still move the EMA
  warmup: 500, // ~4% of the run: Adam's second moments settle before full-size steps (DDPM warmed up 5000 of 800k)
  beta1: 0.9, // Adam default, as in DDPM
  beta2: 0.999, // Adam default, as in DDPM
  adamEps: 1e-8, // Adam default
  weightDecay: 0.01, // PyTorch AdamW's default; small, since the net is small and the data unlimited
  // Min-SNR-γ (Hang et al. 2023) weights each example's x₀-loss by min(SNR, γ) (the v-loss by min(SNR, γ)/(SNR + 1)),
  // so that low-noise steps do not dominate. Issue 19's comparison kept it off: two runs of 1000 steps × 16 from the same seed, one
  // wasm thread each, evaluated alike (`npm run eval -- base-64 --samples=200`, 200 samples, 20 DDIM steps):
  //   recipe          Fréchet  detail Fréchet  HF fine / mid  x̂₀ MSE t=300 / 500 / 900
  //   plain v-loss     0.579       0.094        1.46 / 0.89   0.024 / 0.040 / 0.072
  //   Min-SNR, γ = 5   1.192       0.095        0.69 / 0.61   0.019 / 0.032 / 0.106
  //   (floor 0.016 / 0.008; blurred held-out 0.080 / 0.068; held-out HF 1.09 / 1.06)
  // Min-SNR denoises mid noise levels better but the layout, decided at high noise (t = 900), worse, and its
  // samples' Fréchet distance doubles: at our budget the plain v-loss stays. Neither run draws objects yet.
  // A fourth level at 8² (channelMults 1,2,2,2, resBlocks 1,1,1,1; +46 % parameters, 663 k; +4.5 % FLOPs a
  // sample), same 1000 steps and seed, 2 threads, 1.5 s a step (stop 16; train/handoff/recipe-level4):
  //   fourth level     0.310       0.093        1.58 / 0.91   0.024 / 0.040 / 0.067
  // The layout step (t = 900) improves and the Fréchet distance nearly halves against the baseline; detail does
  // not move and its samples are still grainy fields without objects. Its browser step (`npm run bench --
  // engine-step` with its export in build/models/base-64, then the shipped weights, back to back, stop 17): a
  // 20-step job 44.2 ms a step (median of 8; fastest 42.7; 2.20× the reference matmul) against 42.2 ms (40.8;
  // 2.05×) for the shipped net: +5 %, under the 47 ms bar. It is the recipe of the retrained base-64 (stop 17:
  // this run resumed to 4400 steps, its cosine re-stretched from step 1000).
  minSnrGamma: 0,
  gradClip: 1, // DDPM clips the global grad norm at 1 (diffusion_utils grad_clip=1.)
  emaDecay: 0.999, // averaging horizon ~1000 steps ≈ 8% of the run (DDPM's 0.9999 suits 800k steps, not 12k)
  seed: 20250101, // fixed so a rerun gives the same weights
  ckptMinutes: 5, // lose at most 5 minutes (~250 steps) to a crash; a checkpoint is ~6 MB and takes < 1 s
  keepCheckpoints: 3, // a few fallbacks in case the newest turns out to be from a diverging stretch
  threads: 2, // both cores of the training machine (measurements.md §1.5: ×1.4 over 1 thread)
  backend: 'wasm', // the only backend fast enough (cpu is ~100× slower, measurements.md §0)
};

export default config;
