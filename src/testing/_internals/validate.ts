/**
 * Argument checks of privkit/testing. Every failure is a PrivkitError('INVALID_ARGUMENT') whose message
 * names the argument, in the house form "`name` must be …; got …." (values printed by privkit's shared
 * `show`, as everywhere in privkit), built only on failure. The size limits keep an arbitrary's draws
 * and a statistical test's sample arrays within memory: beyond them a typo (1e12) would be an
 * allocation failure or an endless draw, not a test.
 */
import fc from 'fast-check';
import { check, invalid, requireOpenUnit, requireOptions, show } from '../../../accountant/index.js';
import type { PrivacyClaim } from '../checkDp.js';

/** Most records in a dataset or batch an arbitrary draws. */
export const MAX_RECORDS = 1_000_000;
/** Most numbers in one record (a vector, a tensor's values) or classes of a classifier. */
export const MAX_VALUES = 1_000_000;
/** Most draws per dataset of a statistical test (8 bytes each, per output coordinate). */
export const MAX_SAMPLES = 100_000_000;

/** Throws unless `value` is a fast-check arbitrary (or quacks like one, for a second copy of fast-check). */
export function requireArbitrary(name: string, value: unknown): void {
  const ok =
    value instanceof fc.Arbitrary ||
    (value !== null && typeof value === 'object' && typeof (value as fc.Arbitrary<unknown>).generate === 'function' && typeof (value as fc.Arbitrary<unknown>).shrink === 'function');
  if (!ok) invalid(`\`${name}\` must be a fast-check arbitrary; got ${show(value)}.`);
}

/**
 * A count with a size limit: an integer ≥ `min` ("must be an integer ≥ min" below it or not an integer),
 * and at most `max` ("must be at most max" above it, so that 1e12 reads as too many, not as a bad type).
 */
export function requireCount(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  check(typeof value === 'number' && Number.isInteger(value) && value >= min, () => `\`${name}\` must be an integer ≥ ${min}; got ${show(value)}.`);
  check(value <= max, () => `\`${name}\` must be at most ${max}; got ${show(value)}.`);
  return value;
}

/** The claim's ε ≥ 0 (∞ allowed) and δ in [0, 1), δ defaulting to 0. */
export function claimOf(claim: PrivacyClaim): { epsilon: number; delta: number } {
  requireOptions('claim', claim);
  const { epsilon } = claim;
  const delta = claim.delta ?? 0;
  check(typeof epsilon === 'number' && epsilon >= 0, () => `\`epsilon\` must be in [0, ∞]; got ${show(epsilon)}.`);
  check(typeof delta === 'number' && delta >= 0 && delta < 1, () => `\`delta\` must be in [0, 1); got ${show(delta)}.`);
  return { epsilon, delta };
}

/** A confidence 1 − α in (0, 1). */
export function confidenceOf(confidence: unknown): number {
  return requireOpenUnit('confidence', confidence);
}

/** Draws per dataset: an integer in [20, 10⁸]. */
export function samplesOf(name: string, samples: unknown): number {
  return requireCount(name, samples, 20, MAX_SAMPLES);
}
