// Every page under /<lang>/: a language the course does not have is a 404, before any page loads.
import { error } from '@sveltejs/kit';
import { isLang } from '$lib/i18n/lang';
import type { LayoutLoad } from './$types';

export const load: LayoutLoad = ({ params }) => {
  if (!isLang(params.lang)) error(404, `No language "${params.lang}"`);
  return { lang: params.lang };
};
