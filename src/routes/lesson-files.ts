// Which lessons exist in which language, read from the lesson files themselves:
// lessons/<lang>/<slug>.svx exists ⇔ that lesson is readable in that language. No hand-kept flags.
import type { Component } from 'svelte';
import { LESSONS } from '$lib/i18n/catalog';
import { LANGS, type Lang } from '$lib/i18n/lang';

interface LessonModule {
  default: Component;
}

// Lazy glob: the keys tell us which files exist without loading any of them, and each lesson
// becomes its own chunk, so a page downloads only its own lesson's widgets (and their tfjs).
const loaders = import.meta.glob<LessonModule>('/lessons/*/*.svx');

function fileOf(lang: Lang, slug: string): string {
  return `/lessons/${lang}/${slug}.svx`;
}

/** True when lessons/<lang>/<slug>.svx exists and the slug is in the catalog. */
export function lessonExists(lang: Lang, slug: string): boolean {
  return fileOf(lang, slug) in loaders && LESSONS.some((lesson) => lesson.slug === slug);
}

/** Every readable (lang, slug) pair, in language then reading order: what gets prerendered. */
export function existingLessons(): { lang: Lang; slug: string }[] {
  return LANGS.flatMap((lang) =>
    LESSONS.filter((lesson) => lessonExists(lang, lesson.slug)).map((lesson) => ({ lang, slug: lesson.slug })),
  );
}

/** The lesson's compiled .svx component, or undefined when it does not exist in that language. */
export async function loadLesson(lang: Lang, slug: string): Promise<Component | undefined> {
  if (!lessonExists(lang, slug)) return undefined;
  const module = await loaders[fileOf(lang, slug)]();
  return module.default;
}
