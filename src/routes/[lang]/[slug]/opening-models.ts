// The models a lesson's first widget runs on as soon as it is on screen, asked of the page's engine from
// the route's load, before the page hydrates: on a school laptop (CPU 4× slower) hydrating a lesson takes
// seconds, and the engine worker, its wasm and the model would otherwise start downloading only after it.
// Loads are shared per page (EngineState.load), so the widget's own load later joins this one.
import { pageEngine } from '$lib/state/engine.svelte';
import { CASCADE_MODELS } from '$lib/widgets/cascade-settings';
import { MODEL } from '$lib/widgets/reverse-settings';

/** By lesson slug, in the order the lesson needs them (the engine downloads them in this order). */
export const OPENING_MODELS: Record<string, readonly string[]> = {
  'removing-noise': [MODEL],
  'cascaded-diffusion': CASCADE_MODELS,
};

/** Starts the downloads of `slug`'s opening models; a failure is the widget's to show (it loads again). */
export function startOpeningModels(slug: string): void {
  for (const model of OPENING_MODELS[slug] ?? []) pageEngine().load(model).catch(() => undefined);
}
