/**
 * Conversion between Rényi DP curves and (ε, δ)-DP.
 *
 * ε(α) = RDP(α) + log1p(−1/α) − (log δ + log α)/(α − 1), minimised over the orders — Canonne, Kamath &
 * Steinke 2020 (arXiv 2004.00010, Prop. 12), also Balle et al. 2020 (arXiv 1905.09982, Thm 21). As in
 * dp_accounting: orders α ≤ 1.01 are skipped (the bound is unstable there and never optimal), and an
 * order with δ² ≥ 1 − e^{−RDP(α)} certifies ε = 0, because RDP(α) ≥ KL and TV ≤ √(1 − e^{−KL})
 * (Bretagnolle–Huber). The result is clamped at 0. Unlike dp_accounting, that test and the δ it gives
 * are computed as ½·log(−expm1(−RDP)) in both directions, accurate for tiny RDP and consistent, so
 * that ε → δ → ε never increases ε.
 */
import { PrivkitError } from './PrivkitError.js';
import { log1mExp } from './base/logMath.js';
import { requireInRange } from './base/check.js';

/** An ε (or δ) and the RDP order that attains it. */
export interface EpsilonAtOrder {
  /** ε ≥ 0, +∞ when no order gives a finite bound. */
  readonly epsilon: number;
  /** The optimal order, or `null` when ε is infinite. */
  readonly order: number | null;
}

/** A δ and the RDP order that attains it. */
export interface DeltaAtOrder {
  /** δ in [0, 1]. */
  readonly delta: number;
  /** The optimal order, or `null` when δ = 1 is all that can be said. */
  readonly order: number | null;
}

function checkCurve(orders: readonly number[], rdp: ArrayLike<number>): void {
  if (orders.length !== rdp.length || orders.length === 0) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`orders\` and \`rdp\` must be non-empty and of equal length; got ${orders.length} and ${rdp.length}.`);
  }
  for (let i = 0; i < orders.length; i++) {
    requireInRange(`orders[${i}]`, orders[i], { min: 1, max: Infinity, minOpen: true });
    requireInRange(`rdp[${i}]`, rdp[i], { min: 0, max: Infinity });
  }
}

/**
 * Smallest ε such that the mechanism is (ε, δ)-DP, given its RDP curve.
 * @param orders - RDP orders α > 1.
 * @param rdp - RDP values at those orders (≥ 0, may be +∞).
 * @param delta - δ in (0, 1).
 * @returns ε and the optimal order.
 * @throws PrivkitError `INVALID_ARGUMENT` for δ outside (0, 1) or a malformed curve.
 * @example
 * ```ts
 * epsilonFromRdp([2, 4, 8], [0.1, 0.2, 0.4], 1e-5).epsilon;
 * ```
 */
export function epsilonFromRdp(orders: readonly number[], rdp: ArrayLike<number>, delta: number): EpsilonAtOrder {
  requireInRange('delta', delta, { min: 0, max: 1, minOpen: true, maxOpen: true });
  checkCurve(orders, rdp);
  const logDelta = Math.log(delta);
  let best = Infinity;
  let bestOrder: number | null = null;
  for (let i = 0; i < orders.length; i++) {
    const a = orders[i];
    const r = rdp[i];
    let eps: number;
    if (r === Infinity) eps = Infinity;
    else if (logDelta >= bretagnolleHuberLogDelta(r)) eps = 0;
    else if (a > 1.01) eps = r + Math.log1p(-1 / a) - (logDelta + Math.log(a)) / (a - 1);
    else eps = Infinity;
    if (eps < best) {
      best = eps;
      bestOrder = a;
    }
  }
  return { epsilon: Math.max(0, best), order: bestOrder };
}

/**
 * Smallest δ such that the mechanism is (ε, δ)-DP, given its RDP curve (the inverse of
 * {@link epsilonFromRdp}: δ(ε) = min_α exp((α − 1)(RDP(α) − ε + log1p(−1/α)) − log α), and the
 * Bretagnolle–Huber bound √(1 − e^{−RDP(α)})).
 * @param orders - RDP orders α > 1.
 * @param rdp - RDP values at those orders.
 * @param epsilon - ε ≥ 0.
 * @returns δ in [0, 1] and the optimal order.
 * @throws PrivkitError `INVALID_ARGUMENT` for ε < 0 or NaN, or a malformed curve.
 * @example
 * ```ts
 * deltaFromRdp([2, 4, 8], [0.1, 0.2, 0.4], 1).delta;
 * ```
 */
export function deltaFromRdp(orders: readonly number[], rdp: ArrayLike<number>, epsilon: number): DeltaAtOrder {
  requireInRange('epsilon', epsilon, { min: 0, max: Infinity });
  checkCurve(orders, rdp);
  let best = Infinity;
  let bestOrder: number | null = null;
  for (let i = 0; i < orders.length; i++) {
    const a = orders[i];
    const r = rdp[i];
    let logDelta = bretagnolleHuberLogDelta(r);
    if (a > 1.01 && r !== Infinity && epsilon !== Infinity) {
      const rdpBound = (a - 1) * (r - epsilon + Math.log1p(-1 / a)) - Math.log(a);
      if (rdpBound < logDelta) logDelta = rdpBound;
    }
    if (epsilon === Infinity && r !== Infinity) logDelta = -Infinity;
    if (logDelta < best) {
      best = logDelta;
      bestOrder = a;
    }
  }
  if (bestOrder === null) return { delta: 1, order: null };
  // Rounded up (by an ulp at a time) until log(δ) is not below the bound it came from, so that
  // epsilonFromRdp(δ) certifies at most the same ε: the ε → δ → ε round trip holds in float64 too.
  let delta = Math.exp(best);
  for (let i = 0; i < 4 && delta < 1 && Math.log(delta) < best; i++) delta = nextUp(delta);
  return { delta: Math.min(delta, 1), order: bestOrder };
}

/** The next double above a positive finite x. */
function nextUp(x: number): number {
  const f = new Float64Array([x]);
  const bits = new BigUint64Array(f.buffer);
  bits[0] += 1n;
  return f[0];
}

/**
 * log of the Bretagnolle–Huber bound √(1 − e^{−RDP(α)}) on the total variation (RDP(α) ≥ KL for
 * α > 1), which certifies (0, δ)-DP for any δ at or above it. −∞ when RDP(α) = 0.
 */
function bretagnolleHuberLogDelta(r: number): number {
  return r === 0 ? -Infinity : 0.5 * log1mExp(-r);
}
