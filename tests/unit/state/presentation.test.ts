import { afterEach, describe, expect, it, vi } from 'vitest';

const replaceState = vi.fn();
vi.mock('$app/navigation', () => ({ replaceState }));
const { Presentation } = await import('../../../src/lib/state/presentation.svelte');

afterEach(() => {
  vi.unstubAllGlobals();
  replaceState.mockClear();
});

/** Stand-ins for widget elements: `order` is their place in the page. */
function element(order: number): HTMLElement {
  return {
    order,
    compareDocumentPosition: (other: { order: number }) => (other.order > order ? 4 : 2),
  } as unknown as HTMLElement;
}

describe('Presentation', () => {
  it('keeps registered widgets in page order, whatever order they register in', () => {
    vi.stubGlobal('Node', { DOCUMENT_POSITION_FOLLOWING: 4 });
    const p = new Presentation();
    p.register({ id: 'c', element: element(3), handlers: {} });
    p.register({ id: 'a', element: element(1), handlers: {} });
    p.register({ id: 'b', element: element(2), handlers: {} });
    expect(p.widgets.map((w) => w.id)).toEqual(['a', 'b', 'c']);
  });

  it('writes ?present=<id> into the page URL, keeping the widget\'s own parameters, and removes it on leaving', () => {
    vi.stubGlobal('Node', { DOCUMENT_POSITION_FOLLOWING: 4 });
    vi.stubGlobal('location', { href: 'http://x/en/adding-noise/?t=400&schedule=cosine' });
    const p = new Presentation();
    p.register({ id: 'noise-at-scales', element: element(1), handlers: {} });
    p.open('noise-at-scales');
    expect(p.current?.id).toBe('noise-at-scales');
    const opened = replaceState.mock.calls.at(-1)?.[0] as URL;
    expect(opened.search).toBe('?t=400&schedule=cosine&present=noise-at-scales');
    vi.stubGlobal('location', { href: opened.href });
    p.close();
    expect(p.current).toBeNull();
    expect((replaceState.mock.calls.at(-1)?.[0] as URL).search).toBe('?t=400&schedule=cosine');
  });

  it('reads the mode and the contrast from a bookmarked link, and shows the widget once it registers', () => {
    vi.stubGlobal('Node', { DOCUMENT_POSITION_FOLLOWING: 4 });
    const p = new Presentation();
    p.readFrom('?t=400&present=b&contrast=high');
    expect(p.current).toBeNull();
    expect(p.highContrast).toBe(true);
    p.register({ id: 'b', element: element(2), handlers: {} });
    expect(p.current?.id).toBe('b');
  });

  it('moves to the next and previous widget and stops at the ends', () => {
    vi.stubGlobal('Node', { DOCUMENT_POSITION_FOLLOWING: 4 });
    vi.stubGlobal('location', { href: 'http://x/en/l/' });
    const p = new Presentation();
    for (const [i, id] of ['a', 'b'].entries()) p.register({ id, element: element(i), handlers: {} });
    p.open('a');
    p.move(1);
    expect(p.current?.id).toBe('b');
    expect(p.neighbour(1)).toBeNull();
    p.move(1);
    expect(p.current?.id).toBe('b');
    p.move(-1);
    expect(p.current?.id).toBe('a');
  });

  it('stops what a widget started when it leaves the page', () => {
    vi.stubGlobal('Node', { DOCUMENT_POSITION_FOLLOWING: 4 });
    const dispose = vi.fn();
    const p = new Presentation();
    const unregister = p.register({ id: 'a', element: element(1), handlers: { dispose } });
    unregister();
    expect(dispose).toHaveBeenCalledOnce();
    expect(p.widgets).toEqual([]);
  });
});
