/**
 * Log-space arithmetic and the special functions the accountants need, in float64.
 *
 * erfc and the scaled erfcx come from stdlib (`@stdlib/math-base-special-erfc`, `-erfcx`), which are
 * accurate to a few ulps over the whole real line; everything here only rearranges them so that no
 * tail probability underflows or loses relative precision.
 */
import erfc from '@stdlib/math-base-special-erfc';
import erfcx from '@stdlib/math-base-special-erfcx';

const LN2 = Math.LN2;
const SQRT1_2 = Math.SQRT1_2;

/** log(e^a + e^b), exact for infinite arguments. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = a > b ? a : b;
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** log(e^a − e^b) for a ≥ b; −∞ when a = b. */
export function logSubExp(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (b > a) return NaN;
  if (a === b) return -Infinity;
  return a + log1mExp(b - a);
}

/** log(1 − e^x) for x ≤ 0 (Mächler 2012: expm1 branch near 0, log1p branch far from 0). */
export function log1mExp(x: number): number {
  if (x > 0) return NaN;
  return x > -LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/** log(e^x − 1) for x > 0, accurate for small and large x. */
export function logExpm1(x: number): number {
  if (x <= 0) return x === 0 ? -Infinity : NaN;
  return x > 36 ? x + Math.log1p(-Math.exp(-x)) : Math.log(Math.expm1(x));
}

/** log Σ exp(values), max-shifted. */
export function logSumExp(values: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += Math.exp(values[i] - m);
  return m + Math.log(s);
}

/** log erfc(x) for all real x without underflow: erfcx(x) = e^{x²}·erfc(x) for x > 0. */
export function logErfc(x: number): number {
  if (x <= 0.5) return Math.log(erfc(x));
  return Math.log(erfcx(x)) - x * x;
}

/** log Φ(x), Φ the standard normal CDF. */
export function logNdtr(x: number): number {
  return logErfc(-x * SQRT1_2) - LN2;
}

/** log(1 − Φ(x)) = log Φ(−x). */
export function logNdtrUpper(x: number): number {
  return logErfc(x * SQRT1_2) - LN2;
}

/** Φ(x), the standard normal CDF, accurate in the lower tail. */
export function ndtr(x: number): number {
  return 0.5 * erfc(-x * SQRT1_2);
}

/** Natural log of the standard normal density. */
export function logNormalPdf(t: number): number {
  return -0.5 * t * t - 0.5 * Math.log(2 * Math.PI);
}
