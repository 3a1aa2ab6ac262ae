/**
 * Statistics for the randomness tests (test-only): exact binomial tails, the normal CDF, sample moments
 * with their standard errors, and the Kolmogorov–Smirnov statistic with its asymptotic critical value.
 * Independent of privkit's own code (stdlib's erfc and incomplete beta).
 */
import betainc from '@stdlib/math-base-special-betainc';
import erfc from '@stdlib/math-base-special-erfc';

/** Φ(x), the standard normal CDF: erfc(−x/√2)/2. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** P(|Z| > t) for Z ~ N(0, 1): erfc(t/√2). */
export function normalTwoSidedTail(t: number): number {
  return erfc(t / Math.SQRT2);
}

/** P(X ≥ k) for X ~ Binomial(n, p): the regularised incomplete beta I_p(k, n − k + 1). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  return betainc(p, k, n - k + 1);
}

/** P(X ≤ k) for X ~ Binomial(n, p): 1 − I_p(k + 1, n − k) (the upper incomplete beta). */
export function binomialLowerTail(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  return betainc(p, k + 1, n - k, true, true);
}

/**
 * Whether a count k of n Bernoulli(p) trials is consistent with p by the exact two-sided binomial test
 * at level α: both P(X ≥ k) and P(X ≤ k) exceed α/2.
 */
export function binomialConsistent(k: number, n: number, p: number, alpha: number): boolean {
  return binomialUpperTail(k, n, p) > alpha / 2 && binomialLowerTail(k, n, p) > alpha / 2;
}

/** Sample mean, variance, skewness g₁ and excess kurtosis g₂ (central moments, in double precision). */
export function moments(values: ArrayLike<number>): { mean: number; variance: number; skewness: number; kurtosis: number } {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { mean, variance: m2, skewness: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) - 3 };
}

/**
 * Asymptotic standard errors of {@link moments} for n i.i.d. N(0, s²) draws: mean s/√n, variance
 * s²·√(2/n), skewness √(6/n), excess kurtosis √(24/n) (e.g. Kendall & Stuart, The Advanced Theory of
 * Statistics, vol. 1, §10.5 and §12.18).
 */
export function normalMomentErrors(n: number, s: number): { mean: number; variance: number; skewness: number; kurtosis: number } {
  return { mean: s / Math.sqrt(n), variance: s * s * Math.sqrt(2 / n), skewness: Math.sqrt(6 / n), kurtosis: Math.sqrt(24 / n) };
}

/** The Kolmogorov–Smirnov statistic D = sup |F_n − F| of `values` (sorted in place) against `cdf`. */
export function ksStatistic(values: Float64Array, cdf: (x: number) => number): number {
  values.sort();
  const n = values.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(values[i]);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  return d;
}

/**
 * The KS critical value at level α for n draws from the asymptotic Kolmogorov distribution:
 * P(√n·D > t) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²t²}; for small α its first term gives t = √(−ln(α/2)/2)
 * (the next term is below α⁴).
 */
export function ksCritical(n: number, alpha: number): number {
  return Math.sqrt(-Math.log(alpha / 2) / 2) / Math.sqrt(n);
}
