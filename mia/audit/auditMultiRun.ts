/** ε lower bounds from a membership test repeated over many training runs (Jagielski et al. 2020). */
import { gdpEpsilon, gdpMuLowerBound } from './_internals/gaussianDp.js';
import { clopperPearson, requireAtMost, requireDelta, requireInteger, requireOpenUnit, requireOptions } from '../../accountant/index.js';

/** Options of {@link auditMultiRun}: the confusion counts of one fixed membership test. */
export interface AuditMultiRunOptions {
  /** Runs trained WITHOUT the target record (the null hypothesis D) that the test flagged as IN. */
  readonly falsePositives: number;
  /** Runs trained without the target record: the trials behind the FPR (≥ 1). */
  readonly negatives: number;
  /** Runs trained WITH the target record (D′) that the test called OUT. */
  readonly falseNegatives: number;
  /** Runs trained with the target record: the trials behind the FNR (≥ 1). */
  readonly positives: number;
  /** The δ of the (ε, δ) claim being audited, in [0, 1). */
  readonly delta: number;
  /**
   * Probability, over the training runs, that every number returned is a valid bound at once.
   * @defaultValue 0.95
   */
  readonly confidence?: number;
}

/** The result of {@link auditMultiRun}. */
export interface MultiRunAudit {
  /** ε such that the mechanism is not (ε′, δ)-DP for any ε′ < ε, at the stated confidence; ≥ 0. */
  readonly epsilonLowerBound: number;
  /** One-sided Clopper–Pearson upper bound on the false-positive rate, at confidence 1 − α/2. */
  readonly fprUpper: number;
  /** One-sided Clopper–Pearson upper bound on the false-negative rate, at confidence 1 − α/2. */
  readonly fnrUpper: number;
  /** The joint confidence of all bounds (the input, or its default 0.95). */
  readonly confidence: number;
  readonly method: 'clopper-pearson';
  /**
   * The same two rate bounds read through Gaussian DP (Nasr et al. 2023): the μ a μ-GDP mechanism
   * needs to allow them, and the ε at which such a mechanism has δ(ε) = δ. Valid only if the
   * mechanism's trade-off curve is Gaussian (as it is for DP-SGD with many steps); tighter than
   * `epsilonLowerBound` when it is. `epsilonLowerBound` here is +∞ when δ = 0 and μ > 0.
   */
  readonly gdp: { readonly muLowerBound: number; readonly epsilonLowerBound: number };
}

/**
 * A lower bound on ε from the outcome of one membership test run against many independently trained
 * models, some with the target record (positives) and some without (negatives): the audit of
 * Jagielski, Ullman & Oprea 2020 ("Auditing Differentially Private Machine Learning: How Private is
 * Private SGD?", NeurIPS; arXiv 2006.07709), which estimates ε by Monte Carlo over training runs
 * and puts Clopper–Pearson intervals on the rates.
 *
 * If the training is (ε, δ)-DP, every test has (hypothesis-testing view of DP: Kairouz, Oh &
 * Viswanath 2015, "The Composition Theorem for Differential Privacy", Thm 2.1)
 *   FPR + e^ε·FNR ≥ 1 − δ   and   e^ε·FPR + FNR ≥ 1 − δ,
 * so ε ≥ max(ln((1 − δ − FNR)/FPR), ln((1 − δ − FPR)/FNR)). The rates are replaced by exact
 * one-sided Clopper–Pearson upper bounds (see {@link clopperPearson}), which only lowers the right
 * side; the result is clamped at 0 (a log of a non-positive number counts as −∞).
 *
 * **Confidence split.** With α = 1 − confidence, each of the two upper bounds holds with
 * probability ≥ 1 − α/2, so by the union bound both hold together with probability ≥ 1 − α; every
 * number returned (including `gdp`) is a function of these two bounds only, so all of them are
 * valid simultaneously at `confidence`. The test (its threshold) must be fixed before the counts
 * are seen; choosing it on the same runs needs its own correction.
 *
 * **GDP reading** (Nasr et al. 2023, "Tight Auditing of Differentially Private Machine Learning",
 * USENIX Security, arXiv 2302.07956): a μ-GDP mechanism (Dong, Roth & Su 2019, arXiv 1905.02383)
 * allows only FNR ≥ Φ(Φ⁻¹(1 − FPR) − μ), so μ ≥ Φ⁻¹(1 − FPR_ub) − Φ⁻¹(FNR_ub) (clamped at 0); its
 * ε at δ solves δ = Φ(−ε/μ + μ/2) − e^ε·Φ(−ε/μ − μ/2) (Dong, Roth & Su, Cor. 2.13), found by a
 * bisection in log space that returns the lower end of its last bracket.
 *
 * @param options - the four counts, `delta`, and `confidence` (default 0.95); see
 *   {@link AuditMultiRunOptions}.
 * @returns {@link MultiRunAudit}: `{ epsilonLowerBound, fprUpper, fnrUpper, confidence, method:
 *   'clopper-pearson', gdp: { muLowerBound, epsilonLowerBound } }`, all ≥ 0 and never NaN.
 * @throws PrivkitError `INVALID_ARGUMENT` when a count is not a non-negative integer, `negatives`
 *   or `positives` is 0, a false count exceeds its total, `delta` is outside [0, 1), or
 *   `confidence` outside (0, 1).
 * @example
 * ```ts
 * // 1000 runs without the canary (5 flagged IN), 1000 with it (40 missed), claim (ε, 1e-5)-DP:
 * const audit = auditMultiRun({ falsePositives: 5, negatives: 1000, falseNegatives: 40, positives: 1000, delta: 1e-5 });
 * audit.epsilonLowerBound; // ≈ 4.4: the claim is refuted at 95% if it said ε < 4.4
 * ```
 */
export function auditMultiRun(options: AuditMultiRunOptions): MultiRunAudit {
  requireOptions('options', options);
  const negatives = requireInteger('negatives', options.negatives, 1);
  const falsePositives = requireInteger('falsePositives', options.falsePositives, 0);
  requireAtMost('falsePositives', falsePositives, 'negatives', negatives);
  const positives = requireInteger('positives', options.positives, 1);
  const falseNegatives = requireInteger('falseNegatives', options.falseNegatives, 0);
  requireAtMost('falseNegatives', falseNegatives, 'positives', positives);
  const delta = requireDelta('delta', options.delta);
  const confidence = requireOpenUnit('confidence', options.confidence ?? 0.95);

  // Union bound: each one-sided bound misses with probability ≤ α/2.
  const perBound = 1 - (1 - confidence) / 2;
  const fprUpper = clopperPearson(falsePositives, negatives, perBound, 'upper').upper;
  const fnrUpper = clopperPearson(falseNegatives, positives, perBound, 'upper').upper;

  const epsilonLowerBound = Math.max(0, logRatio(1 - delta - fnrUpper, fprUpper), logRatio(1 - delta - fprUpper, fnrUpper));
  const muLowerBound = gdpMuLowerBound(fprUpper, fnrUpper);
  return {
    epsilonLowerBound,
    fprUpper,
    fnrUpper,
    confidence,
    method: 'clopper-pearson',
    gdp: { muLowerBound, epsilonLowerBound: gdpEpsilon(muLowerBound, delta) },
  };
}

/** ln(numerator/denominator) for denominator > 0; −∞ when the numerator is ≤ 0 (nothing to claim). */
function logRatio(numerator: number, denominator: number): number {
  return numerator > 0 ? Math.log(numerator) - Math.log(denominator) : -Infinity;
}
