// /<lang>/<slug>/: loads lessons/<lang>/<slug>.svx. Only lessons written in that language are
// prerendered; any other slug is a 404 (on the static site, the 404.html fallback renders it).
import { browser } from '$app/environment';
import { error } from '@sveltejs/kit';
import { findLesson, lessonNumber, neighbours } from '$lib/i18n/catalog';
import { isLang } from '$lib/i18n/lang';
import { existingLessons, lessonExists, loadLesson } from '../../lesson-files';
import type { EntryGenerator, PageLoad } from './$types';

export const entries: EntryGenerator = () => existingLessons();

// With no lesson file at all, a prerendered route with no entries fails the build ("not found while
// crawling"); 'auto' lets the course shell build on its own, lessons still resolve via 404.html.
export const prerender = existingLessons().length > 0 ? true : 'auto';

export const load: PageLoad = async ({ params }) => {
  const { lang, slug } = params;
  if (!isLang(lang)) error(404, `No language "${lang}"`);
  const lesson = findLesson(slug);
  // Imported on demand: lessons without models never load the engine's client.
  if (browser) void import('./opening-models').then((m) => m.startOpeningModels(slug));
  const component = await loadLesson(lang, slug);
  if (lesson === undefined || component === undefined) error(404, `No lesson "${slug}" in "${lang}"`);
  return {
    lang,
    lesson,
    component,
    number: lessonNumber(slug),
    ...neighbours(slug, (other) => lessonExists(lang, other)),
  };
};
