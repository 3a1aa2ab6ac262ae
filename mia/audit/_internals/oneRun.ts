/**
 * The p-value and ε search of the one-run audit (Steinke, Nasr & Jagielski 2023, "Privacy Auditing
 * with One (1) Training Run", NeurIPS; arXiv 2305.08846), in float64 with the binomial terms in log
 * space. Inputs are assumed validated (0 ≤ v ≤ r ≤ m, 0 ≤ δ < 1, 0 < β < 1).
 *
 * Main theorem, (ε, δ) case: with m canaries each included independently with probability ½, an
 * auditor that makes r guesses (abstaining on the rest) from the output of an (ε, δ)-DP mechanism
 * gets v or more right with probability at most
 *   p(ε, δ) = P[Bin(r, q) ≥ v] + 2mδ·max_{1≤i≤v} (1/i)·P[v − i ≤ Bin(r, q) < v],   q = e^ε/(1 + e^ε),
 * (capped at 1). This is exactly the quantity the paper's reference code computes
 * (`p_value_DP_audit`), and the ε lower bound is its `get_eps_audit`: the largest ε with
 * p(ε, δ) < β, found by bracketing and bisection and reported as the lower end of the last
 * bracket, so that p < β holds at the value returned.
 */
import betainc from '@stdlib/math-base-special-betainc';
import betaln from '@stdlib/math-base-special-betaln';
import { log1pExp, logAddExp } from '../../../accountant/index.js';

/**
 * p(ε, δ) of the main theorem for m canaries, r guesses, v correct.
 * Tails use P[Bin(r, q) ≥ v] = I_q(v, r − v + 1) = 1 − I_{1−q}(r − v + 1, v), evaluated at
 * 1 − q = 1/(1 + e^ε) so that q → 1 loses nothing.
 */
export function oneRunPValue(m: number, r: number, v: number, epsilon: number, delta: number): number {
  if (v === 0) return 1;
  const log1mQ = -log1pExp(epsilon); // log(1 − q)
  const x = Math.exp(log1mQ);
  const tail = betainc(x, r - v + 1, v, true, true); // P[Bin(r, q) ≥ v]
  if (delta === 0) return Math.min(tail, 1);
  const below = betainc(x, r - v + 1, v, true, false); // P[Bin(r, q) ≤ v − 1]
  const logQ = -log1pExp(-epsilon);
  // log P[Bin = k] at k = v − 1, then P[Bin = k − 1]/P[Bin = k] = k/(r − k + 1)·(1 − q)/q, (1 − q)/q = e^{−ε}.
  let k = v - 1;
  let logPmf = k * logQ + (r - k) * log1mQ - Math.log(r + 1) - betaln(k + 1, r - k + 1);
  let logSum = -Infinity; // log P[v − i ≤ Bin < v]
  let alpha = 0;
  for (let i = 1; i <= v; i++) {
    logSum = logAddExp(logSum, logPmf);
    const candidate = Math.exp(logSum - Math.log(i));
    if (candidate > alpha) alpha = candidate;
    // Every later term is ≤ P[Bin < v]/(i + 1): stop once that cannot beat the maximum (with a
    // margin for rounding, so that stopping never lowers the p-value).
    if ((below * (1 + 1e-9)) / (i + 1) <= alpha) break;
    if (k > 0) logPmf += Math.log(k / (r - k + 1)) - epsilon;
    k--;
  }
  return Math.min(tail + 2 * m * delta * alpha, 1);
}

/** Bisection steps after bracketing; the loop also stops once the bracket is a few ulps wide. */
const MAX_STEPS = 200;

/**
 * The largest ε ≥ 0 with p(ε, δ) < β (reference `get_eps_audit`): 0 when p(0, δ) ≥ β. Assumes, as
 * the reference does, that p increases with ε (its first term always does).
 */
export function oneRunEpsilon(m: number, r: number, v: number, delta: number, beta: number): number {
  if (v === 0 || !(oneRunPValue(m, r, v, 0, delta) < beta)) return 0;
  let lo = 0;
  let hi = 1;
  // p → P[Bin(r, 1) ≥ v] = 1 ≥ β as ε → ∞, so this ends (at the latest when 1 − q underflows to 0).
  while (oneRunPValue(m, r, v, hi, delta) < beta) {
    lo = hi;
    hi *= 2;
  }
  for (let step = 0; step < MAX_STEPS && hi - lo > 4 * Number.EPSILON * hi; step++) {
    const mid = lo + (hi - lo) / 2;
    if (oneRunPValue(m, r, v, mid, delta) < beta) lo = mid;
    else hi = mid;
  }
  return lo;
}
