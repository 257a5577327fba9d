import { describe, expect, it } from 'vitest';
import { ENGINE_ERROR_CODES } from '../../../src/lib/engine/protocol';
import { engineErrors } from '../../../src/lib/i18n/engine';
import { LANGS } from '../../../src/lib/i18n/lang';

describe('engine error messages', () => {
  it('every fault code has a non-empty message in every language', () => {
    for (const lang of LANGS) for (const code of ENGINE_ERROR_CODES) expect(engineErrors[lang][code].trim().length).toBeGreaterThan(10);
  });

  it('each language uses the same placeholders as English for every code', () => {
    const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const code of ENGINE_ERROR_CODES) for (const lang of LANGS) expect(holes(engineErrors[lang][code])).toEqual(holes(engineErrors.en[code]));
  });

  it('the Vietnamese messages are not the English ones', () => {
    for (const code of ENGINE_ERROR_CODES) expect(engineErrors.vi[code]).not.toBe(engineErrors.en[code]);
  });
});
