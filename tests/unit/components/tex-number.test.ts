// texNumberHtml must write exactly what KaTeX writes for every number formatTex produces: the live
// formula of lesson 1 swaps these strings into KaTeX's own markup, so any drift would show on screen.
import { describe, expect, test } from 'vitest';
import katex from 'katex';
import { texNumberHtml } from '$lib/components/tex-number';
import { fillSlots, katexOptions, texSlot } from '$lib/components/typeset';
import { formatTex } from '$lib/viz/format';

/** The inner HTML KaTeX gives slot "v" in `math` (a formula holding texSlot('v')), typeset for the browser. */
function katexSlotHtml(math: string, value: string): string {
  const html = katex.renderToString(fillSlots(math, { v: value }), katexOptions(true, true));
  const host = html.indexOf('data-nb-slot="v">');
  expect(host, `slot in ${html}`).toBeGreaterThan(0);
  // Walk the spans after the slot's opening tag until its closing tag balances it.
  let depth = 1;
  let i = host + 'data-nb-slot="v">'.length;
  const start = i;
  while (depth > 0) {
    const open = html.indexOf('<span', i);
    const close = html.indexOf('</span>', i);
    if (open !== -1 && open < close) {
      depth++;
      i = open + 5;
    } else {
      depth--;
      i = close + 7;
    }
  }
  return html.slice(start, i - 7);
}

// Values across the ranges lesson 1 shows: √ᾱ, 1−ᾱ and SNR from 1e-9 to 1e6, zero, ∞, negatives.
const VALUES = [0, 1, 0.703, 0.0835, 0.00156, 0.000999, 1e-4, 3.6e-4, 2.43e-6, 4.12e-9, 1.1, 2780, 10000, 99999, 1e5, 2.5e6, 1e12, -0.5, -3e-7, Infinity];

describe('texNumberHtml', () => {
  test.each(VALUES.map((x) => [formatTex(x)]))('matches KaTeX for %s in display style', (tex) => {
    expect(texNumberHtml(tex)).toBe(katexSlotHtml(String.raw`a = \underbrace{${texSlot('v')}}_{b}\,c = ${texSlot('w')}`, tex));
  });

  test('matches KaTeX at the top level of a formula too (where KaTeX breaks lines into bases)', () => {
    for (const x of [0.5, 2.43e-6, Infinity]) {
      expect(texNumberHtml(formatTex(x))).toBe(katexSlotHtml(String.raw`\mathrm{SNR} = ${texSlot('v')}`, formatTex(x)));
    }
  });

  test.each([['0'], ['7'], ['400'], ['1000']])('matches KaTeX for the step %s in a subscript', (tex) => {
    expect(texNumberHtml(tex, true)).toBe(katexSlotHtml(String.raw`x_{${texSlot('v')}}`, tex));
  });

  test('declines what it does not know, so the caller falls back to KaTeX', () => {
    expect(texNumberHtml(String.raw`\frac{1}{2}`)).toBeNull();
    expect(texNumberHtml('1.2\\cdot 10^{-4}', true)).toBeNull();
    expect(texNumberHtml('-3', true)).toBeNull();
    expect(texNumberHtml('<b>1</b>')).toBeNull();
  });
});

describe('fillSlots', () => {
  test('puts each value into every slot of its name and leaves unknown slots empty', () => {
    const math = String.raw`x_{${texSlot('t')}} = ${texSlot('a')} + y_{${texSlot('t')}} + ${texSlot('z')}`;
    expect(fillSlots(math, { t: '4', a: '1.2\\cdot 10^{-4}' })).toBe(
      String.raw`x_{\htmlData{nb-slot=t}{4}} = \htmlData{nb-slot=a}{1.2\cdot 10^{-4}} + y_{\htmlData{nb-slot=t}{4}} + \htmlData{nb-slot=z}{}`,
    );
  });

  test('a filled formula typesets without a KaTeX error and marks its slots', () => {
    const html = katex.renderToString(fillSlots(String.raw`x_{${texSlot('t')}} = ${texSlot('a')}`, { t: '9', a: '0.5' }), katexOptions(true, true));
    expect(html).not.toContain('katex-error');
    expect(html.match(/data-nb-slot="t"/g)).toHaveLength(1);
    expect(html.match(/data-nb-slot="a"/g)).toHaveLength(1);
    expect(html).not.toContain('<math'); // slotted formulas carry no MathML (it would go stale)
  });
});
