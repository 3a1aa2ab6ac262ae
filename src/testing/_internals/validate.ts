/**
 * Argument checks of privkit/testing. Every failure is a PrivkitError('INVALID_ARGUMENT') whose message
 * names the argument, in the house form "`name` must be …; got …." (values printed by the accountant's
 * `show`, as everywhere in privkit), built only on failure. The size limits keep an arbitrary's draws
 * and a statistical test's sample arrays within memory: beyond them a typo (1e12) would be an
 * allocation failure or an endless draw, not a test.
 */
import fc from 'fast-check';
import { PrivkitError } from '../../../accountant/index.js';
import { show } from '../../../accountant/_internals/validate.js';
import type { PrivacyClaim } from '../checkDp.js';

export { show };

/** Most records in a dataset or batch an arbitrary draws. */
export const MAX_RECORDS = 1_000_000;
/** Most numbers in one record (a vector, a tensor's values) or classes of a classifier. */
export const MAX_VALUES = 1_000_000;
/** Most draws per dataset of a statistical test (8 bytes each, per output coordinate). */
export const MAX_SAMPLES = 100_000_000;

/** Throws INVALID_ARGUMENT with `message`. */
export function invalid(message: string): never {
  throw new PrivkitError('INVALID_ARGUMENT', message);
}

/** Throws unless `value` is an object (so that reading its fields cannot throw a TypeError). */
export function requireOptions(name: string, value: unknown): void {
  if (value === null || typeof value !== 'object') invalid(`\`${name}\` must be an options object; got ${show(value)}.`);
}

/** Throws unless `value` is a function. */
export function requireFunction(name: string, value: unknown): void {
  if (typeof value !== 'function') invalid(`\`${name}\` must be a function; got ${show(value)}.`);
}

/** Throws unless `value` is a fast-check arbitrary (or quacks like one, for a second copy of fast-check). */
export function requireArbitrary(name: string, value: unknown): void {
  const ok =
    value instanceof fc.Arbitrary ||
    (value !== null && typeof value === 'object' && typeof (value as fc.Arbitrary<unknown>).generate === 'function' && typeof (value as fc.Arbitrary<unknown>).shrink === 'function');
  if (!ok) invalid(`\`${name}\` must be a fast-check arbitrary; got ${show(value)}.`);
}

/** Throws unless `value` is a boolean. */
export function requireBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') invalid(`\`${name}\` must be true or false; got ${show(value)}.`);
  return value;
}

/** An integer in [min, max]: "must be an integer ≥ min" below or not an integer, "must be at most max" above. */
export function requireCount(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) invalid(`\`${name}\` must be an integer ≥ ${min}; got ${show(value)}.`);
  if (value > max) invalid(`\`${name}\` must be at most ${max}; got ${show(value)}.`);
  return value;
}

/** A number ≥ 0 (Infinity allowed only when `finite` is false). */
export function requireNonNegative(name: string, value: unknown, finite: boolean): number {
  if (typeof value !== 'number' || !(value >= 0) || (finite && value === Infinity)) {
    invalid(`\`${name}\` must be ${finite ? 'a finite number' : 'a number'} ≥ 0; got ${show(value)}.`);
  }
  return value;
}

/** The claim's ε ≥ 0 (∞ allowed) and δ in [0, 1), δ defaulting to 0. */
export function claimOf(claim: PrivacyClaim): { epsilon: number; delta: number } {
  requireOptions('claim', claim);
  const { epsilon } = claim;
  const delta = claim.delta ?? 0;
  if (!(typeof epsilon === 'number' && epsilon >= 0)) invalid(`\`epsilon\` must be in [0, ∞]; got ${show(epsilon)}.`);
  if (!(typeof delta === 'number' && delta >= 0 && delta < 1)) invalid(`\`delta\` must be in [0, 1); got ${show(delta)}.`);
  return { epsilon, delta };
}

/** A confidence 1 − α in (0, 1). */
export function confidenceOf(confidence: unknown): number {
  if (!(typeof confidence === 'number' && confidence > 0 && confidence < 1)) invalid(`\`confidence\` must be in (0, 1); got ${show(confidence)}.`);
  return confidence;
}

/** Draws per dataset: an integer in [20, 10⁸]. */
export function samplesOf(name: string, samples: unknown): number {
  return requireCount(name, samples, 20, MAX_SAMPLES);
}
