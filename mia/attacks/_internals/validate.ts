/** Option checks shared by the attacks; every failure is a PrivkitError('INVALID_ARGUMENT'). */
import { invalid, show } from '../../_internals/invalid.js';

export { invalid, show };

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
