/**
 * Rényi DP of the Poisson-subsampled Gaussian mechanism, exact at every order α > 1.
 *
 * Mironov, Talwar & Zhang 2019 ("Rényi Differential Privacy of the Sampled Gaussian Mechanism",
 * arXiv 1908.10530, §3.3): for sampling rate q and noise multiplier σ (sensitivity 1),
 *
 *   RDP(α) = log A_α / (α − 1),   A_α = E_{z∼N(0,σ²)} [ ((1 − q) + q·exp((2z − 1)/(2σ²)))^α ].
 *
 * We never evaluate A_α directly (it is 1 + tiny for small q, and log A_α would lose all its digits);
 * both methods below compute log(A_α − 1) as a sum of non-negative terms, in logs, so the result
 * keeps full relative precision however small A_α − 1 is (q = 5e-324, σ = 1e308: A_α − 1 ≈ e^{-2900};
 * g(u) for |u| < 1e-150 is taken from log|u|, see {@link logGTiny}, and e^x − 1 for x < 1e-300 as x):
 *
 * - integer α (§3.3, eq. for integer α): A_α − 1 = Σ_{k=2}^{α} C(α,k)(1−q)^{α−k} q^k (e^{(k²−k)/(2σ²)} − 1),
 *   because Σ_k C(α,k)(1−q)^{α−k}q^k = 1 and the k = 0, 1 terms vanish; a finite sum, no truncation.
 * - fractional α: with z = σt and u(t) = q·(e^{t/σ − 1/(2σ²)} − 1), E[u] = 0, so
 *   A_α − 1 = E_t[ g(u(t)) ],  g(u) = (1+u)^α − 1 − αu ≥ 0 (convexity of (1+u)^α).
 *   The integrand is analytic in the strip |Im t| < πσ, so the trapezoid rule on ℝ converges
 *   geometrically (Trefethen & Weideman 2014, "The exponentially convergent trapezoidal rule",
 *   Thm 5.1: error ≤ 2M/(e^{2πa/h} − 1) for a strip of half-width a). We pick a = min(πσ/2, 2.5) and
 *   h = 2πa/45, then halve h until two successive sums agree to 1e-10 relative (each halving squares
 *   the error), so the returned value is accurate to ~1e-14 relative. For tiny σ (≲ 0.05) where that
 *   would need millions of points, a log-convexity upper bound from the integer neighbours is used. This replaces the erfc series of
 *   the paper, whose terms decay only like i^{−α−2} and alternate in sign (dp_accounting sums their
 *   absolute values — an upper bound up to 47% loose — and drops orders after 1000 terms).
 */
import { log1mExp, logAddExp, logExpm1 } from '../base/logMath.js';
import { logNormalPdf } from '../base/normal.js';

/**
 * RDP at order `order` of one step of the Poisson-subsampled Gaussian mechanism.
 *
 * @param sampleRate - q in [0, 1].
 * @param noiseMultiplier - σ > 0 (standard deviation over the L2 sensitivity); +∞ means no privacy loss.
 * @param order - α > 1, finite.
 * @returns RDP(α) in nats, possibly +∞ (never NaN).
 */
export function rdpPoissonSampledGaussian(sampleRate: number, noiseMultiplier: number, order: number): number {
  const q = sampleRate;
  const sigma = noiseMultiplier;
  const alpha = order;
  if (q === 0 || sigma === Infinity) return 0;
  if (q === 1) return alpha / (2 * sigma * sigma); // Mironov 2017, Prop. 7 (plain Gaussian)
  if (!Number.isFinite(alpha / (sigma * sigma))) return Infinity; // σ so small that e^{1/(2σ²)} is ∞
  if (Number.isInteger(alpha)) return logAddExp(0, logAMinusOneInteger(q, sigma, alpha)) / (alpha - 1);
  const logAm1 = logAMinusOneQuadrature(q, sigma, alpha);
  if (!Number.isNaN(logAm1)) return logAddExp(0, logAm1) / (alpha - 1);
  return convexityBound(q, sigma, alpha) / (alpha - 1);
}

/**
 * Upper bound on log A_α at fractional α from its integer neighbours n < α < n + 1: log A_α is convex
 * in α (Hölder's inequality: A_α = E[X^α] is log-convex in α), so it lies below the chord,
 * log A_α ≤ (n + 1 − α)·log A_n + (α − n)·log A_{n+1}, with log A_1 = 0. Used only when the quadrature
 * cannot converge within its budget (σ ≲ 0.05, where ε is astronomically large anyway): the
 * result is then a valid, slightly loose, upper bound instead of a hang.
 */
export function convexityBound(q: number, sigma: number, alpha: number): number {
  const n = Math.floor(alpha);
  const logA = (k: number): number => (k === 1 ? 0 : logAddExp(0, logAMinusOneInteger(q, sigma, k)));
  return (n + 1 - alpha) * logA(n) + (alpha - n) * logA(n + 1);
}

/** log(A_α − 1) for integer α ≥ 2 by the finite binomial sum (MTZ 2019, §3.3). */
export function logAMinusOneInteger(q: number, sigma: number, alpha: number): number {
  const logQ = Math.log(q);
  const log1mQ = Math.log1p(-q);
  const twoSigma2 = 2 * sigma * sigma;
  let logBinom = Math.log(alpha); // log C(α, 1)
  let max = -Infinity;
  const terms = new Float64Array(alpha - 1);
  for (let k = 2; k <= alpha; k++) {
    logBinom += Math.log(alpha - k + 1) - Math.log(k);
    const x = (k * k - k) / twoSigma2;
    // For huge σ, x underflows (to 0 once 2σ² overflows): then log(e^x − 1) = log x, taken in logs.
    const logExpm1X = x > 1e-300 ? logExpm1(x) : Math.log(k * k - k) - Math.LN2 - 2 * Math.log(sigma);
    const t = logBinom + (alpha - k) * log1mQ + k * logQ + logExpm1X;
    terms[k - 2] = t;
    if (t > max) max = t;
  }
  if (max === Infinity) return Infinity;
  let s = 0;
  for (let i = 0; i < terms.length; i++) s += Math.exp(terms[i] - max);
  return max + Math.log(s);
}

/**
 * log g(u) for |u| < 1e-150 from log|u| (u itself, or u², may underflow there: q = 1e-300):
 * g(u) = C(α,2)·u²·(1 + (α−2)u/3 + O(α²u²)), exact in float64 at such u.
 */
export function logGTiny(logAbsU: number, negative: boolean, alpha: number): number {
  const u = negative ? -Math.exp(logAbsU) : Math.exp(logAbsU);
  return Math.log((alpha * (alpha - 1)) / 2) + 2 * logAbsU + Math.log1p(((alpha - 2) * u) / 3);
}

/** Below this log|u|, {@link logG}'s series would square an underflowing u: {@link logGTiny} is used. */
const LOG_TINY_U = -345;

/** log g(u), g(u) = (1+u)^α − 1 − αu, accurate to a few ulps relative for α ≥ 1.01, u > −1. */
export function logG(u: number, alpha: number): number {
  if (u === 0) return -Infinity;
  if (Math.abs(u) <= 0.05) {
    // Binomial series Σ_{k≥2} C(α,k) u^k: no cancellation between 1 and αu.
    let c = (alpha * (alpha - 1)) / 2;
    let p = u * u;
    let s = c * p;
    for (let k = 3; k < 400; k++) {
      c *= (alpha - k + 1) / k;
      p *= u;
      const term = c * p;
      s += term;
      if (Math.abs(term) <= 1e-18 * Math.abs(s) && k > alpha + 1) break;
    }
    return Math.log(s);
  }
  const aL = alpha * Math.log1p(u);
  if (aL > 1) return aL + log1mExp(Math.log1p(alpha * u) - aL);
  return Math.log(Math.expm1(aL) - alpha * u);
}

const TAIL_NATS = 46; // terms below e^-46 ≈ 1e-20 of the largest one are dropped
const MAX_HALVINGS = 8;
/** Points on the first grid at most; finer grids only as the convergence check demands. */
const MAX_INITIAL_POINTS = 4000;
/** Evaluations per order at most, all halvings included; past it the quadrature gives up (NaN). */
const MAX_EVALUATIONS = 600_000;

/**
 * log(A_α − 1) for any α > 1 by the geometrically convergent trapezoid rule (see the file comment).
 * The first step is the strip-based h, but no finer than the range over {@link MAX_INITIAL_POINTS}
 * and no coarser than 0.35 (the Gaussian factor's scale); the halving check then decides. Returns NaN
 * when it has not converged within {@link MAX_EVALUATIONS} (only for σ ≲ 0.05).
 */
export function logAMinusOneQuadrature(q: number, sigma: number, alpha: number): number {
  const c = 1 / (2 * sigma * sigma);
  const logQ = Math.log(q);
  const logAlpha = Math.log(alpha);
  const logF = (t: number): number => {
    const s = t / sigma - c;
    if (s <= 0) {
      const u = q * Math.expm1(s);
      if (u < -1e-150) return logNormalPdf(t) + logG(u, alpha);
      if (s === 0) return -Infinity; // u = 0
      return logNormalPdf(t) + logGTiny(logQ + Math.log(-Math.expm1(s)), true, alpha);
    }
    const logU = logQ + logExpm1(s);
    if (logU < LOG_TINY_U) return logNormalPdf(t) + logGTiny(logU, false, alpha);
    if (logU <= 3) return logNormalPdf(t) + logG(Math.exp(logU), alpha);
    // u > 20: stay in log space, (1+u)^α may overflow.
    const aL = alpha * logAddExp(0, logU);
    return logNormalPdf(t) + aL + log1mExp(logAddExp(0, logAlpha + logU) - aL);
  };
  const a = Math.min((Math.PI * sigma) / 2, 2.5);
  const t0 = 1 / (2 * sigma); // u(t0) = 0
  const rightStop = Math.max(0, t0) + (alpha + 2) / sigma + 4;
  const leftStop = Math.min(0, t0) - 4;
  let h = Math.min(0.35, Math.max((2 * Math.PI * a) / 45, (rightStop - leftStop + 20) / MAX_INITIAL_POINTS));
  let evaluations = 0;
  if ((rightStop - leftStop) / h > MAX_EVALUATIONS) return NaN; // the walk alone would exceed the budget

  // Walk outwards from t0 on the grid k·h until the integrand is negligible and provably decaying.
  const values: number[] = [];
  let max = -Infinity;
  const k0 = Math.round(t0 / h);
  let kHi = k0;
  for (;; kHi++) {
    const v = logF(kHi * h);
    values.push(v);
    if (v > max) max = v;
    if (kHi * h > rightStop && v < max - TAIL_NATS) break;
    if (kHi - k0 > MAX_EVALUATIONS) return NaN;
  }
  let kLo = k0;
  for (;;) {
    kLo--;
    const v = logF(kLo * h);
    values.push(v);
    if (v > max) max = v;
    if (kLo * h < leftStop && v < max - TAIL_NATS) break;
    if (k0 - kLo > MAX_EVALUATIONS) return NaN;
  }
  evaluations = values.length;
  if (max === Infinity) return Infinity;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  let estimate = h * sum; // in units of e^max

  for (let halving = 0; halving < MAX_HALVINGS; halving++) {
    evaluations += kHi - kLo;
    if (evaluations > MAX_EVALUATIONS) return NaN;
    let mid = 0;
    for (let k = kLo; k < kHi; k++) mid += Math.exp(logF((k + 0.5) * h) - max);
    const refined = 0.5 * estimate + 0.5 * h * mid;
    const converged = Math.abs(refined - estimate) <= 1e-10 * refined;
    estimate = refined;
    h /= 2;
    kLo *= 2;
    kHi *= 2;
    if (converged) return max + Math.log(estimate);
  }
  return NaN;
}
