/**
 * 50-significant-digit references for binomial tails and Clopper–Pearson bounds, written
 * independently of `mia/audit` (it imports nothing from there, and uses no incomplete-beta code):
 * tails are exact finite sums of binomial terms in decimal arithmetic (mathjs BigNumber =
 * decimal.js), and the bounds are their roots in p by safeguarded Newton, to 1e-30 relative.
 *
 * Identity used (both sides vanish at p = 0 and have derivative k·C(n, k)·p^{k−1}(1 − p)^{n−k}):
 *   P[Bin(n, p) ≥ k] = I_p(k, n − k + 1), so Beta⁻¹(α; k, n − k + 1) is the p with
 *   P[Bin(n, p) ≥ k] = α, and Beta⁻¹(1 − α; k + 1, n − k) the p with P[Bin(n, p) ≤ k] = α.
 */
import type { Decimal } from 'decimal.js';
import { HP_PRECISION, hp } from '../../_support/highPrecision.js';
import { all, create } from 'mathjs';

const math = create(all, { number: 'BigNumber', precision: HP_PRECISION });
const Big = math.bignumber(0).constructor as unknown as new (value: string | number | Decimal) => Decimal;
const ZERO = new Big(0);
const ONE = new Big(1);

/** The terms C(n, j) p^j (1 − p)^{n−j}, j = 0…n, by the exact ratio t_{j+1}/t_j = (n − j)/(j + 1)·p/(1 − p). */
function binomialTerms(n: number, p: Decimal): Decimal[] {
  if (p.isZero()) return Array.from({ length: n + 1 }, (_, j) => (j === 0 ? ONE : ZERO));
  if (p.eq(1)) return Array.from({ length: n + 1 }, (_, j) => (j === n ? ONE : ZERO));
  const q = ONE.minus(p);
  const ratio = p.div(q);
  const terms: Decimal[] = [q.pow(n)];
  for (let j = 0; j < n; j++) terms.push(terms[j].times(n - j).div(j + 1).times(ratio));
  return terms;
}

/** P[Bin(n, p) ≥ k] in 50 digits (a sum of positive terms; no cancellation). */
export function hpBinomialUpperTail(n: number, k: number, p: Decimal): Decimal {
  const terms = binomialTerms(n, p);
  let s = ZERO;
  for (let j = Math.max(0, k); j <= n; j++) s = s.plus(terms[j]);
  return s;
}

/** P[Bin(n, p) ≤ k] in 50 digits. */
export function hpBinomialLowerTail(n: number, k: number, p: Decimal): Decimal {
  const terms = binomialTerms(n, p);
  let s = ZERO;
  for (let j = 0; j <= Math.min(k, n); j++) s = s.plus(terms[j]);
  return s;
}

/**
 * The root in (0, 1) of g(p) = target for a monotone g given with its derivative, by safeguarded
 * Newton (a Newton step that leaves the current bracket is replaced by bisection), to 1e-30 relative.
 */
function solve(g: (p: Decimal) => { value: Decimal; slope: Decimal }, target: Decimal, increasing: boolean): Decimal {
  let lo = ZERO;
  let hi = ONE;
  let x = new Big('0.5');
  const tol = new Big('1e-30');
  for (let iter = 0; iter < 400; iter++) {
    const { value, slope } = g(x);
    const above = value.gt(target);
    if (above === increasing) hi = x;
    else lo = x;
    let next = slope.isZero() ? lo.plus(hi).div(2) : x.minus(value.minus(target).div(slope));
    if (!(next.gt(lo) && next.lt(hi))) next = lo.plus(hi).div(2);
    if (next.minus(x).abs().lte(tol.times(next))) return next;
    x = next;
  }
  throw new Error('solve(): no convergence');
}

/** The p with P[Bin(n, p) ≥ k] = tail (the Clopper–Pearson lower bound at one-tail mass `tail`), k ≥ 1. */
export function hpClopperPearsonLower(k: number, n: number, tail: Decimal): Decimal {
  // d/dp P[Bin(n, p) ≥ k] = k·C(n, k)·p^{k−1}(1 − p)^{n−k} = t_k·k/p.
  return solve((p) => {
    const terms = binomialTerms(n, p);
    let s = ZERO;
    for (let j = k; j <= n; j++) s = s.plus(terms[j]);
    return { value: s, slope: terms[k].times(k).div(p) };
  }, tail, true);
}

/** The p with P[Bin(n, p) ≤ k] = tail (the Clopper–Pearson upper bound at one-tail mass `tail`), k ≤ n − 1. */
export function hpClopperPearsonUpper(k: number, n: number, tail: Decimal): Decimal {
  // d/dp P[Bin(n, p) ≤ k] = −(n − k)·C(n, k)·p^k(1 − p)^{n−k−1} = −t_k·(n − k)/(1 − p).
  return solve((p) => {
    const terms = binomialTerms(n, p);
    let s = ZERO;
    for (let j = 0; j <= k; j++) s = s.plus(terms[j]);
    return { value: s, slope: terms[k].times(n - k).div(ONE.minus(p)).neg() };
  }, tail, false);
}

/** 1 − confidence (per side: halved when two-sided), computed from the double `confidence` exactly. */
export function hpTail(confidence: number, twoSided: boolean): Decimal {
  const miss = ONE.minus(hp(confidence));
  return twoSided ? miss.div(2) : miss;
}

export { hp };

/**
 * p(ε, δ) of the one-run audit (Steinke, Nasr & Jagielski 2023, main theorem; the quantity their
 * reference code `p_value_DP_audit` computes), in 50 digits by exact binomial sums:
 *   P[Bin(r, q) ≥ v] + 2mδ·max_{1≤i≤v} (1/i)·P[v − i ≤ Bin(r, q) < v], q = 1/(1 + e^{−ε}), capped at 1.
 */
export function hpOneRunPValue(m: number, r: number, v: number, epsilon: number, delta: number): Decimal {
  const q = ONE.div(ONE.plus(hp(epsilon).neg().exp()));
  const terms = binomialTerms(r, q);
  let tail = ZERO;
  for (let j = v; j <= r; j++) tail = tail.plus(terms[j]);
  let alpha = ZERO;
  let window = ZERO;
  for (let i = 1; i <= v; i++) {
    window = window.plus(terms[v - i]);
    const candidate = window.div(i);
    if (candidate.gt(alpha)) alpha = candidate;
  }
  const p = tail.plus(alpha.times(hp(delta)).times(2 * m));
  return p.gt(ONE) ? ONE : p;
}
