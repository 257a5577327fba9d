// The import direction of design.md ("Layers and rooms") holds: each folder of src/lib imports only
// the layers below it, and nothing in src/ imports train/. One deliberate extension is listed with
// its reason, so any other drift fails here instead of in review.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** design.md's arrows: a layer may import these (besides itself and npm packages). */
const ALLOWED: Record<string, string[]> = {
  math: [],
  diffusion: ['math'],
  models: ['math'],
  data: ['math'],
  pipelines: ['diffusion', 'models', 'data', 'math'],
  engine: ['pipelines', 'models', 'data', 'math'],
  viz: ['math'],
  state: ['engine', 'math'],
  components: ['viz', 'state', 'i18n'],
  // Lesson 1's widgets also read the float64 schedules and render the world synchronously on every
  // slider move (no tensors, no model): a worker round trip per frame would only add latency.
  widgets: ['components', 'state', 'engine', 'viz', 'i18n', 'data', 'diffusion', 'math'],
  // UI strings name scene kinds, schedules and engine faults: type-only imports of those unions.
  i18n: ['data', 'diffusion', 'engine'],
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|svelte)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** The src/lib layer each import of a file points at ($lib/x or a relative ../x), and train/ imports. */
function importedLayers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]);
  return specs.flatMap((spec) => {
    if (spec.startsWith('$lib/')) return [spec.split('/')[1]];
    if (!spec.startsWith('.')) return [];
    const target = relative('src/lib', join(file, '..', spec));
    if (target.startsWith('..')) return [relative('.', join(file, '..', spec)).startsWith('train') ? 'train' : ''].filter(Boolean);
    return [target.split('/')[0]];
  });
}

describe('layers', () => {
  it('every src/lib folder is a layer that design.md names', () => {
    const dirs = readdirSync('src/lib', { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(dirs.filter((d) => !(d in ALLOWED))).toEqual([]);
  });

  it.each(Object.keys(ALLOWED))('src/lib/%s imports only the layers below it', (layer) => {
    const bad = files(join('src/lib', layer)).flatMap((file) =>
      importedLayers(file)
        .filter((target) => target !== layer && target.length > 0 && !ALLOWED[layer].includes(target))
        .map((target) => `${file} → ${target}`),
    );
    expect(bad).toEqual([]);
  });

  it('nothing in src/ imports train/', () => {
    const bad = files('src').filter((file) => importedLayers(file).includes('train'));
    expect(bad).toEqual([]);
  });
});
