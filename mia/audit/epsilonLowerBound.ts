/** The one-run audit's ε lower bound from a count of guesses and correct guesses. */
import { oneRunEpsilon } from './_internals/oneRun.js';
import { requireAtMost, requireDelta, requireInteger, requireOpenUnit, requireOptions } from '../../accountant/index.js';

/** Options of {@link epsilonLowerBound}. */
export interface EpsilonLowerBoundOptions {
  /** r: the canaries the auditor guessed on (IN or OUT), the rest abstained; 0 ≤ r ≤ m. */
  readonly guesses: number;
  /** v: the guesses that were right; 0 ≤ v ≤ r. */
  readonly correct: number;
  /** m: all canaries, each included in training independently with probability ½; m ≥ 1. */
  readonly canaries: number;
  /** The δ of the (ε, δ) claim being audited, in [0, 1). */
  readonly delta: number;
  /**
   * Probability, over the canaries' coin flips, that the bound is valid.
   * @defaultValue 0.95
   */
  readonly confidence?: number;
}

/**
 * The ε lower bound of the one-run audit (Steinke, Nasr & Jagielski 2023, "Privacy Auditing with
 * One (1) Training Run", NeurIPS; arXiv 2305.08846): m canaries are each included in one training
 * run with probability ½; from the trained model an auditor guesses IN or OUT for r of them and is
 * right on v. By the paper's main theorem, an (ε, δ)-DP training lets v or more guesses be right
 * with probability at most
 *
 *   p(ε, δ) = P[Bin(r, q) ≥ v] + 2mδ·max_{1≤i≤v} (1/i)·P[v − i ≤ Bin(r, q) < v],   q = e^ε/(1 + e^ε),
 *
 * so, with β = 1 − confidence, the training is not (ε, δ)-DP for the largest ε with p(ε, δ) < β.
 * This is the procedure of the paper's reference code (`p_value_DP_audit`, `get_eps_audit`): the
 * δ term exactly as written there, and ε by bracketing and bisection, returned as the lower end of
 * the final bracket (to ~1e-15 relative). With δ = 0 and all r guesses right, p = q^r, so the bound
 * is ln(p/(1 − p)) with p = β^{1/r}.
 *
 * The guesses must not be chosen by looking at which canaries were included; if several ways of
 * guessing are tried, correct for it (see {@link auditOneRun}, which does).
 *
 * @param options - `guesses` (r), `correct` (v), `canaries` (m), `delta`, `confidence` (default
 *   0.95); see {@link EpsilonLowerBoundOptions}.
 * @returns ε ≥ 0, finite; 0 when nothing can be claimed (e.g. v ≤ r/2, or r = 0).
 * @throws PrivkitError `INVALID_ARGUMENT` when a count is not a non-negative integer, m = 0,
 *   v > r, r > m, `delta` is outside [0, 1), or `confidence` outside (0, 1).
 * @example
 * ```ts
 * // 1000 canaries; the auditor guessed on 200 and got 180 right; the training claimed (ε, 1e-5)-DP.
 * epsilonLowerBound({ guesses: 200, correct: 180, canaries: 1000, delta: 1e-5 }); // ≈ 1.80
 * ```
 */
export function epsilonLowerBound(options: EpsilonLowerBoundOptions): number {
  requireOptions('options', options);
  const m = requireInteger('canaries', options.canaries, 1);
  const r = requireInteger('guesses', options.guesses, 0);
  requireAtMost('guesses', r, 'canaries', m);
  const v = requireInteger('correct', options.correct, 0);
  requireAtMost('correct', v, 'guesses', r);
  const delta = requireDelta('delta', options.delta);
  const confidence = requireOpenUnit('confidence', options.confidence ?? 0.95);
  return oneRunEpsilon(m, r, v, delta, 1 - confidence);
}
