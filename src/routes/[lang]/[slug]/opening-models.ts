// The models a lesson's first widget runs on as soon as it is on screen, asked of the page's engine from
// the route's load, before the page hydrates: on a school laptop (CPU 4× slower) hydrating a lesson takes
// seconds, and the engine worker, its wasm and the model would otherwise start downloading only after it.
// Loads are shared per page (EngineState.load), so the widget's own load later joins this one.
import { pageEngine } from '$lib/state/engine.svelte';
import { CASCADE_MODELS } from '$lib/widgets/cascade-settings';
import { LATENT_MODEL, VAE_MODEL } from '$lib/widgets/latent-diffusion/latent-settings';
import { MODEL } from '$lib/widgets/reverse-settings';

/**
 * By lesson slug, in the order the lesson needs them (the engine downloads them in this order). Lessons 4–6
 * run their first widget on mount too (SqueezeRestore, LatentSteps, RunBoth: widget-run.svelte.ts runOnMount);
 * lesson 6 runs the cascade first, then the latent pipeline.
 */
export const OPENING_MODELS: Record<string, readonly string[]> = {
  'removing-noise': [MODEL],
  'cascaded-diffusion': CASCADE_MODELS,
  'the-autoencoder': [VAE_MODEL],
  'latent-diffusion': [LATENT_MODEL, VAE_MODEL],
  'cascade-vs-latent': [...CASCADE_MODELS, LATENT_MODEL, VAE_MODEL],
};

/** Starts the downloads of `slug`'s opening models; a failure is the widget's to show (it loads again). */
export function startOpeningModels(slug: string): void {
  for (const model of OPENING_MODELS[slug] ?? []) pageEngine().load(model).catch(() => undefined);
}
