// The shell's UI strings: every key translated (not copied) and placeholders filled.
import { describe, expect, it } from 'vitest';
import { LANGS } from '../../../src/lib/i18n/lang';
import { fill, ui } from '../../../src/lib/i18n/ui';

describe('ui strings', () => {
  it('have the same keys and no empty string in every language', () => {
    const keys = Object.keys(ui.en).sort();
    for (const lang of LANGS) {
      expect(Object.keys(ui[lang]).sort()).toEqual(keys);
      for (const key of keys) expect(ui[lang][key as keyof typeof ui.en].trim(), `${lang}.${key}`).not.toBe('');
    }
  });

  it('are actually translated into Vietnamese, not left in English', () => {
    for (const key of Object.keys(ui.en) as (keyof typeof ui.en)[]) {
      expect(ui.vi[key], key).not.toBe(ui.en[key]);
    }
  });

  it('use the same placeholders in every language', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(ui.en) as (keyof typeof ui.en)[]) {
      expect(placeholders(ui.vi[key]), key).toEqual(placeholders(ui.en[key]));
    }
  });
});

describe('fill', () => {
  it('replaces every placeholder with its value', () => {
    expect(fill(ui.en.lessonOf, { n: 2, total: 6 })).toBe('Lesson 2 of 6');
    expect(fill(ui.vi.lessonOf, { n: 2, total: 6 })).toBe('Bài 2 trong số 6');
  });

  it('leaves a placeholder without a value visible', () => {
    expect(fill('{a} and {b}', { a: 'x' })).toBe('x and {b}');
  });
});
