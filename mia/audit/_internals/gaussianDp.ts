/**
 * Gaussian differential privacy (Dong, Roth & Su 2019, "Gaussian Differential Privacy", arXiv
 * 1905.02383; JRSS-B 2022): the (ε, δ) curve of a μ-GDP mechanism and its inverse, in log space.
 *
 * Corollary 2.13 of the arXiv version (Corollary 1 in the journal version): a mechanism is μ-GDP
 * iff it is (ε, δ(ε))-DP for all ε ≥ 0, with
 *   δ(ε) = Φ(−ε/μ + μ/2) − e^ε·Φ(−ε/μ − μ/2).
 * δ(ε) decreases strictly in ε (its derivative is −e^ε·Φ(−ε/μ − μ/2) < 0), from
 * δ(0) = Φ(μ/2) − Φ(−μ/2) towards 0, so δ(ε) = δ has one root for δ < δ(0).
 */
import { logNdtr, logSubExp, ndtri } from '../../../accountant/index.js';

/** log δ(ε) of a μ-GDP mechanism (Cor. 2.13), for μ > 0 and ε ≥ 0; −∞ for μ = 0, 0 for μ = ∞. */
export function gdpLogDelta(mu: number, epsilon: number): number {
  if (!(mu > 0)) return -Infinity;
  if (mu === Infinity) return 0;
  const a = -epsilon / mu;
  return logSubExp(logNdtr(a + mu / 2), epsilon + logNdtr(a - mu / 2));
}

/** Bisection steps: the bracket below is < μ² + 40μ wide, and 2^−200 of that is far below an ulp. */
const MAX_STEPS = 200;

/**
 * The ε ≥ 0 at which a μ-GDP mechanism has δ(ε) = δ (Cor. 2.13 solved by bisection, to the last few
 * ulps), returning the lower end of the final bracket so that the value never exceeds the root.
 * 0 when μ ≤ 0 or δ ≥ δ(0); +∞ when δ = 0 and μ > 0 (no μ-GDP mechanism with μ > 0 is (ε, 0)-DP
 * for a finite ε), or when μ = +∞.
 */
export function gdpEpsilon(mu: number, delta: number): number {
  if (!(mu > 0)) return 0;
  if (mu === Infinity || delta <= 0) return Infinity;
  const logDelta = Math.log(delta);
  if (gdpLogDelta(mu, 0) <= logDelta) return 0;
  // δ(ε) < Φ(−ε/μ + μ/2), which equals δ at ε = μ²/2 − μ·Φ⁻¹(δ): an upper end of the bracket.
  let hi = Math.max(mu * mu / 2 - mu * ndtri(delta), 1e-12);
  while (gdpLogDelta(mu, hi) > logDelta) hi *= 2;
  let lo = 0;
  for (let step = 0; step < MAX_STEPS && hi - lo > 4 * Number.EPSILON * hi; step++) {
    const mid = lo + (hi - lo) / 2;
    if (gdpLogDelta(mu, mid) > logDelta) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * A lower bound on μ from upper bounds on an attack's false-positive and false-negative rates: a
 * μ-GDP mechanism has trade-off function G_μ = T(N(0, 1), N(μ, 1)),
 * G_μ(α) = Φ(Φ⁻¹(1 − α) − μ) (Dong, Roth & Su 2019, the definition of μ-GDP),
 * so any test has FNR ≥ Φ(Φ⁻¹(1 − FPR) − μ), i.e. μ ≥ Φ⁻¹(1 − FPR) − Φ⁻¹(FNR); the right side
 * decreases in both rates, so upper bounds on them give a lower bound on μ (Nasr et al. 2023,
 * "Tight Auditing of Differentially Private Machine Learning", USENIX Security, arXiv 2302.07956).
 * Written as −Φ⁻¹(FPR) − Φ⁻¹(FNR) so that 1 − FPR is never formed; clamped at 0 (the expression is
 * symmetric in the two rates, so swapping the roles of the datasets gives nothing more).
 */
export function gdpMuLowerBound(fprUpper: number, fnrUpper: number): number {
  const mu = -ndtri(fprUpper) - ndtri(fnrUpper);
  return mu > 0 ? mu : 0;
}
