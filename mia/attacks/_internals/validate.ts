/** Option checks shared by the attacks; every failure is a PrivkitError('INVALID_ARGUMENT'). */
import { PrivkitError } from '../../../accountant/index.js';

/** Formats a value for an error message: numbers as JS prints them, everything else as JSON. */
export function show(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Throws INVALID_ARGUMENT with `message` (and `details`). */
export function invalid(message: string, details?: Record<string, unknown>): never {
  throw new PrivkitError('INVALID_ARGUMENT', message, details);
}

/** A finite number > 0, else INVALID_ARGUMENT. */
export function requirePositive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0) || value === Infinity) {
    invalid(`\`${name}\` must be a finite number > 0; got ${show(value)}.`, { field: name, value });
  }
  return value;
}

/** A number in [min, max], else INVALID_ARGUMENT. */
export function requireClosed(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !(value >= min && value <= max)) {
    invalid(`\`${name}\` must be in [${min}, ${max}]; got ${show(value)}.`, { field: name, value });
  }
  return value;
}

/** An integer in [min, max], else INVALID_ARGUMENT. */
export function requireInteger(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    invalid(`\`${name}\` must be ${range}; got ${show(value)}.`, { field: name, value });
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
