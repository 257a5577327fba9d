// The course's languages. A route's `lang` parameter is one of these; anything else is a 404.
export const LANGS = ['en', 'vi'] as const;
export type Lang = (typeof LANGS)[number];

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/** Strings of one UI area in every language; the type makes a missing translation a compile error. */
export type Translations<K extends string> = Record<Lang, Record<K, string>>;
