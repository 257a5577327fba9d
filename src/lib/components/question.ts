// "Check yourself": the shape of one question at the end of a lesson and the rules that grade it.
// A lesson's questions are data (src/lib/widgets/questions/<slug>.ts); CheckYourself.svelte shows any
// list of them, so every lesson asks, answers and points back the same way.
import type { Lang } from '$lib/i18n/lang';
import { formatNumber } from '$lib/viz/format';

/** One text in every course language; the type makes a missing translation a compile error. */
export type Localized = Record<Lang, string>;

export interface Choice {
  /** Stable id: what the reader's answer is stored as, so rewording a choice keeps old answers. */
  id: string;
  text: Localized;
}

export interface Question {
  /** Stable id within the lesson (the storage key of the answer). */
  id: string;
  /** 'predict': answer first, then run the widget and see; 'choose': answered from the lesson's numbers. */
  kind: 'choose' | 'predict';
  prompt: Localized;
  choices: Choice[];
  /** The id of the right choice. */
  answer: string;
  /** Shown once answered, right or wrong: why the right answer is right. */
  why: Localized;
  /** The part of the lesson that explains it: a heading's id in the lesson page, and its title. */
  see: { anchor: string; section: Localized };
  /** For 'predict': what to do in the widget to see it happen, and optionally a way to set it up. */
  tryIt?: { say: Localized; anchor: string; apply?: () => void };
}

/** True when `choice` is the question's right answer; undefined (not answered) is not right. */
export function isRight(question: Question, choice: string | undefined): boolean {
  return choice !== undefined && choice === question.answer;
}

/** How many of the questions the stored answers get right (answers to unknown ids are ignored). */
export function score(questions: readonly Question[], answers: Readonly<Record<string, string>>): number {
  return questions.filter((q) => isRight(q, answers[q.id])).length;
}

/**
 * The problems of a lesson's question list, as readable lines (empty when sound): 3 to 5 questions,
 * unique ids, every answer one of its choices, no two choices alike in any language, every text filled.
 * Tests run it on every lesson's list, so a slip in the data fails a test instead of confusing a reader.
 */
export function problemsOf(questions: readonly Question[], langs: readonly Lang[]): string[] {
  const problems: string[] = [];
  if (questions.length < 3 || questions.length > 5) problems.push(`${questions.length} questions (want 3 to 5)`);
  const ids = questions.map((q) => q.id);
  for (const id of new Set(ids)) if (ids.filter((other) => other === id).length > 1) problems.push(`question id "${id}" repeats`);
  for (const q of questions) {
    if (q.choices.length < 2) problems.push(`${q.id}: fewer than two choices`);
    if (!q.choices.some((c) => c.id === q.answer)) problems.push(`${q.id}: answer "${q.answer}" is not a choice`);
    const texts: Localized[] = [q.prompt, q.why, q.see.section, ...q.choices.map((c) => c.text)];
    if (q.tryIt) texts.push(q.tryIt.say);
    for (const lang of langs) {
      if (texts.some((text) => text[lang].trim() === '')) problems.push(`${q.id}: an empty ${lang} text`);
      const shown = q.choices.map((c) => c.text[lang]);
      if (new Set(shown).size !== shown.length) problems.push(`${q.id}: two ${lang} choices read the same`);
    }
    if (q.kind === 'predict' && !q.tryIt) problems.push(`${q.id}: a prediction with nothing to run`);
  }
  return problems;
}

/** A figure as the reader's language writes it: 0.99 in English, 0,99 in Vietnamese (as the lessons do). */
export function localNumber(x: number, lang: Lang, digits = 3): string {
  const text = formatNumber(x, digits);
  return lang === 'vi' ? text.replace('.', ',') : text;
}

/** A share as a whole percentage in the reader's language: 0.989 → "99%" (both languages write it so). */
export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
