/**
 * The number of DP-SGD steps a privacy budget allows: the largest T with ε(T) ≤ target. ε is
 * non-decreasing in T (composition only adds privacy loss), so doubling brackets it and the shared
 * Illinois search ({@link illinoisSearch}) narrows the bracket to one step.
 */
import { PrivkitError } from './PrivkitError.js';
import { dpSgdEpsilon } from './calibrateNoiseMultiplier.js';
import type { AccountantSpec } from './createAccountant.js';
import { requireInRange, requireInteger } from './base/check.js';
import { illinoisSearch, memoize } from './base/rootFinding.js';

/** Options of {@link maxSteps}. */
export interface MaxStepsOptions {
  /** σ > 0. */
  readonly noiseMultiplier: number;
  /** q in (0, 1]. */
  readonly sampleRate: number;
  /** δ in (0, 1). */
  readonly delta: number;
  /** Target ε > 0. */
  readonly targetEpsilon: number;
  /** Accountant. @defaultValue 'rdp' */
  readonly accountant?: AccountantSpec;
  /** The search stops here: if even this many steps stay within the target, this is returned. @defaultValue 1e9 */
  readonly limit?: number;
}

/**
 * Largest number of steps T ≤ `limit` whose ε stays ≤ `targetEpsilon`.
 * @param options - see {@link MaxStepsOptions}.
 * @returns T ≥ 1.
 * @throws PrivkitError `UNREACHABLE_TARGET` when a single step already exceeds the target;
 *   `INVALID_ARGUMENT` for bad options.
 * @example
 * ```ts
 * maxSteps({ noiseMultiplier: 1.1, sampleRate: 256 / 60000, delta: 1e-5, targetEpsilon: 3 });
 * ```
 */
export function maxSteps(options: MaxStepsOptions): number {
  const sigma = requireInRange('noiseMultiplier', options.noiseMultiplier, { min: 0, max: Infinity, minOpen: true, maxOpen: true });
  const q = requireInRange('sampleRate', options.sampleRate, { min: 0, max: 1, minOpen: true });
  const delta = requireInRange('delta', options.delta, { min: 0, max: 1, minOpen: true, maxOpen: true });
  const target = requireInRange('targetEpsilon', options.targetEpsilon, { min: 0, max: Infinity, minOpen: true, maxOpen: true });
  const limit = requireInteger('limit', options.limit ?? 1e9, 1);
  const spec = options.accountant ?? 'rdp';
  const eps = memoize((steps: number): number => dpSgdEpsilon(spec, sigma, q, steps, delta));
  const within = (steps: number): boolean => eps(steps) <= target;
  if (!within(1)) {
    throw new PrivkitError(
      'UNREACHABLE_TARGET',
      `One step already exceeds \`targetEpsilon\` ${target} (noiseMultiplier = ${sigma}, sampleRate = ${q}, δ = ${delta}).`,
      { targetEpsilon: target },
    );
  }
  let lo = 1;
  // PLD ε is (almost always) below RDP ε, so the cheap RDP answer is a feasible start for PLD.
  if (spec === 'pld') {
    let start = 1;
    try {
      start = maxSteps({ ...options, accountant: 'rdp', limit });
    } catch (e) {
      if (!(e instanceof PrivkitError && e.code === 'UNREACHABLE_TARGET')) throw e; // RDP is looser: one step may exceed it
    }
    if (start > 1 && within(start)) lo = start;
  }
  if (lo === limit) return limit;
  let hi = Math.min(2 * lo, limit);
  while (within(hi)) {
    if (hi === limit) return limit;
    lo = hi;
    hi = Math.min(2 * hi, limit);
  }
  // Invariant: within(lo), !within(hi). ε(T) is close to linear in T (a sum of T losses): regula
  // falsi on ε(T) − target, Illinois-weighted, lands within a few steps; a probe that fails to halve
  // the bracket is followed by a bisection, so it never takes more than ~2·log2(hi − lo) probes.
  const excess = (steps: number): number => eps(steps) - target;
  return illinoisSearch({ f: excess, lo, hi, fLo: excess(lo), fHi: excess(hi), width: 1, margin: 1, integer: true, bisectAfterSlowProbe: true }).lo;
}
