// Widget state that the reader can share: typed parameters mirrored into the page's query string
// (design.md, "State the reader can share"), so /en/adding-noise/?t=400&schedule=cosine reopens that view.
// A malformed or out-of-range value in a link is clamped or ignored; the widget always gets a valid value.

export interface IntParam {
  kind: 'int';
  min: number;
  max: number;
  initial: number;
}

export interface EnumParam<V extends string = string> {
  kind: 'enum';
  values: readonly V[];
  initial: V;
}

export type ParamSpec = IntParam | EnumParam;
type ValueOf<P> = P extends EnumParam<infer V> ? V : number;
export type ParamValues<S extends Record<string, ParamSpec>> = { [K in keyof S]: ValueOf<S[K]> };

/** An integer parameter in [min, max]; `initial` is clamped into range too. */
export function intParam(min: number, max: number, initial: number): IntParam {
  if (!(Number.isInteger(min) && Number.isInteger(max) && min <= max)) {
    throw new RangeError(`need integers min <= max, got [${min}, ${max}]`);
  }
  return { kind: 'int', min, max, initial: Math.min(max, Math.max(min, Math.round(initial))) };
}

/** One of a fixed list of strings. */
export function enumParam<V extends string>(values: readonly V[], initial: V): EnumParam<V> {
  if (!values.includes(initial)) throw new RangeError(`initial ${initial} is not one of ${values.join(', ')}`);
  return { kind: 'enum', values, initial };
}

/**
 * A value made valid for `spec`: numbers are rounded and clamped; an unknown enum value or a
 * non-finite number gives undefined (the caller keeps what it had).
 */
export function coerceParam<P extends ParamSpec>(spec: P, value: unknown): ValueOf<P> | undefined {
  if (spec.kind === 'int') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
    return Math.min(spec.max, Math.max(spec.min, Math.round(value))) as ValueOf<P>;
  }
  return (typeof value === 'string' && spec.values.includes(value) ? value : undefined) as ValueOf<P> | undefined;
}

/** A query-string value read for `spec`: '400' → 400, '5000' → max, 'abc' or '' → undefined. */
export function parseParam<P extends ParamSpec>(spec: P, raw: string | null): ValueOf<P> | undefined {
  if (raw === null || raw.trim() === '') return undefined;
  return coerceParam(spec, spec.kind === 'int' ? Number(raw) : raw);
}

export interface UrlStateOptions {
  /** Wait this long after the last change before writing the URL (default 250 ms): a dragged slider writes once. */
  debounceMs?: number;
  /** Replaces the page URL; the default uses history.replaceState. SvelteKit pages pass $app/navigation's. */
  write?: (url: URL) => void;
  /** The URL to merge into; defaults to location.href. */
  currentUrl?: () => string;
}

export class UrlState<S extends Record<string, ParamSpec>> {
  readonly spec: S;
  /** The current values, reactive ($state). Change them through set() so they stay valid. */
  values: ParamValues<S>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #debounceMs: number;
  #write: (url: URL) => void;
  #currentUrl: () => string;

  constructor(spec: S, options: UrlStateOptions = {}) {
    this.spec = spec;
    const initial = {} as ParamValues<S>;
    for (const key of Object.keys(spec) as (keyof S)[]) {
      initial[key] = spec[key].initial as ParamValues<S>[keyof S];
    }
    this.values = $state(initial);
    this.#debounceMs = options.debounceMs ?? 250;
    this.#write = options.write ?? ((url) => history.replaceState(history.state, '', url));
    // Outside a browser (prerendering, unit tests of lesson state) there is no URL to keep in step.
    this.#currentUrl = options.currentUrl ?? (() => globalThis.location?.href ?? '');
  }

  get<K extends keyof S>(key: K): ParamValues<S>[K] {
    return this.values[key];
  }

  /** Sets a value (clamped; ignored if invalid) and schedules a URL write. Returns the value kept. */
  set<K extends keyof S>(key: K, value: unknown): ParamValues<S>[K] {
    const valid = coerceParam(this.spec[key], value) as ParamValues<S>[K] | undefined;
    if (valid !== undefined && valid !== this.values[key]) {
      this.values[key] = valid;
      this.#schedule();
    }
    return this.values[key];
  }

  /** Takes every valid parameter from a query string (or URLSearchParams); the rest keep their values. */
  readFrom(search: string | URLSearchParams): void {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once here, never rendered
    const params = typeof search === 'string' ? new URLSearchParams(search) : search;
    for (const key of Object.keys(this.spec) as (keyof S & string)[]) {
      const value = parseParam(this.spec[key], params.get(key));
      if (value !== undefined) this.values[key] = value as ParamValues<S>[typeof key];
    }
  }

  /**
   * `url` with every parameter of this state set, other parameters kept. Initial values are written
   * too: a shared link must keep meaning the same view if a lesson's defaults change later.
   */
  toUrl(url: string): URL {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a value handed to the writer, never rendered
    const next = new URL(url);
    for (const key of Object.keys(this.spec) as (keyof S & string)[]) next.searchParams.set(key, String(this.values[key]));
    return next;
  }

  /** Writes the URL now if a write is pending. */
  flush(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const current = this.#currentUrl();
    if (current === '') return;
    const url = this.toUrl(current);
    if (url.href !== this.#currentUrl()) this.#write(url);
  }

  /** Drops a pending write (when the widget goes away). */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.flush(), this.#debounceMs);
  }
}
