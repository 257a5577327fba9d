// The state lesson 1's widgets share: one scene (seed), one schedule, one t, and the noisy images
// x_t = √ᾱ_t x_0 + √(1−ᾱ_t) ε (DDPM Eq. 4) at 64, 256 and 1024, each with its own fixed seeded ε,
// so moving t changes only the mix. Mirrored into the URL (?t=400&schedule=cosine&seed=7).
import { replaceState } from '$app/navigation';
import { downsampleArea, renderScene, sampleScene } from '$lib/data';
import { makeSchedule, qSampleInto, SCHEDULE_NAMES, type Schedule, type ScheduleName } from '$lib/diffusion';
import { deriveSeed, fillNormal, makeRng } from '$lib/math/rng';
import { enumParam, intParam, UrlState } from '$lib/state/url.svelte';

export const SIZES = [64, 256, 1024] as const;
export type Size = (typeof SIZES)[number];
export const T = 1000;
export const MAX_SEED = 99_999;

/** Stream labels for deriveSeed: the noise of each size is independent of the scene and of each other. */
const NOISE_STREAM = 1;

export class ForwardNoise {
  readonly url = new UrlState(
    {
      t: intParam(0, T, 250),
      schedule: enumParam(SCHEDULE_NAMES, 'linear'),
      // Seed 3 is a coast at sunset: a natural-looking scene whose sky, sea and beach read at 64² and whose
      // boats, waves and sand grain appear only at 256² and 1024², the lesson's point in one picture.
      seed: intParam(1, MAX_SEED, 3),
    },
    // SvelteKit's own replaceState keeps its router in step with the address bar.
    // The URL is this page's own, with new query values: nothing for resolve() to add.
    // eslint-disable-next-line svelte/no-navigation-without-resolve
    { write: (url) => replaceState(url, {}) },
  );

  /** performance.now() of the latest slider input, for timing input → pixels. */
  inputAt = 0;
  #connected = false;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a pixel cache; reactivity comes from t, schedule, seed
  #clean = new Map<string, Float32Array>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a pixel cache; reactivity comes from t, schedule, seed
  #noise = new Map<string, Float32Array>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a pixel cache; reactivity comes from t, schedule, seed
  #noisy = new Map<Size, { key: string; image: Float32Array }>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a pixel cache; reactivity comes from t, schedule, seed
  #pooledParts = new Map<string, { x0: Float32Array; eps: Float32Array }>();

  get t(): number {
    return this.url.values.t;
  }
  set t(value: number) {
    this.inputAt = performance.now();
    this.url.set('t', value);
  }
  get schedule(): ScheduleName {
    return this.url.values.schedule;
  }
  set schedule(value: ScheduleName) {
    this.inputAt = performance.now();
    this.url.set('schedule', value);
  }
  get seed(): number {
    return this.url.values.seed;
  }
  set seed(value: number) {
    this.url.set('seed', value);
  }

  /** The scene's description (cheap: parameters, not pixels). */
  readonly scene = $derived(sampleScene(this.seed));

  /** Reads the page URL once, after mount (a prerendered page cannot know its query string). */
  connect(): void {
    if (this.#connected) return;
    this.#connected = true;
    this.url.readFrom(location.search);
  }

  /** A fresh random scene: a seed the reader has (most likely) not seen. */
  newScene(): void {
    let seed = this.seed;
    while (seed === this.seed) seed = 1 + Math.floor(Math.random() * MAX_SEED);
    this.seed = seed;
  }

  /** The current schedule as used at image side `size` (only shifted-cosine depends on it). */
  scheduleAt(size: number, name: ScheduleName = this.schedule): Schedule {
    return makeSchedule(name, { T, resolution: size });
  }

  alphaBar(size: number): number {
    return this.scheduleAt(size).alphaBar[this.t];
  }

  /** x_0 at `size`, [size, size, 3] in [-1, 1]. Cached per seed; the caller must not write to it. */
  clean(size: number): Float32Array {
    const key = `${this.seed}/${size}`;
    let image = this.#clean.get(key);
    if (!image) {
      image = renderScene(this.scene, size);
      this.#keepLatest(this.#clean, key, image);
    }
    return image;
  }

  /** ε at `size`, [size, size, 3] standard normal, fixed by (seed, size). */
  noise(size: number): Float32Array {
    const key = `${this.seed}/${size}`;
    let eps = this.#noise.get(key);
    if (!eps) {
      eps = fillNormal(new Float32Array(size * size * 3), makeRng(deriveSeed(deriveSeed(this.seed, NOISE_STREAM), size)));
      this.#keepLatest(this.#noise, key, eps);
    }
    return eps;
  }

  /**
   * x_t at `size` for the current (seed, schedule, t). One buffer per size, overwritten in place
   * (no 12 MB allocation per slider move at 1024²); reading it in an effect tracks t, schedule and seed.
   */
  noisy(size: Size): Float32Array {
    const alphaBar = this.alphaBar(size);
    const key = `${this.seed}/${alphaBar}`;
    let entry = this.#noisy.get(size);
    if (entry?.key === key) return entry.image;
    const x0 = this.clean(size);
    const eps = this.noise(size);
    if (!entry) {
      entry = { key, image: new Float32Array(x0.length) };
      this.#noisy.set(size, entry);
    }
    qSampleInto(entry.image, x0, eps, alphaBar);
    entry.key = key;
    return entry.image;
  }

  /**
   * x_t at `size`, average-pooled by `factor`: [size/factor, size/factor, 3]. Pooling is linear, so
   * pool(√ᾱ x_0 + √(1−ᾱ) ε) = √ᾱ pool(x_0) + √(1−ᾱ) pool(ε): the pooled parts are made once per seed
   * and every t costs a 64² mix instead of a 1024² one. Returns a new array.
   */
  pooledNoisy(size: Size, factor: number): Float32Array {
    const key = `${this.seed}/${size}/${factor}`;
    let parts = this.#pooledParts.get(key);
    if (!parts) {
      parts = { x0: downsampleArea(this.clean(size), size, factor), eps: downsampleArea(this.noise(size), size, factor) };
      this.#pooledParts.clear();
      this.#pooledParts.set(key, parts);
    }
    return qSampleInto(new Float32Array(parts.x0.length), parts.x0, parts.eps, this.alphaBar(size));
  }

  // Only the current seed's images are kept: three sizes of x_0 and ε are ~26 MB already.
  #keepLatest(map: Map<string, Float32Array>, key: string, value: Float32Array): void {
    const seedPrefix = key.split('/')[0] + '/';
    for (const old of map.keys()) if (!old.startsWith(seedPrefix)) map.delete(old);
    map.set(key, value);
  }
}
