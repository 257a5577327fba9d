// Numbers as a reader should see them next to a slider: a few significant digits, scientific notation
// only where plain digits would hide the value (SNR spans 1e-9 … 1e4 across a schedule), ∞ for t = 0.

/** `x` with `digits` significant digits; exponent form below 1e-3 and at or above 1e5. */
export function formatNumber(x: number, digits = 3): string {
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (Number.isNaN(x)) return '–';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  let text: string;
  if (abs < 1e-3 || abs >= 1e5) {
    const [mantissa, exponent] = x.toExponential(digits - 1).split('e');
    text = `${Number(mantissa)}·10${superscript(Number(exponent))}`;
  } else {
    text = String(Number(x.toPrecision(digits)));
  }
  return text.replace('-', '−');
}

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** An integer exponent as Unicode superscript digits: −7 → ⁻⁷. */
function superscript(n: number): string {
  const digits = Array.from(String(Math.abs(n)), (d) => SUPERSCRIPT[Number(d)]).join('');
  return (n < 0 ? '⁻' : '') + digits;
}

/** `formatNumber` as TeX: 1.2\cdot10^{-4}, \infty. For numbers substituted into formulas. */
export function formatTex(x: number, digits = 3): string {
  if (x === Infinity) return '\\infty';
  if (Number.isNaN(x)) return '-';
  const abs = Math.abs(x);
  if (x !== 0 && (abs < 1e-3 || abs >= 1e5)) {
    const [mantissa, exponent] = x.toExponential(digits - 1).split('e');
    return `${Number(mantissa)}\\cdot 10^{${Number(exponent)}}`;
  }
  return formatNumber(x, digits).replace('−', '-');
}

/** Decibels of a power ratio (10·log10), as PSNR is reported. */
export function formatDb(db: number): string {
  return db === Infinity ? '∞ dB' : `${db.toFixed(1).replace('-', '−')} dB`;
}
