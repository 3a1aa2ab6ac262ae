/**
 * Input checks shared by the audit statistics. Messages follow the house form
 * "`name` must be …; got ….", and are built only on failure.
 */
import { invalid, requireOptions, show } from '../../_internals/invalid.js';

export { invalid, requireOptions, show };

/** Throws unless `value` is an integer in [min, Number.MAX_SAFE_INTEGER]. */
export function requireCount(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    invalid(`\`${name}\` must be an integer ≥ ${min}; got ${show(value)}.`, { field: name, value, range: `integer ≥ ${min}` });
  }
  return value;
}

/** Throws unless `value` ≤ `bound` (both already validated counts). */
export function requireAtMost(name: string, value: number, boundName: string, bound: number): void {
  if (value > bound) {
    invalid(`\`${name}\` must be ≤ \`${boundName}\` (${bound}); got ${value}.`, { field: name, value, bound });
  }
}

/** Throws unless `value` is a number in the open interval (0, 1) (NaN fails). */
export function requireOpenUnit(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    invalid(`\`${name}\` must be in (0, 1); got ${show(value)}.`, { field: name, value, range: '(0, 1)' });
  }
  return value;
}

/** Throws unless `value` is a number in [0, 1) (NaN fails). */
export function requireDelta(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    invalid(`\`${name}\` must be in [0, 1); got ${show(value)}.`, { field: name, value, range: '[0, 1)' });
  }
  return value;
}
