/**
 * Privacy-loss profiles of the mechanisms the PLD accountant supports: for a dominating pair (P, Q)
 * with privacy loss L = log(dP/dQ), the tail probabilities P(L > ε), Q(L > ε) and their complements,
 * all in log space so that probabilities of 1e-300 keep their relative precision.
 *
 * Neighbouring relation: add/remove one record (dp_accounting's REMOVE and ADD adjacency types); the
 * accountant reports the worse of the two. With μ = N(0, σ²) and sensitivity 1:
 * - remove: P = (1 − q)·N(0, σ²) + q·N(1, σ²), Q = N(0, σ²), L(x) = log(1 − q + q·e^{(2x−1)/(2σ²)}),
 *   increasing in x (Koskela, Jälkö & Honkela 2020, arXiv 1906.03049, §5; Zhu, Dong & Wang 2022, §3);
 * - add: P = N(0, σ²), Q = (1 − q)·N(0, σ²) + q·N(1, σ²), L(x) = −log(1 − q + q·e^{(2x−1)/(2σ²)}),
 *   decreasing in x and bounded above by −log(1 − q).
 * - Laplace (scale b, L1 sensitivity 1): P = Lap(0, b), Q = Lap(1, b), L ∈ [−1/b, 1/b]; add and remove
 *   give the same loss distribution.
 */
import { log1mExp, logAddExp, logSubExp } from '../../base/logMath.js';
import { logNdtr, logNdtrUpper } from '../../base/normal.js';

/** A privacy-loss distribution given by its tails. */
export interface LossProfile {
  /** Loss range holding all but ~e^{-50} of the P-mass; the grid covers [lo, hi]. */
  readonly lo: number;
  readonly hi: number;
  /** log P(L > ε). */
  logTailP(eps: number): number;
  /** log Q(L > ε). */
  logTailQ(eps: number): number;
  /** log P(L ≤ ε), accurate where P(L > ε) is close to 1. */
  logHeadP(eps: number): number;
  /** log Q(L ≤ ε). */
  logHeadQ(eps: number): number;
}

/** log(e^y − (1 − q)), −∞ where it is not positive; no overflow for large y, no cancellation near 0. */
function logExpMinus(y: number, q: number): number {
  if (y > 1) return y + Math.log1p(-(1 - q) * Math.exp(-y));
  const v = Math.expm1(y) + q;
  return v > 0 ? Math.log(v) : -Infinity;
}

/** Standard-normal quantile at which the tail mass is below e^{-50} (Φ̄(10) ≈ 7.6e-24). */
const Z_TRUNC = 10;

/** The remove-adjacency profile of the Poisson-subsampled Gaussian (q = 1: the plain Gaussian). */
export function sampledGaussianRemove(q: number, sigma: number): LossProfile {
  const logQ = Math.log(q);
  const log1mQ = Math.log1p(-q);
  const s2 = sigma * sigma;
  const loss = (x: number): number => logAddExp(log1mQ, logQ + (2 * x - 1) / (2 * s2));
  // L > ε ⟺ x > xOf(ε); −∞ when every x qualifies (e^ε ≤ 1 − q).
  const xOf = (eps: number): number => {
    const logNum = logExpMinus(eps, q); // log(e^ε − (1 − q))
    return logNum === -Infinity ? -Infinity : s2 * (logNum - logQ) + 0.5;
  };
  return {
    lo: loss(-Z_TRUNC * sigma),
    hi: loss(1 + Z_TRUNC * sigma),
    logTailQ: (eps) => logNdtrUpper(xOf(eps) / sigma),
    logTailP: (eps) => {
      const x = xOf(eps);
      return logAddExp(log1mQ + logNdtrUpper(x / sigma), logQ + logNdtrUpper((x - 1) / sigma));
    },
    logHeadQ: (eps) => logNdtr(xOf(eps) / sigma),
    logHeadP: (eps) => {
      const x = xOf(eps);
      return logAddExp(log1mQ + logNdtr(x / sigma), logQ + logNdtr((x - 1) / sigma));
    },
  };
}

/** The add-adjacency profile of the Poisson-subsampled Gaussian. */
export function sampledGaussianAdd(q: number, sigma: number): LossProfile {
  const logQ = Math.log(q);
  const log1mQ = Math.log1p(-q);
  const s2 = sigma * sigma;
  const loss = (x: number): number => -logAddExp(log1mQ, logQ + (2 * x - 1) / (2 * s2));
  // L > ε ⟺ x < xOf(ε); −∞ when no x qualifies (e^{−ε} ≤ 1 − q).
  const xOf = (eps: number): number => {
    const logNum = logExpMinus(-eps, q); // log(e^{−ε} − (1 − q))
    return logNum === -Infinity ? -Infinity : s2 * (logNum - logQ) + 0.5;
  };
  return {
    lo: loss(Z_TRUNC * sigma),
    hi: loss(-Z_TRUNC * sigma),
    logTailP: (eps) => logNdtr(xOf(eps) / sigma),
    logTailQ: (eps) => {
      const x = xOf(eps);
      return logAddExp(log1mQ + logNdtr(x / sigma), logQ + logNdtr((x - 1) / sigma));
    },
    // L ≤ ε ⟺ x ≥ xOf(ε).
    logHeadP: (eps) => logNdtrUpper(xOf(eps) / sigma),
    logHeadQ: (eps) => {
      const x = xOf(eps);
      return logAddExp(log1mQ + logNdtrUpper(x / sigma), logQ + logNdtrUpper((x - 1) / sigma));
    },
  };
}

/**
 * The Laplace mechanism's profile: with x*(ε) = (1 − εb)/2, L > ε ⟺ x < x* for ε ∈ [−1/b, 1/b), so
 * P(L > ε) = 1 − ½e^{(ε − 1/b)/2} and Q(L > ε) = ½e^{−(ε + 1/b)/2}; L has atoms at ±1/b.
 */
export function laplaceProfile(b: number): LossProfile {
  const m = 1 / b;
  const logTailP = (eps: number): number => {
    if (eps >= m) return -Infinity;
    if (eps < -m) return 0;
    return Math.log1p(-0.5 * Math.exp((eps - m) / 2));
  };
  const logTailQ = (eps: number): number => {
    if (eps >= m) return -Infinity;
    if (eps < -m) return 0;
    return Math.log(0.5) - (eps + m) / 2;
  };
  return {
    lo: -m,
    hi: m,
    logTailP,
    logTailQ,
    logHeadP: (eps) => log1mExp(logTailP(eps)),
    logHeadQ: (eps) => log1mExp(logTailQ(eps)),
  };
}

/** Exact δ(ε) = P(L > ε) − e^ε·Q(L > ε) of one run (the hockey-stick divergence). */
export function profileDelta(profile: LossProfile, eps: number): number {
  const lp = profile.logTailP(eps);
  const lq = profile.logTailQ(eps) + eps;
  if (lp === -Infinity) return 0;
  return lq >= lp ? 0 : Math.exp(logSubExp(lp, lq));
}
