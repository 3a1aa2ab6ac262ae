/**
 * The few log-space helpers and normal-distribution functions the audit statistics need, in float64.
 *
 * erfc, erfcx and erfcinv come from stdlib (`@stdlib/math-base-special-erfc`, `-erfcx`, `-erfcinv`),
 * accurate to a few ulps over their whole domain; everything here only rearranges them so that no tail
 * probability underflows or loses relative precision.
 */
import erfc from '@stdlib/math-base-special-erfc';
import erfcinv from '@stdlib/math-base-special-erfcinv';
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

/** log(1 − e^x) for x ≤ 0 (Mächler 2012: expm1 branch near 0, log1p branch far from 0). */
export function log1mExp(x: number): number {
  if (x > 0) return NaN;
  return x > -LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/** log(e^a − e^b) for a ≥ b; −∞ when a = b. */
export function logSubExp(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (b > a) return NaN;
  if (a === b) return -Infinity;
  return a + log1mExp(b - a);
}

/** log(1 + e^x) without overflow. */
export function log1pExp(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** log Φ(x), Φ the standard normal CDF, without underflow in the lower tail (erfcx(z) = e^{z²}·erfc(z)). */
export function logNdtr(x: number): number {
  const z = -x * SQRT1_2;
  if (z <= 0.5) return Math.log(erfc(z)) - LN2;
  return Math.log(erfcx(z)) - z * z - LN2;
}

/** Φ⁻¹(p) for p in [0, 1] as −√2·erfcinv(2p), accurate in the lower tail; ±∞ at 0 and 1. */
export function ndtri(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  return -Math.SQRT2 * erfcinv(2 * p);
}
