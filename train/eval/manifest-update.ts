// Writes evaluation results into an existing pretrained/<model>/manifest.json without risking it: the
// new text goes to a temp file, is parsed back with parseManifest and compared field by field with the
// old one (only `evaluation` may differ), then renamed over the original. weights.bin is never opened
// for writing. Extra files (the sample grid) take the same temp + rename path.
import { isDeepStrictEqual } from 'node:util';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { parseManifest, type JsonValue, type Manifest } from '../../src/lib/models/manifest';
import { gitCommit } from '../export';

/** Writes `bytes` to `path` through `path.tmp-<pid>` and a rename, so readers see old or new, never half. */
export function writeAtomically(path: string, bytes: string | Uint8Array, verify?: (tmp: string) => void): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, bytes);
    verify?.(tmp);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Merges `results` into the manifest's `evaluation` (new keys replace old ones of the same name; other
 * keys, such as the export's heldOutLoss, stay). Returns the evaluation as written.
 */
export function updateEvaluation(modelDir: string, results: { [metric: string]: JsonValue }): { [metric: string]: JsonValue } {
  const path = join(modelDir, 'manifest.json');
  const text = readFileSync(path, 'utf8');
  parseManifest(text, path); // refuse to touch a manifest that is already invalid
  const raw = JSON.parse(text) as Record<string, unknown>;
  const evaluation = { ...(raw.evaluation as Record<string, JsonValue>), ...results };
  const next = { ...raw, evaluation };
  writeAtomically(path, JSON.stringify(next, null, 1) + '\n', (tmp) => {
    const back = readFileSync(tmp, 'utf8');
    parseManifest(back, tmp);
    const parsed = JSON.parse(back) as Record<string, unknown>;
    for (const key of new Set([...Object.keys(raw), ...Object.keys(parsed)])) {
      if (key !== 'evaluation' && !isDeepStrictEqual(raw[key], parsed[key])) throw new Error(`${tmp}: field "${key}" changed; only "evaluation" may`);
    }
    if (!isDeepStrictEqual(parsed.evaluation, JSON.parse(JSON.stringify(evaluation)))) throw new Error(`${tmp}: evaluation did not round-trip`);
  });
  return evaluation;
}

/**
 * The `evaluatedWith` record of an evaluation begun at `t0` (performance.now()): which weights, trained
 * how long, which commit, when, how long it took and on which backend, plus any `extra` fields.
 */
export function evaluatedWith(manifest: Pick<Manifest, 'weightsSha256' | 'steps'>, t0: number, extra: { [key: string]: JsonValue } = {}): { [key: string]: JsonValue } {
  return {
    weightsSha256: manifest.weightsSha256,
    steps: manifest.steps,
    commit: gitCommit(),
    at: new Date().toISOString(),
    seconds: (performance.now() - t0) / 1000,
    backend: tf.getBackend(),
    ...extra,
  };
}
