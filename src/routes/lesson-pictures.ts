// The small picture each lesson shows on the course index: one WebP per lesson under static/lessons/,
// drawn once by `npx tsx scripts/lesson-pictures.ts` from what the course's own models make, and committed
// (a few kB each; the service worker stores them with the rest of static/, so the index works offline).
// Their alt text is in the catalog (src/lib/i18n/catalog.ts `picture`), in every language.

/** The size the index shows a picture at, CSS pixels; the files hold twice as many for sharp high-DPI screens. */
export const LESSON_PICTURE_SIZE = { width: 144, height: 88 } as const;

/** The path of a lesson's picture under static/ (and under the site's base path when built). */
export function lessonPicturePath(slug: string): `/${string}` {
  return `/lessons/${slug}.webp`;
}
