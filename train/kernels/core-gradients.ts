// Registers tfjs-core's gradient functions in Node. The core package's Node bundle has none (the
// @tensorflow/tfjs umbrella, not installed here, adds them); they live only in its ESM build, whose
// extensionless imports Node cannot load, so a small resolve/load hook points them at the .js files.
import { createRequire, register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';

// Runs in Node's loader thread: plain JS. ROOT is the file: URL of tfjs-core's dist/ folder.
const HOOKS = (root: string) => `
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const ROOT = ${JSON.stringify(root)};
const isRelative = (s) => s.startsWith('./') || s.startsWith('../');
export async function resolve(specifier, context, next) {
  if (context.parentURL && context.parentURL.startsWith(ROOT) && isRelative(specifier) && !specifier.endsWith('.js')) {
    for (const candidate of [specifier + '.js', specifier + '/index.js']) {
      const url = new URL(candidate, context.parentURL);
      if (existsSync(fileURLToPath(url))) return { url: url.href, format: 'module', shortCircuit: true };
    }
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (url.startsWith(ROOT) && url.endsWith('.js')) return next(url, { ...context, format: 'module' });
  return next(url, context);
}
`;

let done: Promise<void> | null = null;

/** Makes `tf.grad` work for every core op (Sum, Conv2D, …). Idempotent. */
export function registerCoreGradients(): Promise<void> {
  done ??= (async () => {
    if (tf.getGradient('Sum') !== undefined) return; // already there (e.g. a bundler loaded them)
    const require = createRequire(import.meta.url);
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js'));
    const root = pathToFileURL(dist + path.sep).href;
    register(`data:text/javascript,${encodeURIComponent(HOOKS(root))}`);
    await import(pathToFileURL(path.join(dist, 'register_all_gradients.js')).href);
    if (tf.getGradient('Sum') === undefined) throw new Error('tfjs-core gradients did not register');
  })();
  return done;
}
