// latent-64 (issue 15): the latent pipeline's denoiser. LDM (Rombach et al. 2022) runs diffusion in the
// frozen autoencoder's latent space: a 1024² scene is a 64×64×8 latent (pretrained/vae, f = 16, c = 8).
// Everything but the channel count is base-64's, imported rather than copied, so the two base models of
// lesson 6 share one recipe (schedule, prediction, optimiser, budget) and compare like with like.
import base from './base-64';
import type { TrainConfig } from '../train-config';

const LATENT_CHANNELS = 8; // train/configs/vae.ts: c = 8, chosen by the measured c = 4 / 8 / 16 comparison

const config: TrainConfig = {
  ...base, // base-64's recipe, whatever issue 19 settles it to
  model: { ...base.model, imageChannels: LATENT_CHANNELS, outChannels: LATENT_CHANNELS }, // base-64's net with c channels in and out
  // The set of `npm run latents` (train/latent/latent-set.ts): posterior means of 1024² renders, standardised
  // per channel on load (latent-data.ts). 3072 training scenes cost about 1.3–2.5 s each to render and encode
  // on one core of this machine (1–2 h); at base-64's budget (4400 × 16 = 70,400 examples) each is seen about
  // 23 times, so the held-out loss is recorded beside the training loss to measure the overfitting gap.
  // No flips: a flipped latent is not the latent of the flipped scene (the encoder's filters are not symmetric).
  latent: { vaeDir: 'pretrained/vae', trainCount: 3072, heldoutCount: 256 }, // the set's sizes, as built by `npm run latents`
};

export default config;
