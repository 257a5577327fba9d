// The reader's answers to each lesson's "check yourself" questions, kept in localStorage beside the
// reading progress (progress.svelte.ts) and forgotten with it. Per lesson, not per language: a question
// answered in English stays answered in Vietnamese, as reading a lesson once counts in both.
import { browserStorage, type KeyValueStore } from './progress.svelte';

/** Versioned so a later format can ignore (not misread) what this one wrote. */
export const ANSWERS_KEY = 'noisebook:answers:v1';

/** slug → question id → the id of the choice the reader picked last. */
export type AnswerBook = Record<string, Record<string, string>>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What storage held, keeping only well-formed entries (a hand-edited or older value must not crash a page). */
export function parseAnswers(raw: string | null): AnswerBook {
  if (raw === null) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return {};
  }
  if (!isRecord(parsed)) return {};
  const book: AnswerBook = {};
  for (const [slug, lesson] of Object.entries(parsed)) {
    if (!isRecord(lesson)) continue;
    const kept = Object.entries(lesson).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
    if (kept.length > 0) book[slug] = Object.fromEntries(kept);
  }
  return book;
}

export class Answers {
  book = $state<AnswerBook>({});
  #store: KeyValueStore | null;

  constructor(store: KeyValueStore | null) {
    this.#store = store;
  }

  /**
   * Reads what earlier visits stored. After mount, like Progress.load, so the first client render
   * matches the prerendered page (which shows every question unanswered).
   */
  load(): void {
    try {
      this.book = parseAnswers(this.#store?.getItem(ANSWERS_KEY) ?? null);
    } catch {
      // Storage that throws on read (blocked): answers live for this visit only.
    }
  }

  /** The lesson's answers so far (question id → choice id). */
  of(slug: string): Readonly<Record<string, string>> {
    return this.book[slug] ?? {};
  }

  /** Records a choice; a later choice replaces an earlier one, so a reader can try again. */
  choose(slug: string, question: string, choice: string): void {
    this.book = { ...this.book, [slug]: { ...this.of(slug), [question]: choice } };
    try {
      this.#store?.setItem(ANSWERS_KEY, JSON.stringify(this.book));
    } catch {
      // Quota exceeded or storage blocked: keep the answer for this visit, in memory only.
    }
  }

  /** Forgets every answer, in memory and in storage (the index's "forget my progress"). */
  reset(): void {
    this.book = {};
    try {
      this.#store?.removeItem(ANSWERS_KEY);
    } catch {
      // Storage unavailable: nothing was persisted there either.
    }
  }
}

/** The one answer book of this browser tab; the root layout loads it beside the progress. */
export const answers = new Answers(browserStorage());
