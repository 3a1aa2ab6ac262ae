/**
 * The error helpers every part of the auditor shares: `show` (the accountant's value formatter, so
 * all of privkit's messages print values alike), `invalid`, which throws INVALID_ARGUMENT, and the
 * argument checks the folders have in common. Messages follow the house form "`name` must be …; got
 * …." and are built only on failure. Folder-specific checks live in each folder's
 * `_internals/validate.ts`, which re-exports these.
 */
import { PrivkitError } from '../../accountant/PrivkitError.js';
import { show } from '../../accountant/_internals/validate.js';

export { show };

/** Throws `INVALID_ARGUMENT` with `message` (and `details`). */
export function invalid(message: string, details?: Record<string, unknown>): never {
  throw new PrivkitError('INVALID_ARGUMENT', message, details);
}

/** Throws unless `options` is an object (so that reading its fields cannot throw a TypeError). */
export function requireOptions(name: string, options: unknown): void {
  if (options === null || typeof options !== 'object') {
    invalid(`\`${name}\` must be an options object; got ${show(options)}.`, { field: name });
  }
}

/** Throws unless `value` is array-like: an object with a numeric `length` (not a string). */
export function requireArrayLike(name: string, value: unknown): void {
  const ok = value !== null && typeof value === 'object' && typeof (value as { length?: unknown }).length === 'number';
  if (!ok) invalid(`\`${name}\` must be an array; got ${show(value)}.`, { field: name });
}

/** Throws unless `value` is a function. */
export function requireFunction(name: string, value: unknown): void {
  if (typeof value !== 'function') invalid(`\`${name}\` must be a function; got ${show(value)}.`, { field: name });
}

/** An integer in [min, max], else INVALID_ARGUMENT ("an integer ≥ min" when max is the largest safe integer). */
export function requireInteger(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    invalid(`\`${name}\` must be ${range}; got ${show(value)}.`, { field: name, value });
  }
  return value;
}

/** A finite number > 0, else INVALID_ARGUMENT. */
export function requirePositive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0) || value === Infinity) {
    invalid(`\`${name}\` must be a finite number > 0; got ${show(value)}.`, { field: name, value });
  }
  return value;
}

/** One of `allowed`, else INVALID_ARGUMENT naming them. */
export function requireOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    invalid(`\`${name}\` must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; got ${show(value)}.`, {
      field: name,
      value,
    });
  }
  return value as T;
}

/** Throws unless `value` is a string. */
export function requireString(name: string, value: unknown): string {
  if (typeof value !== 'string') invalid(`\`${name}\` must be a string; got ${show(value)}.`, { field: name });
  return value;
}

/**
 * A seed: an integer in [0, 2³² − 1], the range the CLI's `--seed` takes. Seeds are folded to 32
 * bits (`>>> 0`) before they reach a generator, so anything else (NaN, −1, 1.5, 2³²) would silently
 * collide with a valid seed.
 */
export function requireSeed(name: string, value: unknown): number {
  return requireInteger(name, value, 0, 2 ** 32 - 1);
}
