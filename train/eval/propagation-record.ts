// The propagation figure of an SR model's manifest (issue 5 item 4): the cascade's own measurement
// (src/lib/pipelines/propagation.ts propagationTable) from one clean 64² base image, for the fixed
// defect presets at aug levels 0, 0.1, 0.3 and 0.5. sr-256's chain is base image → sr-256; sr-1024's
// is base image → sr-256 → sr-1024, so it needs the shipped sr-256 too.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { SCENE_KINDS } from '../../src/lib/data';
import { loadModel, parseManifest, type JsonValue } from '../../src/lib/models/manifest';
import { baseModelFrom, sampleBase, type BaseModel } from '../../src/lib/pipelines/base';
import { PROPAGATION_AUG_LEVELS, propagationTable } from '../../src/lib/pipelines/propagation';
import { srModelFrom, type SrModel } from '../../src/lib/pipelines/super-resolution';

/** The start image's fixed recipe: recorded beside the table so the lesson can make the same image. */
export const PROPAGATION_START = { seed: 5, kind: 'meadow', steps: 50, sampler: 'ddim', eta: 0, guidance: 1 } as const;

async function loadFolder<T>(dir: string, read: (m: ReturnType<typeof parseManifest>, l: Awaited<ReturnType<typeof loadModel>>) => T): Promise<T> {
  const path = join(dir, 'manifest.json');
  const manifest = parseManifest(readFileSync(path, 'utf8'), path);
  const loaded = await loadModel(manifest, new Uint8Array(readFileSync(join(dir, manifest.weightsFile))), join(dir, manifest.weightsFile));
  try {
    return read(manifest, loaded);
  } catch (e) {
    tf.dispose(Object.values(loaded.weights));
    throw e;
  }
}

export interface PropagationRecordOptions {
  /** The evaluated SR model (last stage of the chain); its weights stay the caller's. */
  model: SrModel;
  /** The base model folder (base-64). */
  baseDir: string;
  /** The SR stages before the evaluated one, in order (none for sr-256, sr-256's folder for sr-1024). */
  earlierDirs: readonly string[];
  /** Sampling steps per SR stage, earlier ones first. */
  steps: readonly number[];
  /** The chain's seed (stage seeds derive from it, src/lib/pipelines/cascade.ts stageSeed). */
  seed: number;
  log?: (line: string) => void;
}

/**
 * The table with its start image's recipe, or `{ skipped }` saying which folder is missing. Loads and
 * disposes the base and earlier stages; leaves no tensors behind.
 */
export async function recordPropagation(o: PropagationRecordOptions): Promise<{ table: { [k: string]: JsonValue } } | { skipped: string }> {
  for (const dir of [o.baseDir, ...o.earlierDirs]) {
    if (!existsSync(join(dir, 'manifest.json'))) return { skipped: `${join(dir, 'manifest.json')} does not exist: the chain to this model needs it, so the propagation table was not measured` };
  }
  if (o.steps.length !== o.earlierDirs.length + 1) throw new RangeError(`${o.steps.length} step counts for ${o.earlierDirs.length + 1} SR stages`);
  const log = o.log ?? (() => {});
  const loaded: { weights: tf.NamedTensorMap }[] = [];
  try {
    let baseName = '';
    const base: BaseModel = await loadFolder(o.baseDir, (m, l) => ((baseName = m.name), baseModelFrom(m, l.unet, l.weights)));
    loaded.push(base);
    const earlier: SrModel[] = [];
    for (const dir of o.earlierDirs) {
      const sr = await loadFolder(dir, (m, l) => srModelFrom(m, l.unet, l.weights));
      loaded.push(sr);
      earlier.push(sr);
    }
    const s = PROPAGATION_START;
    const classIndex = SCENE_KINDS.indexOf(s.kind);
    const x = await sampleBase(base, { classIndex, guidance: s.guidance, batch: 1, sampler: s.sampler, steps: s.steps, eta: s.eta, seed: s.seed });
    const start = (await x.data()) as Float32Array;
    x.dispose();
    log(`propagation: start image ${base.resolution}² (${s.kind}, seed ${s.seed}), chain ${[base.resolution, ...earlier.map((m) => m.sr.fullSize), o.model.sr.fullSize].join(' → ')}`);
    const table = await propagationTable({ base, sr: [...earlier, o.model] }, {
      seed: o.seed,
      start,
      steps: o.steps,
      augLevels: PROPAGATION_AUG_LEVELS,
      onRow: (r) => log(`  ${r.preset} at aug ${r.aug}: injected ${r.injected.toExponential(2)}, ratio ${r.ratio.map((v) => v.toPrecision(3)).join(' / ')}`),
    });
    return {
      table: {
        note:
          `Error propagation through the cascade as the lesson measures it: a preset defect injected into a clean ${base.resolution}² base image, ` +
          `the chain run clean and defected with the same seeds at each aug level (every SR stage at that level); ` +
          `columns: sizes ${table.sizes.join(', ')} (this model's is ${o.model.sr.fullSize}). ${table.definition}`,
        start: { ...s, classIndex, model: baseName, sampledWith: 'src/lib/pipelines/base.ts sampleBase' },
        ...table,
      },
    };
  } finally {
    for (const m of loaded) tf.dispose(Object.values(m.weights));
  }
}
