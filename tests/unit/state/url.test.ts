import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coerceParam, enumParam, intParam, parseParam, UrlState } from '../../../src/lib/state/url.svelte';

const spec = {
  t: intParam(0, 1000, 250),
  schedule: enumParam(['linear', 'cosine'] as const, 'linear'),
  seed: intParam(1, 99999, 1),
};

describe('parseParam', () => {
  it('reads integers and clamps them into range', () => {
    expect(parseParam(spec.t, '400')).toBe(400);
    expect(parseParam(spec.t, '5000')).toBe(1000);
    expect(parseParam(spec.t, '-3')).toBe(0);
    expect(parseParam(spec.t, '7.6')).toBe(8);
  });

  it('ignores malformed values', () => {
    expect(parseParam(spec.t, 'abc')).toBeUndefined();
    expect(parseParam(spec.t, '')).toBeUndefined();
    expect(parseParam(spec.t, null)).toBeUndefined();
    expect(parseParam(spec.t, 'Infinity')).toBeUndefined();
    expect(parseParam(spec.schedule, 'quadratic')).toBeUndefined();
    expect(parseParam(spec.schedule, 'cosine')).toBe('cosine');
  });
});

describe('coerceParam', () => {
  it('rejects a string for an int and a number for an enum', () => {
    expect(coerceParam(spec.t, '3')).toBeUndefined();
    expect(coerceParam(spec.schedule, 3)).toBeUndefined();
  });
});

describe('UrlState', () => {
  let written: URL[];
  let href: string;
  const make = () =>
    new UrlState(spec, {
      debounceMs: 100,
      write: (url) => {
        written.push(url);
        href = url.href;
      },
      currentUrl: () => href,
    });

  beforeEach(() => {
    vi.useFakeTimers();
    written = [];
    href = 'https://x.test/en/adding-noise/?other=1';
  });
  afterEach(() => vi.useRealTimers());

  it('starts at the initial values', () => {
    expect(make().values).toEqual({ t: 250, schedule: 'linear', seed: 1 });
  });

  it('reads a shared link, keeping valid values and ignoring malformed ones', () => {
    const state = make();
    state.readFrom('?t=400&schedule=cosine&seed=7');
    expect(state.values).toEqual({ t: 400, schedule: 'cosine', seed: 7 });
    state.readFrom('?t=99999&schedule=nope&seed=x');
    expect(state.values).toEqual({ t: 1000, schedule: 'cosine', seed: 7 });
  });

  it('clamps values set by a widget and ignores invalid ones', () => {
    const state = make();
    expect(state.set('t', 1200)).toBe(1000);
    expect(state.set('t', NaN)).toBe(1000);
    expect(state.set('schedule', 'bogus')).toBe('linear');
  });

  it('writes the URL once after a burst of changes, keeping other parameters', () => {
    const state = make();
    for (let t = 300; t < 320; t++) state.set('t', t);
    state.set('schedule', 'cosine');
    expect(written).toHaveLength(0);
    vi.advanceTimersByTime(100);
    expect(written).toHaveLength(1);
    const params = written[0].searchParams;
    expect(params.get('t')).toBe('319');
    expect(params.get('schedule')).toBe('cosine');
    expect(params.get('other')).toBe('1');
    expect(params.get('seed')).toBe('1'); // unchanged values go in too: the link stays exact
  });

  it('writes nothing when a set leaves the value as it was', () => {
    const state = make();
    state.set('t', 250);
    vi.advanceTimersByTime(1000);
    expect(written).toHaveLength(0);
  });

  it('does not write after dispose', () => {
    const state = make();
    state.set('t', 500);
    state.dispose();
    vi.advanceTimersByTime(1000);
    expect(written).toHaveLength(0);
  });

  it('outside a browser (no location) a pending write is dropped, not thrown from a timer', () => {
    expect(globalThis.location).toBeUndefined();
    const written: string[] = [];
    const state = new UrlState(spec, { write: (url) => written.push(url.href) });
    state.set('t', 400);
    expect(() => vi.advanceTimersByTime(1000)).not.toThrow();
    expect(written).toHaveLength(0);
    expect(state.get('t')).toBe(400);
  });
});
