// Reading progress: which lessons the reader has opened and which they read to the end, kept in
// localStorage so the course index can show it. Per lesson, not per language: reading it once counts.

export type LessonStatus = 'visited' | 'finished';

/** The part of the Web Storage API this class uses; tests pass a fake. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Versioned so a later format can ignore (not misread) what this one wrote. */
export const PROGRESS_KEY = 'noisebook:progress:v1';

const RANK: Record<LessonStatus, number> = { visited: 1, finished: 2 };

function isStatus(value: unknown): value is LessonStatus {
  return value === 'visited' || value === 'finished';
}

export class Progress {
  /** slug → status; a slug absent here has not been opened. */
  statuses = $state<Record<string, LessonStatus>>({});
  #store: KeyValueStore | null;

  constructor(store: KeyValueStore | null) {
    this.#store = store;
  }

  /**
   * Reads what earlier visits stored. Called after mount rather than in the constructor, so the
   * first client render matches the prerendered HTML (which cannot know the reader's progress).
   * Storage that throws (private mode, blocked cookies) or holds garbage leaves the state as it is.
   */
  load(): void {
    let raw: string | null = null;
    try {
      raw = this.#store?.getItem(PROGRESS_KEY) ?? null;
    } catch {
      return;
    }
    if (raw === null) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
    const next: Record<string, LessonStatus> = {};
    for (const [slug, status] of Object.entries(parsed)) if (isStatus(status)) next[slug] = status;
    this.statuses = next;
  }

  status(slug: string): LessonStatus | undefined {
    return this.statuses[slug];
  }

  /** Opening a lesson marks it visited; a finished lesson stays finished. */
  markVisited(slug: string): void {
    this.#raise(slug, 'visited');
  }

  /** Reaching the end of a lesson marks it finished. */
  markFinished(slug: string): void {
    this.#raise(slug, 'finished');
  }

  /** Forgets all progress, in memory and in storage. */
  reset(): void {
    this.statuses = {};
    try {
      this.#store?.removeItem(PROGRESS_KEY);
    } catch {
      // Storage unavailable: nothing was persisted there either.
    }
  }

  /** Progress only moves forward: visited → finished, never back. */
  #raise(slug: string, status: LessonStatus): void {
    const current = this.statuses[slug];
    if (current !== undefined && RANK[current] >= RANK[status]) return;
    this.statuses = { ...this.statuses, [slug]: status };
    try {
      this.#store?.setItem(PROGRESS_KEY, JSON.stringify(this.statuses));
    } catch {
      // Quota exceeded or storage blocked: keep the progress for this visit, in memory only.
    }
  }
}

/** window.localStorage, or null where there is none (SSR) or merely touching it throws (some privacy modes). */
export function browserStorage(): KeyValueStore | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}

/** The one progress record of this browser tab; the root layout calls `load()` once mounted. */
export const progress = new Progress(browserStorage());
