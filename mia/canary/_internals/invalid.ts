/** Shorthand for the INVALID_ARGUMENT errors of privkit/mia/canary; messages are built only on failure. */
import { PrivkitError } from '../../../accountant/PrivkitError.js';

/** Throws `PrivkitError('INVALID_ARGUMENT', message())` unless `condition` holds. */
export function check(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new PrivkitError('INVALID_ARGUMENT', message());
}

/** A PrivkitError with code INVALID_ARGUMENT. */
export function invalid(message: string): PrivkitError {
  return new PrivkitError('INVALID_ARGUMENT', message);
}

/** Checks an optional positive-integer option and returns it or its default. */
export function positiveIntegerOption(value: number | undefined, name: string, defaultValue: number): number {
  if (value === undefined) return defaultValue;
  check(Number.isSafeInteger(value) && value >= 1, () => `\`${name}\` must be an integer ≥ 1; got ${String(value)}.`);
  return value;
}

/** Quotes a string for an error message, shortened past 80 characters. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}
