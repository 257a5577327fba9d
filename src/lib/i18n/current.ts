// The language of the page being shown, for components and widgets: `const lang = $derived(currentLang())`.
// Read from the route (/<lang>/...), so a widget needs no prop to speak the reader's language.
import { page } from '$app/state';
import { isLang, langFromPath, type Lang } from './lang';

/** The current page's language: the `lang` route parameter, else the path's first segment, else 'en'. */
export function currentLang(): Lang {
  const fromParams = page.params.lang;
  return isLang(fromParams) ? fromParams : langFromPath(page.url.pathname);
}
