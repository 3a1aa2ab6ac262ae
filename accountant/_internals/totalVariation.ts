/**
 * Total variation (δ at ε = 0) of the leaf mechanisms, as log(1 − TV), and the bound it gives for a
 * composition: T mechanisms with TV_i compose to a (0, 1 − Π(1 − TV_i))-DP mechanism, adaptively
 * too (Kairouz, Oh & Viswanath 2015, "The Composition Theorem for Differential Privacy", Thm 3.3 at
 * ε = 0). So ε = 0 for every δ ≥ 1 − Π(1 − TV_i): this answers, exactly and without building a PLD,
 * the queries where δ is near 1 or the sampling rate is tiny (q = 1e-300: the record is almost never
 * used), which a grid of width 1e-4 would answer only after seconds, or not at all.
 *
 * - Gaussian, sensitivity 1, σ: TV = erf(1/(2√2σ)), so 1 − TV = erfc(1/(2√2σ)).
 * - Poisson-subsampled Gaussian (add or remove one record): TV = q·erf(1/(2√2σ)), since the mixture
 *   (1 − q)·μ₀ + q·μ₁ differs from μ₀ by q·(μ₁ − μ₀).
 * - Laplace, scale b, sensitivity 1: TV(Lap(0, b), Lap(1, b)) = 1 − e^{−1/(2b)}.
 */
import { logErfc } from '../base/normal.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** erf(x) for 0 ≤ x < 0.5 by its Taylor series (Abramowitz & Stegun 7.1.5), to full relative precision. */
function erfSmall(x: number): number {
  const x2 = x * x;
  let term = x; // (−1)^n x^{2n+1}/n!
  let sum = x;
  for (let n = 1; n < 30; n++) {
    term *= -x2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-18 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * sum;
}

/** log erfc(x) for x ≥ 0, keeping its relative precision as x → 0 (where erfc(x) → 1). */
function logErfcNonNegative(x: number): number {
  return x < 0.5 ? Math.log1p(-erfSmall(x)) : logErfc(x);
}

/**
 * log(1 − TV) of one run of the Gaussian mechanism with noise multiplier σ (≤ 0; −∞ when TV = 1).
 * @param sigma - σ > 0.
 */
export function logOneMinusTvGaussian(sigma: number): number {
  // Rounded up to the least double where it would underflow to 0 (σ ≳ 1e308): TV > 0 for every σ.
  return Math.min(logErfcNonNegative(1 / (2 * Math.SQRT2 * sigma)), -Number.MIN_VALUE);
}

/** log(1 − TV) of one run of `poissonSampled(q, gaussian(σ))`. */
export function logOneMinusTvSampledGaussian(q: number, sigma: number): number {
  const x = 1 / (2 * Math.SQRT2 * sigma);
  const tv = x < 0.5 ? q * erfSmall(x) : q * -Math.expm1(logErfc(x));
  return Math.log1p(-Math.max(tv, Number.MIN_VALUE)); // q·TV may underflow (q = 5e-324): round up
}

/** log(1 − TV) of one run of the Laplace mechanism with scale b. */
export function logOneMinusTvLaplace(scale: number): number {
  return -1 / (2 * scale);
}

/**
 * The δ below which nothing is certified for free: 1 − Π(1 − TV_i) from Σ log(1 − TV_i), rounded up
 * (by a relative 1e-12, far above the float64 error of the sum) so that it stays an upper bound.
 * @param sumLogOneMinusTv - Σ count_i·log(1 − TV_i) ≤ 0.
 * @returns δ₀ in [0, 1]: every δ ≥ δ₀ is met with ε = 0.
 */
export function zeroEpsilonDelta(sumLogOneMinusTv: number): number {
  if (sumLogOneMinusTv === 0) return 0;
  return Math.min(1, -Math.expm1(sumLogOneMinusTv) * (1 + 1e-12));
}
