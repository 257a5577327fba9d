// Draws the course index's lesson pictures (src/routes/lesson-pictures.ts) from what the course's own code
// and models make, and writes them as WebP to static/lessons/<slug>.webp:
//   npx tsx scripts/lesson-pictures.ts [--pretrained-dir=pretrained] [--latent-manifest=<…>/latent-64/manifest.json] [--out=static/lessons]
// Lesson 1: a rendered scene noised by the cosine schedule, t growing left to right; 2: base-64's reverse
// process (x_T, a mid-way x_t, its sample); 3: that sample through sr-256 and sr-1024; 4: the vae's latent
// channels and decode of a rendered scene; 5: that latent's colour preview (latent-64's linear map) noised
// and clean, and its decode; 6: the two pipelines' pieces as two rows. The vae stands in for latent-64's
// own samples in 5 and 6 (only its preview map and statistics are read), so the pictures do not wait on
// its training. Deterministic seeds; ~1 min of one core, most of it sr-1024 and the 1024² vae passes.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { renderScene, sampleScene, SCENE_KINDS, type SceneKind } from '../src/lib/data';
import { makeSchedule } from '../src/lib/diffusion/schedule';
import { makeRng } from '../src/lib/math/rng';
import { loadModel, parseManifest } from '../src/lib/models/manifest';
import { loadVae, parseVaeManifest } from '../src/lib/models/vae-manifest';
import { baseModelFrom, sampleBase } from '../src/lib/pipelines/base';
import { runCascade } from '../src/lib/pipelines/cascade';
import { applyPreview, type PreviewMap } from '../src/lib/pipelines/latent-preview';
import { srModelFrom } from '../src/lib/pipelines/super-resolution';
import { initTrainingBackend } from '../train/backend';
import { addingNoise, autoencoder, cascade, cascadeVsLatent, H, latentDiffusion, removingNoise, W, type Square } from './lesson-pictures/layouts';
import type { Canvas } from './lesson-pictures/raster';
import { encodeWebp } from './lesson-pictures/webp';

const args = Object.fromEntries(process.argv.slice(2).map((a) => /^--([^=]+)=(.*)$/.exec(a)?.slice(1) ?? [a, '']));
const pretrained = args['pretrained-dir'] ?? 'pretrained';
const latentManifest = args['latent-manifest'] ?? join(pretrained, 'latent-64', 'manifest.json');
const out = args.out ?? 'static/lessons';

/** The scenes and seeds, chosen by looking: kinds whose shapes read at thumbnail size. */
const PICK = { noise: { kind: 'meadow', seed: 3 }, base: { kind: 'coast', seed: 11 }, vae: { kind: 'reef', seed: 3 }, latent: { kind: 'city', seed: 4 } } as const;

async function unet(name: string) {
  const dir = join(pretrained, name);
  const manifest = parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8'), dir);
  return { manifest, ...(await loadModel(manifest, new Uint8Array(readFileSync(join(dir, manifest.weightsFile))))) };
}

const render = (kind: SceneKind, seed: number, size: number) => renderScene(sampleScene(seed, kind), size);
const clip = (v: number) => (v < -1 ? -1 : v > 1 ? 1 : v);

/** Lesson 1's strip: a wide crop of the scene, each column noised at its own t (0 at the left, 0.9·T at the right). */
function noisedStrip(): { img: Float32Array; width: number; height: number } {
  const width = Math.round(H * 1.6);
  const full = render(PICK.noise.kind, PICK.noise.seed, width);
  const top = Math.round((width - H) * 0.7); // below the middle: the sun, the hills and the flowers
  const schedule = makeSchedule('cosine', { T: 1000 });
  // One draw per 2×2 block: noise at the index's CSS pixel, which also keeps the WebP small (noise does not compress).
  const rng = makeRng(1);
  const eps = Float32Array.from({ length: Math.ceil(width / 2) * Math.ceil(H / 2) * 3 }, () => rng.normal());
  const img = new Float32Array(width * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < width; x++) {
      // Clean over the first fifth, then t grows to 0.95·T at the right edge.
      const u = Math.max(0, (x / (width - 1) - 0.2) / 0.8);
      const a = schedule.alphaBar[Math.round(950 * u ** 1.2)];
      const e = ((y >> 1) * Math.ceil(width / 2) + (x >> 1)) * 3;
      for (let k = 0; k < 3; k++) img[(y * width + x) * 3 + k] = clip(Math.sqrt(a) * full[((top + y) * width + x) * 3 + k] + Math.sqrt(1 - a) * eps[e + k]);
    }
  }
  return { img, width, height: H };
}

/** Per-channel maps of a latent [side, side, c], each stretched to its own 2nd–98th percentile and drawn on a two-colour ramp. */
function channelMaps(z: Float32Array, side: number, c: number): Square[] {
  const lo = [0.06, 0.16, 0.36]; // a dark blue to a warm light: a channel's low and high values, in [0, 1]
  const hi = [1, 0.86, 0.55];
  return Array.from({ length: c }, (_, j) => {
    const v = Array.from({ length: side * side }, (_, p) => z[p * c + j]);
    const sorted = [...v].sort((a, b) => a - b);
    const a = sorted[Math.floor(0.02 * sorted.length)];
    const b = sorted[Math.floor(0.98 * sorted.length)];
    const img = new Float32Array(side * side * 3);
    v.forEach((x, p) => {
      const u = Math.min(1, Math.max(0, (x - a) / (b - a || 1)));
      for (let k = 0; k < 3; k++) img[p * 3 + k] = 2 * (lo[k] + u * (hi[k] - lo[k])) - 1;
    });
    return { img, size: side };
  });
}

async function main(): Promise<void> {
  await initTrainingBackend({ threads: 1, verbose: false });
  const pictures: Record<string, Canvas> = {};
  pictures['adding-noise'] = addingNoise(noisedStrip());

  // Lesson 2 and 3: one base-64 sample (20 DDIM steps, lesson 2's default), its frames, then the cascade.
  const [b, s256, s1024] = [await unet('base-64'), await unet('sr-256'), await unet('sr-1024')];
  const base = baseModelFrom(b.manifest, b.unet, b.weights);
  const frames = new Map<number, Float32Array>();
  const x = await sampleBase(base, {
    classIndex: SCENE_KINDS.indexOf(PICK.base.kind), guidance: 1, batch: 1, sampler: 'ddim', steps: 20, eta: 0, seed: PICK.base.seed,
    onStep: async (tap) => {
      if (tap.i === 0 || tap.i === 15) frames.set(tap.i, ((await tap.xt.data()) as Float32Array).map(clip));
    },
  });
  const sample = (await x.data()) as Float32Array;
  x.dispose();
  pictures['removing-noise'] = removingNoise([frames.get(0)!, frames.get(15)!, sample].map((img) => ({ img, size: 64 })));
  const stages = await runCascade({ base, sr: [srModelFrom(s256.manifest, s256.unet, s256.weights), srModelFrom(s1024.manifest, s1024.unet, s1024.weights)] }, { seed: PICK.base.seed, start: sample, sr: [{ steps: 20, aug: 0.1 }, { steps: 20, aug: 0.1 }] });
  const cascadeSquares = stages.map((s) => ({ img: s.image, size: s.size }));
  pictures['cascaded-diffusion'] = cascade(cascadeSquares);
  for (const m of [b, s256, s1024]) tf.dispose(Object.values(m.weights));

  // Lesson 4 to 6: the autoencoder on rendered 1024² scenes (encoder mean, as the latent set uses).
  const vm = parseVaeManifest(readFileSync(join(pretrained, 'vae', 'manifest.json'), 'utf8'), 'vae');
  const vae = await loadVae(vm, new Uint8Array(readFileSync(join(pretrained, 'vae', vm.weightsFile))));
  const c = vae.vae.config.latentChannels;
  const side = 1024 / vae.vae.factor;
  const roundTrip = async (img: Float32Array): Promise<{ z: Float32Array; decoded: Float32Array }> => {
    const zT = tf.tidy(() => vae.vae.encode(vae.weights, tf.tensor4d(img, [1, 1024, 1024, 3])).mean);
    const dT = tf.tidy(() => vae.vae.decode(vae.weights, zT as tf.Tensor4D));
    const [z, decoded] = [(await zT.data()) as Float32Array, ((await dT.data()) as Float32Array).map(clip)];
    tf.dispose([zT, dT]);
    return { z, decoded };
  };
  const reef = render(PICK.vae.kind, PICK.vae.seed, 1024);
  const r = await roundTrip(reef);
  pictures['the-autoencoder'] = autoencoder({ img: reef, size: 1024 }, channelMaps(r.z, side, c), { img: r.decoded, size: 1024 });

  if (!existsSync(latentManifest)) throw new Error(`${latentManifest} does not exist: pass --latent-manifest=<a latent-64 export's manifest.json> (only its preview map and statistics are read)`);
  const lm = JSON.parse(readFileSync(latentManifest, 'utf8')) as { data: { details: { latent: { mean: number[]; std: number[]; preview: PreviewMap } } } };
  const { mean, std, preview } = lm.data.details.latent;
  const city = await roundTrip(render(PICK.latent.kind, PICK.latent.seed, 1024));
  // x_t = √ᾱ z' + √(1−ᾱ) ε in the standardised units latent-64 denoises in, shown through its colour preview.
  const schedule = makeSchedule('cosine', { T: 1000 });
  const rng = makeRng(2);
  const eps = Float32Array.from({ length: city.z.length }, () => rng.normal());
  const previewAt = (t: number) => {
    const a = t < 0 ? 1 : schedule.alphaBar[t]; // t < 0: the clean latent
    const z = city.z.map((v, i) => (Math.sqrt(a) * ((v - mean[i % c]) / std[i % c]) + Math.sqrt(1 - a) * eps[i]) * std[i % c] + mean[i % c]);
    return { img: applyPreview(z, preview), size: side };
  };
  pictures['latent-diffusion'] = latentDiffusion([previewAt(650), previewAt(-1)], { img: city.decoded, size: 1024 });
  // Lesson 6's latent row: a coast like the cascade's sample above it, so the two rows show one kind of scene.
  const coast = await roundTrip(render(PICK.base.kind, PICK.base.seed, 1024));
  pictures['cascade-vs-latent'] = cascadeVsLatent(cascadeSquares, { img: applyPreview(coast.z, preview), size: side }, { img: coast.decoded, size: 1024 });
  tf.dispose(Object.values(vae.weights));

  mkdirSync(out, { recursive: true });
  // Noise does not compress: lesson 1's picture goes at a lower quality, which its noise hides.
  const encoded = await encodeWebp(Object.values(pictures), W, H, (k) => (k === 0 ? 0.6 : undefined));
  Object.keys(pictures).forEach((slug, k) => {
    writeFileSync(join(out, `${slug}.webp`), encoded[k]);
    console.log(`${join(out, `${slug}.webp`)}: ${encoded[k].length} bytes`);
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
