/**
 * The standard normal distribution in float64, in log space where its tails matter: Φ, log Φ, the
 * log of the upper tail, log φ, log erfc and Φ⁻¹. erfc, the scaled erfcx(x) = e^{x²}·erfc(x) and
 * erfcinv come from stdlib (`@stdlib/math-base-special-erfc`, `-erfcx`, `-erfcinv`; ports of the
 * Boost/Cephes routines, accurate to a few ulps on the whole real line); the functions here only
 * rearrange them so that no tail probability underflows or loses relative precision. Φ(x) =
 * ½·erfc(−x/√2) (Abramowitz & Stegun 7.1.2, 26.2.29).
 */
import erfc from '@stdlib/math-base-special-erfc';
import erfcinv from '@stdlib/math-base-special-erfcinv';
import erfcx from '@stdlib/math-base-special-erfcx';

const LN2 = Math.LN2;
const SQRT1_2 = Math.SQRT1_2;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * log erfc(x) for every real x without underflow: log erfcx(x) − x² for x > ½ (erfcx(x) =
 * e^{x²}·erfc(x), so the Gaussian factor is taken in log space), log erfc(x) below.
 * @param x - any real number.
 * @returns log erfc(x); log 2 at −∞, −∞ at +∞.
 * @example
 * ```ts
 * logErfc(30); // ≈ −904.8 (erfc(30) itself underflows to 0)
 * ```
 */
export function logErfc(x: number): number {
  if (x <= 0.5) return Math.log(erfc(x));
  return Math.log(erfcx(x)) - x * x;
}

/**
 * Φ(x), the standard normal CDF, as ½·erfc(−x/√2): accurate (relative) in the lower tail.
 * @param x - any real number.
 * @returns Φ(x) in [0, 1].
 * @example
 * ```ts
 * ndtr(-1.959963984540054); // ≈ 0.025
 * ```
 */
export function ndtr(x: number): number {
  return 0.5 * erfc(-x * SQRT1_2);
}

/**
 * log Φ(x) for every real x. Lower half: log erfc(t) − ln 2 with t = −x/√2 > 0, through erfcx(t) =
 * e^{t²}·erfc(t) for t > ½ so that it never underflows; upper half: log1p(−Q(x)) with Q(x) =
 * ½·erfc(x/√2), exact when Φ(x) → 1 (Mächler 2012's log1p branch).
 * @param x - any real number.
 * @returns log Φ(x) ≤ 0.
 * @example
 * ```ts
 * logNdtr(-40); // ≈ −804.6 (Φ(−40) underflows to 0)
 * logNdtr(10); // ≈ −7.6e-24 (Math.log(ndtr(10)) is 0)
 * ```
 */
export function logNdtr(x: number): number {
  if (x >= 0) return Math.log1p(-0.5 * erfc(x * SQRT1_2));
  const t = -x * SQRT1_2;
  if (t <= 0.5) return Math.log(erfc(t)) - LN2;
  return Math.log(erfcx(t)) - t * t - LN2;
}

/**
 * log(1 − Φ(x)) = log Φ(−x), the log of the upper tail, accurate for every real x (see
 * {@link logNdtr}). Its negation is the −log Q(t) of the offline LiRA test (Carlini et al. 2022).
 * @param x - any real number.
 * @returns log(1 − Φ(x)) ≤ 0.
 * @example
 * ```ts
 * logNdtrUpper(40); // ≈ −804.6
 * ```
 */
export function logNdtrUpper(x: number): number {
  return logNdtr(-x);
}

/**
 * log N(x; μ, σ²) = −½((x − μ)/σ)² − log σ − ½ log 2π, the log of the normal density.
 * @param x - the point.
 * @param mu - the mean μ. @defaultValue 0
 * @param sigma - the standard deviation σ > 0. @defaultValue 1
 * @returns the log-density at x.
 * @example
 * ```ts
 * logNormalPdf(0); // −½ log 2π ≈ −0.9189
 * logNormalPdf(3, 1, 2); // log N(3; 1, 4)
 * ```
 */
export function logNormalPdf(x: number, mu = 0, sigma = 1): number {
  const t = (x - mu) / sigma;
  return -0.5 * t * t - (sigma === 1 ? 0 : Math.log(sigma)) - HALF_LOG_2PI;
}

/**
 * Φ⁻¹(p), the standard normal quantile, as −√2·erfcinv(2p) (A&S 26.2.2 with Φ(x) = ½·erfc(−x/√2)):
 * accurate to a few ulps, relative, in the lower tail (p → 0); in the upper tail write
 * Φ⁻¹(1 − q) as −ndtri(q) when q is known, since 1 − q loses q's low digits.
 * @param p - a probability in [0, 1].
 * @returns Φ⁻¹(p); −∞ for p ≤ 0, +∞ for p ≥ 1, NaN for NaN.
 * @example
 * ```ts
 * ndtri(0.975); // 1.959963984540054
 * ndtri(1e-300); // ≈ −37.04
 * ```
 */
export function ndtri(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  return -Math.SQRT2 * erfcinv(2 * p);
}
