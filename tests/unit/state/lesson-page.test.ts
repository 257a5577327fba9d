// What the lessons with models share of their page state (state/lesson-page.svelte.ts): a manifest that is not
// there, or that its reader refuses, is 'missing' with the reason; a link's odd value is snapped or dropped; a
// run stops being current once a newer run of its kind begins; the link is read once, snapped first.
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('$app/navigation', () => ({ replaceState: vi.fn() }));
const { fetchManifest, LatestRuns, LessonPage, snapParam } = await import('../../../src/lib/state/lesson-page.svelte');
const { enumParam, intParam } = await import('../../../src/lib/state/url.svelte');

afterEach(() => vi.unstubAllGlobals());

describe('fetchManifest', () => {
  it('reads a manifest that arrived, and says why one is missing or refused', async () => {
    vi.stubGlobal('fetch', vi.fn(async (path: string) => (path.includes('gone') ? { ok: false, status: 404 } : { ok: true, json: async () => ({ steps: 7 }) })));
    const read = (json: unknown, file: string) => {
      const steps = (json as { steps: number }).steps;
      if (file.includes('strict')) throw new Error(`${file}: no config`);
      return steps * 2;
    };
    expect(await fetchManifest('/models/a/manifest.json', read)).toEqual({ status: 'ready', facts: 14 });
    expect(await fetchManifest('/models/gone/manifest.json', read)).toEqual({ status: 'missing', detail: '/models/gone/manifest.json: HTTP 404' });
    expect(await fetchManifest('/models/strict/manifest.json', read)).toEqual({ status: 'missing', detail: '/models/strict/manifest.json: no config' });
  });
});

describe('snapParam', () => {
  const snap = (raw: string | null) => (raw === null || raw === 'x' ? undefined : Math.round(Number(raw) / 5) * 5);
  it('replaces a value by its snapped one and drops one that snaps to nothing', () => {
    const params = new URLSearchParams('steps=12&other=1');
    snapParam(params, 'steps', snap);
    expect(params.get('steps')).toBe('10');
    params.set('steps', 'x');
    snapParam(params, 'steps', snap);
    expect(params.has('steps')).toBe(false);
    expect(params.get('other')).toBe('1');
  });
});

describe('LatestRuns', () => {
  it('a run is current until a newer run of its kind begins or it is dropped; other kinds are untouched', () => {
    const runs = new LatestRuns<'a' | 'b'>();
    const a1 = runs.start('a');
    const b1 = runs.start('b');
    expect(a1()).toBe(true);
    const a2 = runs.start('a');
    expect([a1(), a2(), b1()]).toEqual([false, true, true]);
    runs.drop('b');
    expect([a2(), b1()]).toEqual([true, false]);
    const b2 = runs.start('b');
    runs.dropAll();
    expect([a2(), b2()]).toEqual([false, false]);
  });
});

describe('LessonPage', () => {
  const SPEC = { seed: intParam(0, 99, 5), steps: enumParam(['10', '20'], '20') };
  class Page extends LessonPage<typeof SPEC> {
    reads: [string, string][] = [];
    constructor() {
      super(SPEC);
    }
    protected override snapLink(params: URLSearchParams): void {
      snapParam(params, 'steps', (raw) => (raw === null ? undefined : Number(raw) < 15 ? '10' : '20'));
    }
    protected linkRead(raw: URLSearchParams, params: URLSearchParams): void {
      this.reads.push([raw.toString(), params.toString()]);
    }
  }

  it('reads the link once, snapped before it is read, and hands linkRead both the link and its snapped copy', () => {
    const page = new Page();
    page.connect('?seed=300&steps=12');
    expect(page.url.values).toEqual({ seed: 99, steps: '10' });
    expect(page.reads).toEqual([['seed=300&steps=12', 'seed=300&steps=10']]);
    page.connect('?seed=3');
    expect(page.url.values.seed).toBe(99);
    expect(page.reads).toHaveLength(1);
    page.dispose();
  });
});
