/**
 * Exact (Clopper–Pearson) confidence bounds for a binomial proportion, shared by the auditor
 * (privkit/mia's `clopperPearson`) and the statistical DP tests of privkit/testing (`checkDp`).
 * Beta quantiles come from stdlib's `betaincinv` (`@stdlib/math-base-special-betaincinv`, a port of
 * Boost's `ibeta_inv`).
 */
import betaincinv from '@stdlib/math-base-special-betaincinv';
import { invalid, requireAtMost, requireInteger, requireOpenUnit, show } from './check.js';

/**
 * Which bounds of a {@link clopperPearson} interval are wanted: `'two-sided'` puts α/2 in each tail,
 * `'upper'` and `'lower'` put all of α = 1 − confidence in the one tail they bound (the other end is
 * then the trivial 0 or 1).
 */
export type ClopperPearsonSide = 'two-sided' | 'upper' | 'lower';

/** A confidence interval [lower, upper] ⊆ [0, 1] for a binomial success probability. */
export interface ClopperPearsonInterval {
  readonly lower: number;
  readonly upper: number;
}

const SIDES: readonly ClopperPearsonSide[] = ['two-sided', 'upper', 'lower'];

/**
 * The one-sided Clopper–Pearson lower bound: the α-quantile of Beta(k, n − k + 1), 0 when k = 0, so
 * that P[p < lower] ≤ α whatever p (by P[Bin(n, p) ≥ k] = I_p(k, n − k + 1)). Arguments are not
 * validated (see {@link clopperPearson}).
 * @param k - successes, an integer in [0, n].
 * @param n - trials, an integer ≥ 1.
 * @param alpha - the tail mass α in (0, 1).
 * @returns the lower bound in [0, k/n].
 * @example
 * ```ts
 * clopperPearsonLower(1000, 1000, 0.05); // 0.05^(1/1000) ≈ 0.99700
 * ```
 */
export function clopperPearsonLower(k: number, n: number, alpha: number): number {
  if (k <= 0) return 0;
  return betaincinv(alpha, k, n - k + 1);
}

/**
 * The one-sided Clopper–Pearson upper bound: the (1 − α)-quantile of Beta(k + 1, n − k), 1 when
 * k = n, so that P[p > upper] ≤ α whatever p. Computed from Beta's upper tail, so 1 − α is never
 * formed. Arguments are not validated (see {@link clopperPearson}).
 * @param k - successes, an integer in [0, n].
 * @param n - trials, an integer ≥ 1.
 * @param alpha - the tail mass α in (0, 1).
 * @returns the upper bound in [k/n, 1].
 * @example
 * ```ts
 * clopperPearsonUpper(0, 100, 0.05); // 1 − 0.05^(1/100) ≈ 0.0295
 * ```
 */
export function clopperPearsonUpper(k: number, n: number, alpha: number): number {
  if (k >= n) return 1;
  return betaincinv(alpha, k + 1, n - k, true);
}

/**
 * The Clopper–Pearson interval for the success probability p of a binomial, from k successes in n
 * trials: the set of p that a one-sided exact binomial test does not reject in either tail
 * (Clopper & Pearson 1934, "The use of confidence or fiducial limits illustrated in the case of the
 * binomial", Biometrika 26(4)). With α the mass of one tail (α = 1 − confidence for a one-sided
 * bound, (1 − confidence)/2 for each end of a two-sided interval), by the identity
 * P[Bin(n, p) ≥ k] = I_p(k, n − k + 1) (I the regularized incomplete beta function):
 *
 *   lower = Beta⁻¹(α; k, n − k + 1),   i.e. P[Bin(n, lower) ≥ k] = α   (0 when k = 0),
 *   upper = Beta⁻¹(1 − α; k + 1, n − k), i.e. P[Bin(n, upper) ≤ k] = α   (1 when k = n).
 *
 * The coverage is at least `confidence` for every p (the interval is conservative, never
 * approximate). This is the interval Jagielski, Ullman & Oprea 2020 ("Auditing Differentially
 * Private Machine Learning: How Private is Private SGD?", NeurIPS) put on an attack's FPR and
 * FNR. Beta quantiles come from stdlib's `betaincinv` (a port of Boost's `ibeta_inv`), inverted in
 * the upper tail for the upper bound so that 1 − α is never formed.
 *
 * @param successes - k, an integer in [0, n].
 * @param trials - n, an integer ≥ 1.
 * @param confidence - the coverage 1 − α, in (0, 1), e.g. 0.95.
 * @param side - `'two-sided'` (α/2 in each tail), `'upper'` (a one-sided upper bound; `lower` is 0)
 *   or `'lower'` (a one-sided lower bound; `upper` is 1).
 * @returns `{ lower, upper }` with 0 ≤ lower ≤ k/n ≤ upper ≤ 1.
 * @throws PrivkitError `INVALID_ARGUMENT` when `trials` is not an integer ≥ 1, `successes` not an
 *   integer in [0, trials], `confidence` outside (0, 1), or `side` not one of the three names.
 * @example
 * ```ts
 * clopperPearson(3, 100, 0.95, 'two-sided'); // { lower: 0.00622…, upper: 0.0851… }
 * clopperPearson(0, 100, 0.95, 'upper').upper; // 1 − 0.05^(1/100) = 0.0295…
 * ```
 */
export function clopperPearson(successes: number, trials: number, confidence: number, side: ClopperPearsonSide): ClopperPearsonInterval {
  const n = requireInteger('trials', trials, 1);
  const k = requireInteger('successes', successes, 0);
  requireAtMost('successes', k, 'trials', n);
  const level = requireOpenUnit('confidence', confidence);
  if (!SIDES.includes(side)) {
    invalid(`\`side\` must be one of 'two-sided', 'upper', 'lower'; got ${show(side)}.`, { field: 'side', value: side });
  }
  const miss = 1 - level;
  const tail = side === 'two-sided' ? miss / 2 : miss;
  const lower = side === 'upper' ? 0 : clopperPearsonLower(k, n, tail);
  const upper = side === 'lower' ? 1 : clopperPearsonUpper(k, n, tail);
  return { lower, upper };
}
