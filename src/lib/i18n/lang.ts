// The course's languages. A route's `lang` parameter is one of these; anything else is a 404.
export const LANGS = ['en', 'vi'] as const;
export type Lang = (typeof LANGS)[number];

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/** Strings of one UI area in every language; the type makes a missing translation a compile error. */
export type Translations<K extends string> = Record<Lang, Record<K, string>>;

/**
 * The language a path is written in: its first segment when that is a course language, else 'en'.
 * Used where no route params exist (the <html lang> hook, the 404 page for an unknown path).
 */
export function langFromPath(pathname: string): Lang {
  const first = pathname.split('/').find((segment) => segment !== '');
  return isLang(first) ? first : 'en';
}
