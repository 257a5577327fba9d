// The two overfitting gaps of the latent evaluation (loss-gap.ts): latent-64 on its own training latents
// (the fixed set it walked through epoch by epoch) against held-out latents, and base-64 by the same code
// on training-seed against held-out scenes, so the lecture's "latent models overfit less" is read off two
// numbers measured alike. The losses are in different units (standardised latents vs [−1, 1] pixels), so
// the models compare by relativeGap = gap / held-out loss.
import type { JsonValue, Manifest } from '../../src/lib/models/manifest';
import type { BaseModel } from '../../src/lib/pipelines/base';
import type { LatentModel } from '../../src/lib/pipelines/latent';
import { defaultLatentDir, standardise } from '../latent/latent-data';
import { readLatentMeta, readSplit } from '../latent/latent-set';
import { gapRecord, lossGap, pixelGapSets } from './loss-gap';

export interface LatentGapOptions {
  manifest: Manifest;
  latent: LatentModel;
  /** base-64 and its manifest (steps × batch says which scenes it trained on), or null to skip baseGap. */
  base: { model: BaseModel; manifest: Manifest } | null;
  /** The latent set's folder (default: where `npm run latents` writes the set of the model's encoder). */
  latentDir?: string;
  /** Examples per set, a multiple of 16. */
  count: number;
  log?: (line: string) => void;
}

const num = (details: Manifest['data']['details'], key: string, file: string): number => {
  const v = details?.[key];
  if (typeof v !== 'number') throw new Error(`${file}: data.details.${key} is missing`);
  return v;
};

export function latentGaps(o: LatentGapOptions): { overfitting: JsonValue; baseGap?: JsonValue } {
  const log = o.log ?? (() => {});
  const { latent, manifest } = o;
  const details = manifest.data.details;
  const dir = o.latentDir ?? defaultLatentDir(latent.encoderSha256);
  const meta = readLatentMeta(dir, latent.encoderSha256);
  const record = details?.latent as { trainCount?: number } | undefined;
  const trainCount = record?.trainCount ?? meta.counts.train;
  if (o.count > Math.min(trainCount, meta.counts.heldout)) throw new Error(`${dir}: ${o.count} latents per set asked, the model trained on ${trainCount} and the set holds ${meta.counts.heldout} held-out`);
  const read = (split: 'train' | 'heldout') => {
    const s = readSplit(dir, split, o.count, meta.side, meta.channels);
    return { x0: standardise(s.latents, latent.mean, latent.std), labels: s.labels, seeds: s.seeds };
  };
  const seed = num(details, 'seed', manifest.name);
  const seen = (manifest.steps * num(details, 'batch', manifest.name)) / trainCount;
  log(`overfitting: ${manifest.name} on ${o.count} training and ${o.count} held-out latents`);
  const g = lossGap(latent.unet, latent.weights, { seed, T: num(details, 'T', manifest.name), resolution: latent.resolution, prediction: latent.prediction, model: latent.unet.config }, latent.schedule, read('train'), read('heldout'));
  log(`  train ${g.trainLoss.toFixed(5)}, held-out ${g.heldOutLoss.toFixed(5)}, gap ${g.gap.toFixed(5)} ± ${g.gapStdError.toFixed(5)} (relative ${g.relativeGap.toFixed(4)})`);
  const exported = manifest.evaluation.heldOutLoss;
  const overfitting = {
    ...gapRecord(g, latent.prediction, `training latents 0…${o.count - 1} of the ${trainCount} it trained on, each seen about ${seen.toFixed(1)} times`, 'the first held-out latents, never trained on'),
    // Held-out chunk 0 is the export's own figure: the same weights, latents, t and ε; a difference means the set or the weights changed.
    exportHeldOutLoss: typeof exported === 'number' ? exported : null,
  };
  if (!o.base) return { overfitting };

  const b = o.base;
  const bd = b.manifest.data.details;
  const baseSeed = num(bd, 'seed', b.manifest.name);
  const sets = pixelGapSets(baseSeed, b.model.resolution, b.manifest.steps * num(bd, 'batch', b.manifest.name), o.count);
  log(`overfitting: ${b.manifest.name} on ${o.count} training and ${o.count} held-out scenes`);
  const bg = lossGap(b.model.unet, b.model.weights, { seed: baseSeed, T: num(bd, 'T', b.manifest.name), resolution: b.model.resolution, prediction: b.model.prediction, model: b.model.unet.config }, b.model.schedule, sets.train, sets.heldOut);
  log(`  train ${bg.trainLoss.toFixed(5)}, held-out ${bg.heldOutLoss.toFixed(5)}, gap ${bg.gap.toFixed(5)} ± ${bg.gapStdError.toFixed(5)} (relative ${bg.relativeGap.toFixed(4)})`);
  const baseRecord = gapRecord(bg, b.model.prediction, ...sets.words);
  return {
    overfitting,
    baseGap: {
      ...baseRecord,
      note:
        `${b.manifest.name} (weights ${b.manifest.weightsSha256.slice(0, 12)}…, ${b.manifest.steps} steps) measured in this run by the same code: ${String(baseRecord.note)}; ` +
        `${baseSeed === seed ? 'both models share the data seed, so chunk k draws the same t for both' : 'the two models have different data seeds, so their t draws differ'}; ` +
        `compare the models by relativeGap (their losses are in different units); \`npm run eval -- ${b.manifest.name}\` writes the same figure into its own manifest as evaluation.overfitting`,
      weightsSha256: b.manifest.weightsSha256,
    },
  };
}
