/**
 * The standard normal distribution in float64, in log space where its tails matter: log Φ, the inverse
 * Mills ratio φ/Φ and its derivative. erfc and the scaled erfcx come from stdlib
 * (`@stdlib/math-base-special-erfc`, `-erfcx`), accurate to a few ulps on the whole real line; the
 * functions here only rearrange them so that no tail underflows or cancels.
 */
import erfc from '@stdlib/math-base-special-erfc';
import erfcx from '@stdlib/math-base-special-erfcx';

const SQRT1_2 = Math.SQRT1_2;
const LN2 = Math.LN2;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** log φ(t), φ the standard normal density. */
export function logPhi(t: number): number {
  return -0.5 * t * t - HALF_LOG_2PI;
}

/**
 * log Φ(x) for all real x. Lower tail: Φ(x) = ½ erfcx(−x/√2)·e^{−x²/2}, so it never underflows;
 * upper half: log1p(−Q(x)) with Q(x) = ½ erfc(x/√2), exact when Φ(x) → 1.
 */
export function logNdtr(x: number): number {
  if (x >= 0) return Math.log1p(-0.5 * erfc(x * SQRT1_2));
  const t = -x * SQRT1_2;
  if (t <= 0.5) return Math.log(erfc(t)) - LN2;
  return Math.log(erfcx(t)) - t * t - LN2;
}

/** Φ(x), accurate (relative) in the lower tail. */
export function ndtr(x: number): number {
  return 0.5 * erfc(-x * SQRT1_2);
}

/**
 * ζ₁(u) = d/du log Φ(u) = φ(u)/Φ(u), the inverse Mills ratio of the lower tail. For u < −1 it is
 * √(2/π)/erfcx(−u/√2) (φ and Φ share the factor e^{−u²/2}), so it stays exact as u → −∞ (≈ −u).
 */
export function zeta1(u: number): number {
  if (u < -1) return SQRT_2_OVER_PI / erfcx(-u * SQRT1_2);
  return Math.exp(logPhi(u)) / ndtr(u);
}

/** ζ₂(u) = d²/du² log Φ(u) = −ζ₁(u)(u + ζ₁(u)), in (−1, 0): log Φ is strictly concave. */
export function zeta2(u: number, z1: number = zeta1(u)): number {
  return -z1 * (u + z1);
}
