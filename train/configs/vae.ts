// The autoencoder of the latent pipeline (lessons 4–6): 1024² RGB ↔ 64×64×c, f = 16 (LDM's kl-f16
// family, Rombach et al. 2022, cut to a browser's budget; ../../shared/latent-notes.md §1 and §3.5).
import type { VaeTrainConfig } from '../vae/vae-train-config';

const config: VaeTrainConfig = {
  kind: 'vae',
  model: {
    imageChannels: 3, // RGB in [-1, 1]
    // c = 8, from a short comparison (train/vae/compare-latent-channels.ts): the same recipe for 300 steps at
    // c = 4, 8, 16 (1 thread each, side by side, ~34 min each), each run's EMA weights on the same 7 held-out
    // scenes at 1024² (one per kind), posterior mean decoded:
    //   c   PSNR (mean / worst)   HF ratio   train L1 (last 50)   latent std
    //   4   20.33 / 17.23 dB      0.045      0.147                2.43
    //   8   20.66 / 17.27 dB      0.031      0.137                1.59
    //   16  20.63 / 17.14 dB      0.041      0.139                1.50
    // At 300 steps the decoder, not the latent, limits the reconstruction: c = 8 and 16 tie, c = 4 is 0.3 dB
    // behind. LDM's converged f16 models separate later (App. D.2, Tab. 8: PSNR 21.94 at c = 8 vs 24.08 at
    // c = 16), but every latent channel is one more the diffusion model of lesson 5 must model: 64·64·8 = 32,768
    // numbers against base-64's 12,288 pixels. So c = 8, half of LDM's kl-f16 choice.
    latentChannels: 8,
    // Design A of latent-notes.md §3.5: the width halves as the side doubles, so each level costs about the
    // same (~2.4 GMAC a level for a 1024² decode); 128 channels at 64², 8 at 1024².
    channels: [8, 16, 32, 64, 128],
    encoderBlocks: [0, 1, 1, 1, 2], // no block at 1024²: the stride-2 conv reads it directly, which halves the encoder's cost there
    decoderBlocks: [1, 1, 1, 1, 2], // one block per level and two at 64², where the latent is read
  },
  fullSize: 1024, // crops of the pipeline's target size, so the texture scale is the one the decoder must make
  crop: 256, // 16×16 latent cells: most cells see content on every side, as on the whole image
  batch: 4, // 4 × 256² = one 512² image of pixels per step
  phase1Steps: 4000, // planned for ~3.5 h on one core; resumable, and may be re-stretched
  phase2Steps: 1500, // warm-up + adversarial fine-tuning, ~1 h
  discWarmup: 300, // D alone for 300 steps before its term enters (LDM's code switches both on at once)
  lr: 2e-4, // Adam, a short from-scratch run (LDM: 4.5e-6 × batch 12 × 2 GPUs ≈ 1e-4, for 100k+ steps)
  minLr: 2e-5,
  warmup: 200,
  beta1: 0.9,
  beta2: 0.99,
  adamEps: 1e-8,
  weightDecay: 0, // no decay: the data is unlimited and the net has no norm layers whose scale decay would fight
  gradClip: 1,
  emaDecay: 0.999,
  loss: {
    l1: 1, // LDM's pixel term, mean-reduced
    grad: 1, // structure term (vae-losses.ts gradientL1), same weight as L1: neighbour differences are the same magnitude as pixel errors at edges
    gradScales: [1, 2, 4], // pixel grid, 2×2 and 4×4 blocks: fine texture, edges and the 16-px patch's inner structure
    // LDM's kl_weight 1e-6 multiplies a KL *summed* over 64·64·c values against an L1 summed over 1024²·3
    // values; dividing both by the pixel count gives 1e-6 · (64·64·c)/(1024²·3) = 1e-6 · c/768 on the
    // mean KL (latent-notes.md §1.1): 1.0e-8 for c = 8.
    kl: 1e-8,
  },
  disc: {
    channels: 16, // ndf = 16: 0.18 M params, 0.21 GMAC per 256² crop (latent-notes.md §1.3), about a tenth of the decoder
    layers: 3, // pix2pix's n_layers = 3: 70-px receptive field
    groups: 8,
  },
  phase2Lr: 1e-4,
  phase2Beta1: 0.5, // LDM's GAN optimiser betas
  phase2Beta2: 0.9,
  discWeight: 0.5, // LDM's disc_weight
  maxAdaptiveWeight: 1e4, // LDM's clamp
  seed: 20261205,
  ckptMinutes: 5,
  keepCheckpoints: 3,
  threads: 1, // one core: the other trains or builds meanwhile
  backend: 'wasm',
};

export default config;
