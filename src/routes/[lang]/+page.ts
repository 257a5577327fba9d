// /<lang>/: one index per course language, all prerendered.
import { LANGS } from '$lib/i18n/lang';
import type { EntryGenerator } from './$types';

export const entries: EntryGenerator = () => LANGS.map((lang) => ({ lang }));
