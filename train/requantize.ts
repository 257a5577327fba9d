// `npx tsx train/requantize.ts <model> [--pretrained-dir=pretrained] [--out=<dir>] [--int8-from=1024]`:
// stores a shipped U-Net's large tensors as int8 with a float16 scale per output channel (the SR stages'
// encoding, src/lib/models/weights.ts), without its checkpoint. Why: on the school laptop of issue 18
// (3 Mbit/s) base-64's 1.33 MB of float16 weights are 3.5 s of the line before lesson 2's first sample;
// int8 halves them. The float16 values are the source (the training checkpoint may be gone); their rounding
// error (2⁻¹¹ relative) is far below int8's (up to half a step of max|w|/127 per channel).
//
// Written to a temp folder, loaded back and checked like an export (manifest parse, SHA-256, a finite
// held-out loss), then swapped in. The evaluation of the float16 weights is kept as
// `evaluation.float16Model` with the sizes and the largest weight change, so the model's figures can be
// re-measured (`npm run eval -- <model>`) and compared with what they were.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadModel, parseManifest, storedSpecs, type JsonValue, type Manifest } from '../src/lib/models/manifest';
import { decodeWeights, encodeWeights } from '../src/lib/models/weights';
import { initTrainingBackend } from './backend';
import { heldOutLoss, swapFolder } from './export';
import { loadTrainConfig } from './train-config';

/** Tensors of at least this many values go int8: every conv and dense kernel, not the biases or norms. */
export const DEFAULT_INT8_FROM = 1024;

export interface Requantized {
  manifest: Manifest;
  bin: Uint8Array;
  /** The largest |int8 value − float16 value| over all weights, and over the largest |weight| it is relative to. */
  maxAbsChange: number;
  maxAbsWeight: number;
}

/** The model re-encoded: tensors of ≥ int8From values as int8, the rest float16; the evaluation kept aside. */
export async function requantize(manifest: Manifest, bin: Uint8Array, int8From = DEFAULT_INT8_FROM): Promise<Requantized> {
  if (manifest.architecture !== 'unet' || manifest.predictorWeights) throw new Error(`${manifest.name}: only a U-Net without a packed predictor is requantized here (the SR stages are int8 already)`);
  const specs = storedSpecs(manifest);
  if (specs.some((s) => s.encoding === 'int8')) throw new Error(`${manifest.name}: its weights are int8 already`);
  const values = decodeWeights(bin, specs);
  const encoded = await encodeWeights(values, specs.map(({ name, shape }) => ({ name, shape })), { int8From });
  const back = decodeWeights(encoded.bin, encoded.specs);
  let maxAbsChange = 0;
  let maxAbsWeight = 0;
  for (const [name, v] of values) {
    const w = back.get(name) as Float32Array;
    for (let i = 0; i < v.length; i++) {
      maxAbsChange = Math.max(maxAbsChange, Math.abs(w[i] - v[i]));
      maxAbsWeight = Math.max(maxAbsWeight, Math.abs(v[i]));
    }
  }
  const { evaluation, ...rest } = manifest;
  // A model this one replaced (evaluation.previousModel) stays where the model's tests look for it.
  const { previousModel, ...float16Evaluation } = evaluation;
  const float16Model: { [k: string]: JsonValue } = {
    note: `the evaluation of the float16 weights these int8 ones were made from (train/requantize.ts); tensors of at least ${int8From} values are int8 with a float16 scale per output channel, the rest float16`,
    weightsSha256: manifest.weightsSha256,
    bytes: bin.byteLength,
    int8Bytes: encoded.bin.byteLength,
    maxAbsWeightChange: maxAbsChange,
    maxAbsWeight,
    evaluation: float16Evaluation,
  };
  return {
    manifest: { ...rest, weights: encoded.specs, weightsSha256: encoded.sha256, evaluation: { float16Model, ...(previousModel === undefined ? {} : { previousModel }) } },
    bin: encoded.bin,
    maxAbsChange,
    maxAbsWeight,
  };
}

async function main(argv: string[]): Promise<void> {
  const model = argv.find((a) => !a.startsWith('--'));
  const flag = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  if (!model) throw new Error('usage: npx tsx train/requantize.ts <model> [--pretrained-dir=pretrained] [--out=<dir>] [--int8-from=1024]');
  const dir = join(flag('pretrained-dir') ?? 'pretrained', model);
  const final = flag('out') ?? dir;
  const int8From = Number(flag('int8-from') ?? DEFAULT_INT8_FROM);
  await initTrainingBackend({ threads: 1 });
  const manifest = parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8'), join(dir, 'manifest.json'));
  const source = new Uint8Array(readFileSync(join(dir, manifest.weightsFile)));
  const r = await requantize(manifest, source, int8From);
  const tmp = `${final}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    writeFileSync(join(tmp, 'weights.bin'), r.bin);
    const config = await loadTrainConfig(model);
    const back = parseManifest(JSON.stringify(r.manifest), join(tmp, 'manifest.json'));
    const loaded = await loadModel(back, r.bin, join(tmp, 'weights.bin'));
    let loss: number;
    try {
      loss = heldOutLoss(loaded.unet, loaded.weights, config);
    } finally {
      tf.dispose(Object.values(loaded.weights));
    }
    if (!Number.isFinite(loss)) throw new Error(`the int8 weights give a held-out loss of ${loss}`);
    const before = (manifest.evaluation as { heldOutLoss?: number }).heldOutLoss;
    const evaluation = { heldOutLoss: loss, heldOutLossNote: `L_simple (${config.prediction}) of the int8 weights on 16 held-out scenes, fixed t and ε`, ...r.manifest.evaluation };
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify({ ...r.manifest, evaluation }, null, 1) + '\n');
    parseManifest(readFileSync(join(tmp, 'manifest.json'), 'utf8'), join(tmp, 'manifest.json'));
    for (const extra of ['samples.png', 'crops.png', 'eval-crops.png']) {
      try {
        writeFileSync(join(tmp, extra), readFileSync(join(dir, extra)));
      } catch {
        // not every model has every picture
      }
    }
    swapFolder(tmp, final);
    console.log(`${model}: ${manifest.weightsSha256.slice(0, 12)} → ${r.manifest.weightsSha256.slice(0, 12)}; ${(r.bin.byteLength / 1e6).toFixed(3)} MB (was ${(source.byteLength / 1e6).toFixed(3)}); largest weight change ${r.maxAbsChange.toExponential(2)} of max |w| ${r.maxAbsWeight.toFixed(3)}; held-out loss ${loss.toFixed(5)} (float16 ${before?.toFixed(5)})`);
    console.log(`now: npm run eval -- ${model}${final === dir ? '' : ` --pretrained-dir=${join(final, '..')}`}`);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

if (process.argv[1]?.endsWith('requantize.ts')) {
  main(process.argv.slice(2)).catch((e: Error) => {
    console.error(`requantize: ${e.message}`);
    process.exit(1);
  });
}
