/**
 * Exact (Clopper–Pearson 1934) one-sided confidence bounds for a binomial proportion, as the privacy
 * audits of Jagielski, Ullman & Oprea 2020 use them: with k successes in n trials,
 * the lower bound is the α-quantile of Beta(k, n − k + 1) (0 when k = 0) and the upper bound the
 * (1 − α)-quantile of Beta(k + 1, n − k) (1 when k = n). Each holds with probability ≥ 1 − α whatever p.
 * The Beta(a, b) quantile at p is the inverse regularised incomplete beta function I⁻¹_p(a, b), from
 * stdlib (`@stdlib/math-base-special-betaincinv`).
 */
import betaincinv from '@stdlib/math-base-special-betaincinv';

/** p_lower with P[p < p_lower] ≤ `alpha`, from `k` successes in `n` trials. */
export function clopperPearsonLower(k: number, n: number, alpha: number): number {
  if (k <= 0) return 0;
  return betaincinv(alpha, k, n - k + 1); // the α-quantile of Beta(k, n − k + 1)
}

/** p_upper with P[p > p_upper] ≤ `alpha`, from `k` successes in `n` trials. */
export function clopperPearsonUpper(k: number, n: number, alpha: number): number {
  if (k >= n) return 1;
  return betaincinv(alpha, k + 1, n - k, true); // the (1 − α)-quantile of Beta(k + 1, n − k), from the upper tail
}

/**
 * Φ⁻¹(p) for p in (0, 1) (Acklam's rational approximation, relative error < 1.2e-9). Only used to rank
 * candidate events on the selection half, where any monotone score would keep the test sound.
 */
export function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
