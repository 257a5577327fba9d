import { describe, expect, it } from 'vitest';
import { ENGINE_ERROR_CODES } from '../../../src/lib/engine/protocol';
import { faultSentence } from '../../../src/lib/i18n/engine';
import { LANGS } from '../../../src/lib/i18n/lang';

describe('faultSentence', () => {
  it('fills every placeholder in every language, with or without a known backend and model', () => {
    for (const lang of LANGS)
      for (const code of ENGINE_ERROR_CODES)
        for (const context of [{ model: 'base-64', backend: 'wasm' as const }, { model: null, backend: null }]) expect(faultSentence(lang, code, context)).not.toMatch(/\{\w+\}/);
  });

  it('names the model and the backend in the reader’s words', () => {
    expect(faultSentence('en', 'model-missing', { model: 'base-64', backend: null })).toContain('“base-64”');
    expect(faultSentence('en', 'context-lost', { model: null, backend: 'wasm' })).toContain('WebAssembly');
    expect(faultSentence('vi', 'context-lost', { model: null, backend: 'cpu' })).toContain('JavaScript thuần');
    expect(faultSentence('vi', 'nan-output', { model: null, backend: null })).toContain('một nền tảng khác');
  });
});
