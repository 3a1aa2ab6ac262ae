/**
 * The few log-space helpers and normal-distribution functions the audit statistics need, in float64.
 *
 * logAddExp, log1mExp, logSubExp and logNdtr are the accountant's (one implementation for privkit);
 * erfcinv comes from stdlib (`@stdlib/math-base-special-erfcinv`), accurate to a few ulps.
 */
import erfcinv from '@stdlib/math-base-special-erfcinv';

// The accountant's log-space helpers, shared rather than copied.
export { logAddExp, log1mExp, logSubExp, logNdtr } from '../../../accountant/_internals/logMath.js';

/** log(1 + e^x) without overflow. */
export function log1pExp(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** Φ⁻¹(p) for p in [0, 1] as −√2·erfcinv(2p), accurate in the lower tail; ±∞ at 0 and 1. */
export function ndtri(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  return -Math.SQRT2 * erfcinv(2 * p);
}
