// The HTML KaTeX 0.19 produces for the numbers formatTex writes (0.703, 1.2\cdot 10^{-4}, \infty),
// made without KaTeX, so a live formula can change its numbers in the browser without the 78 KB library.
// tests/unit/components/tex-number.test.ts checks every shape against KaTeX's own output.

/** Plain decimal, as formatTex writes it: 0, 0.703, 10000, -0.5. */
const DECIMAL = /^(-?)(\d+(?:\.\d+)?)$/;
/** Scientific form, as formatTex writes it: 1.2\cdot 10^{-4}, -3\cdot 10^{-7}. */
const SCIENTIFIC = /^(-?)(\d+(?:\.\d+)?)\\cdot 10\^\{(-?)(\d+)\}$/;

const MINUS = '−'; // KaTeX sets a TeX "-" as U+2212

/**
 * KaTeX's display-style HTML for `tex`, a number from formatTex, or null for anything else (the
 * caller then typesets with KaTeX itself). `tight`: inside a sub- or superscript (KaTeX's mtight),
 * where only plain non-negative numbers (the step t) are known here.
 */
export function texNumberHtml(tex: string, tight = false): string | null {
  const decimal = DECIMAL.exec(tex);
  if (decimal !== null) {
    const [, sign, digits] = decimal;
    if (tight) return sign === '' ? `<span class="mord mtight">${digits}</span>` : null;
    return unaryMinus(sign) + `<span class="mord">${digits}</span>`;
  }
  if (tight) return null;
  if (tex === '\\infty') return '<span class="mord">∞</span>';
  const scientific = SCIENTIFIC.exec(tex);
  if (scientific === null) return null;
  const [, mantissaSign, mantissa, sign, exponent] = scientific;
  // The superscript's vertical placement is the same for every exponent: its glyphs (digits and
  // the minus) never reach above a digit's height, which is what KaTeX's shift depends on.
  const power =
    (sign === '' ? '' : `<span class="mord mtight">${MINUS}</span>`) + `<span class="mord mtight">${exponent}</span>`;
  return (
    unaryMinus(mantissaSign) +
    `<span class="mord">${mantissa}</span>` +
    '<span class="mspace" style="margin-right:0.2222em;"></span><span class="mbin">⋅</span>' +
    '<span class="mspace" style="margin-right:0.2222em;"></span><span class="mord">1</span>' +
    '<span class="mord"><span class="mord">0</span><span class="msupsub"><span class="vlist-t"><span class="vlist-r">' +
    '<span class="vlist" style="height:0.8641em;"><span style="top:-3.113em;margin-right:0.05em;">' +
    '<span class="pstrut" style="height:2.7em;"></span><span class="katex-sizing reset-size6 size3 mtight">' +
    `<span class="mord mtight">${power}</span></span></span></span></span></span></span></span>`
  );
}

/** A leading minus is unary: KaTeX makes it an ordinary symbol of its own. */
function unaryMinus(sign: string): string {
  return sign === '' ? '' : `<span class="mord">${MINUS}</span>`;
}
