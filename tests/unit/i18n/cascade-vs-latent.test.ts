// Lesson 6's strings: every language fills the same placeholders for every key (a Vietnamese sentence that
// dropped {r} would print the ratio in English only), and no string is left empty.
import { describe, expect, it } from 'vitest';
import { cascadeVsLatent } from '../../../src/lib/i18n/cascade-vs-latent';
import { LANGS } from '../../../src/lib/i18n/lang';

const holes = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('lesson 6 strings', () => {
  it('say the same things in every language: the same placeholders, none empty', () => {
    for (const key of Object.keys(cascadeVsLatent.en) as (keyof typeof cascadeVsLatent.en)[]) {
      for (const lang of LANGS) {
        expect(cascadeVsLatent[lang][key].trim(), `${lang}.${key}`).not.toBe('');
        expect(holes(cascadeVsLatent[lang][key]), `${lang}.${key}`).toEqual(holes(cascadeVsLatent.en[key]));
      }
    }
  });
});
