/** Option checks shared by the attacks; every failure is a PrivkitError('INVALID_ARGUMENT'). */
import { invalid, requireArrayLike, requireInteger, requireOneOf, requireOptions, requirePositive, show } from '../../_internals/invalid.js';

export { invalid, requireArrayLike, requireInteger, requireOneOf, requireOptions, requirePositive, show };

/** A number in [min, max], else INVALID_ARGUMENT. */
export function requireClosed(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !(value >= min && value <= max)) {
    invalid(`\`${name}\` must be in [${min}, ${max}]; got ${show(value)}.`, { field: name, value });
  }
  return value;
}
