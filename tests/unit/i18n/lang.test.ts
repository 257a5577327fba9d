// Guessing the page language from a path, as the <html lang> hook and the 404 page do.
import { describe, expect, it } from 'vitest';
import { langFromPath } from '../../../src/lib/i18n/lang';

describe('langFromPath', () => {
  it('reads a course language from the first path segment', () => {
    expect(langFromPath('/vi/adding-noise/')).toBe('vi');
    expect(langFromPath('/en/')).toBe('en');
    expect(langFromPath('/vi')).toBe('vi');
  });

  it('falls back to English for the root, unknown languages and look-alike segments', () => {
    expect(langFromPath('/')).toBe('en');
    expect(langFromPath('/fr/adding-noise/')).toBe('en');
    expect(langFromPath('/video/')).toBe('en');
    expect(langFromPath('/adding-noise/vi/')).toBe('en');
  });
});
