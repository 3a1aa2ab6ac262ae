/**
 * The number of DP-SGD steps a privacy budget allows: the largest T with ε(T) ≤ target. ε is
 * non-decreasing in T (composition only adds privacy loss), so a doubling-then-bisection search finds it.
 */
import { PrivkitError } from './PrivkitError.js';
import { dpSgdEpsilon } from './calibrateNoiseMultiplier.js';
import type { AccountantSpec } from './createAccountant.js';
import { requireInRange, requireInteger } from './_internals/validate.js';

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
  const within = (steps: number): boolean => dpSgdEpsilon(spec, sigma, q, steps, delta) <= target;
  if (!within(1)) {
    throw new PrivkitError(
      'UNREACHABLE_TARGET',
      `One step already exceeds \`targetEpsilon\` ${target} (noiseMultiplier = ${sigma}, sampleRate = ${q}, δ = ${delta}).`,
      { targetEpsilon: target },
    );
  }
  let lo = 1;
  let hi = 2;
  while (hi <= limit && within(hi)) {
    lo = hi;
    hi *= 2;
  }
  if (hi > limit) {
    if (within(limit)) return limit;
    hi = limit;
  }
  // Invariant: within(lo), !within(hi).
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (within(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}
