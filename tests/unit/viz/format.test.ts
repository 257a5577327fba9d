import { describe, expect, it } from 'vitest';
import { formatDb, formatNumber, formatTex } from '../../../src/lib/viz/format';

describe('formatNumber', () => {
  it('keeps three significant digits in the plain range', () => {
    expect(formatNumber(0.70710678)).toBe('0.707');
    expect(formatNumber(124.4)).toBe('124');
    expect(formatNumber(1)).toBe('1');
  });

  it('switches to powers of ten for tiny and huge values, with a real minus sign', () => {
    expect(formatNumber(4.03e-5)).toBe('4.03·10⁻⁵');
    expect(formatNumber(2.56e5)).toBe('2.56·10⁵');
    expect(formatNumber(2.4e-10)).toBe('2.4·10⁻¹⁰');
    expect(formatNumber(-0.5)).toBe('−0.5');
  });

  it('writes infinity as ∞', () => {
    expect(formatNumber(Infinity)).toBe('∞');
  });
});

describe('formatTex', () => {
  it('writes exponents as TeX', () => {
    expect(formatTex(4.03e-5)).toBe('4.03\\cdot 10^{-5}');
    expect(formatTex(0.5)).toBe('0.5');
    expect(formatTex(Infinity)).toBe('\\infty');
  });
});

describe('formatDb', () => {
  it('shows one decimal and ∞ for identical images', () => {
    expect(formatDb(23.456)).toBe('23.5 dB');
    expect(formatDb(Infinity)).toBe('∞ dB');
  });
});
