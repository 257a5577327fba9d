// A lesson page's state, the part the lessons with models share: the settings mirrored into the URL
// (design.md, "State the reader can share") and read once from the link after mount, odd grid values
// snapped first so a hand-edited link still opens a view the widgets offer; the models' manifests fetched
// once; and runs numbered per kind, so a run that is no longer the latest stops touching the page.
import { replaceState } from '$app/navigation';
import { UrlState, type ParamSpec } from './url.svelte';

/** A model's manifest as the page has it: still coming, read (into the lesson's facts), or not on the site and why. */
export type ManifestState<F> = { status: 'loading' } | { status: 'ready'; facts: F } | { status: 'missing'; detail: string };

/** Fetches one manifest and reads it; a missing file, or one `read` refuses, is 'missing' with the reason. */
export async function fetchManifest<F>(file: string, read: (json: unknown, file: string) => F): Promise<Exclude<ManifestState<F>, { status: 'loading' }>> {
  try {
    const response = await fetch(file);
    if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
    return { status: 'ready', facts: read(await response.json(), file) };
  } catch (error) {
    return { status: 'missing', detail: error instanceof Error ? error.message : String(error) };
  }
}

/** Puts a link's value through `snap` (to the offered grid); one that snaps to nothing is dropped, so the default holds. */
export function snapParam(params: URLSearchParams, key: string, snap: (raw: string | null) => string | number | undefined): void {
  const value = snap(params.get(key));
  if (value === undefined) params.delete(key);
  else params.set(key, String(value));
}

/** Numbers each kind of run: a run asks `current()` after every await and stops once a newer one of its kind began. */
export class LatestRuns<K extends string> {
  readonly #n: Record<string, number> = {};

  /** Begins a run of this kind; the function answers whether it is still the latest. */
  start(kind: K): () => boolean {
    const n = this.#bump(kind);
    return () => this.#n[kind] === n;
  }

  /** Supersedes the runs in flight of these kinds without beginning others. */
  drop(...kinds: K[]): void {
    for (const kind of kinds) this.#bump(kind);
  }

  /** Supersedes every run (the page goes away). */
  dropAll(): void {
    for (const kind of Object.keys(this.#n)) this.#n[kind]++;
  }

  #bump(kind: K): number {
    this.#n[kind] = (this.#n[kind] ?? 0) + 1;
    return this.#n[kind];
  }
}

/** A lesson's settings in the URL, read from the link once. Subclasses snap grid values and react to the link read. */
export abstract class LessonPage<S extends Record<string, ParamSpec>> {
  readonly url: UrlState<S>;
  #connected = false;

  constructor(spec: S) {
    // eslint-disable-next-line svelte/no-navigation-without-resolve -- this page's own URL with new query values
    this.url = new UrlState(spec, { write: (url) => replaceState(this.linkUrl(url), {}) });
  }

  /** The URL as written: a lesson adds what its typed parameters cannot hold (a brush's cells). */
  protected linkUrl(url: URL): URL {
    return url;
  }

  /** Snaps a link's values to what the widgets offer before they are read (`params` is a copy, edited in place). */
  protected snapLink(params: URLSearchParams): void {
    void params;
  }

  /** After the read: `raw` is the link as given, `params` as snapped (to note what changed, to read what no parameter holds, to fetch). */
  protected abstract linkRead(raw: URLSearchParams, params: URLSearchParams): void;

  /** Reads the page URL once after mount (odd values snapped), then linkRead. */
  connect(search: string = location.search): void {
    if (this.#connected) return;
    this.#connected = true;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once here, never rendered
    const raw = new URLSearchParams(search);
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once here, never rendered
    const params = new URLSearchParams(raw);
    this.snapLink(params);
    this.url.readFrom(params);
    this.linkRead(raw, params);
  }

  /** Drops a pending URL write; subclasses stop their runs first. */
  dispose(): void {
    this.url.dispose();
  }
}
