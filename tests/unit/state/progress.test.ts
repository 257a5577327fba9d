// Reading progress: moves only forward, persists through a store, survives stores that throw or hold garbage.
import { describe, expect, it } from 'vitest';
import { PROGRESS_KEY, Progress, browserStorage } from '../../../src/lib/state/progress.svelte';
import { memoryStore, throwing } from './stores';

describe('Progress', () => {
  it('starts empty and marks an opened lesson visited', () => {
    const progress = new Progress(memoryStore());
    expect(progress.status('adding-noise')).toBeUndefined();
    progress.markVisited('adding-noise');
    expect(progress.status('adding-noise')).toBe('visited');
  });

  it('never moves a finished lesson back to visited', () => {
    const progress = new Progress(memoryStore());
    progress.markFinished('adding-noise');
    progress.markVisited('adding-noise');
    expect(progress.status('adding-noise')).toBe('finished');
  });

  it('persists to the store and a new instance loads it back', () => {
    const store = memoryStore();
    const first = new Progress(store);
    first.markVisited('removing-noise');
    first.markFinished('adding-noise');
    expect(JSON.parse(store.data[PROGRESS_KEY])).toEqual({ 'removing-noise': 'visited', 'adding-noise': 'finished' });

    const second = new Progress(store);
    expect(second.status('adding-noise')).toBeUndefined(); // nothing read before load(): matches prerendered HTML
    second.load();
    expect(second.status('adding-noise')).toBe('finished');
    expect(second.status('removing-noise')).toBe('visited');
  });

  it('ignores stored garbage: invalid JSON, non-objects and unknown statuses', () => {
    for (const raw of ['{not json', '[1,2]', '"visited"', 'null']) {
      const progress = new Progress(memoryStore({ [PROGRESS_KEY]: raw }));
      progress.load();
      expect(progress.statuses, raw).toEqual({});
    }
    const mixed = new Progress(memoryStore({ [PROGRESS_KEY]: '{"a":"finished","b":"read","c":3}' }));
    mixed.load();
    expect(mixed.statuses).toEqual({ a: 'finished' });
  });

  it('keeps working in memory when every storage call throws', () => {
    const progress = new Progress(throwing);
    expect(() => progress.load()).not.toThrow();
    expect(() => progress.markFinished('adding-noise')).not.toThrow();
    expect(progress.status('adding-noise')).toBe('finished');
    expect(() => progress.reset()).not.toThrow();
    expect(progress.status('adding-noise')).toBeUndefined();
  });

  it('works without any store (server rendering)', () => {
    const progress = new Progress(null);
    progress.load();
    progress.markVisited('x');
    expect(progress.status('x')).toBe('visited');
  });

  it('reset forgets everything, in memory and in the store', () => {
    const store = memoryStore();
    const progress = new Progress(store);
    progress.markFinished('adding-noise');
    progress.reset();
    expect(progress.statuses).toEqual({});
    expect(store.data[PROGRESS_KEY]).toBeUndefined();
  });
});

describe('browserStorage', () => {
  it('is null where there is no window (Node, server rendering)', () => {
    expect(browserStorage()).toBeNull();
  });

  it('is null when touching localStorage throws', () => {
    const g = globalThis as { window?: unknown };
    g.window = Object.defineProperty({}, 'localStorage', {
      get() {
        throw new DOMException('denied', 'SecurityError');
      },
    });
    try {
      expect(browserStorage()).toBeNull();
    } finally {
      delete g.window;
    }
  });
});
