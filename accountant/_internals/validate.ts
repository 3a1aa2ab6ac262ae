import { PrivkitError } from '../PrivkitError.js';

/** Longest {@link show} output; longer text is cut and ends in "…". */
const SHOW_LIMIT = 200;

/**
 * Formats a value for an error message: numbers as JS prints them, everything else as JSON, cut to
 * a couple of hundred characters (a message never carries a whole hostile file).
 */
export function show(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = plainString(value); // cyclic or too deep for JSON.stringify
  }
  return text.length > SHOW_LIMIT ? `${text.slice(0, SHOW_LIMIT)}…` : text;
}

function plainString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value); // e.g. an object without a prototype
  }
}

/** Interval description used in messages, e.g. "(0, 1]". */
export interface Range {
  readonly min: number;
  readonly max: number;
  readonly minOpen?: boolean;
  readonly maxOpen?: boolean;
}

function describe(r: Range): string {
  const lo = r.min === -Infinity ? '(-∞' : `${r.minOpen ? '(' : '['}${r.min}`;
  const hi = r.max === Infinity ? '∞)' : `${r.max}${r.maxOpen ? ')' : ']'}`;
  return `${lo}, ${hi}`;
}

/** Throws `INVALID_ARGUMENT` unless `value` is a number inside `range`. NaN always fails. */
export function requireInRange(name: string, value: unknown, range: Range): number {
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (range.minOpen ? value > range.min : value >= range.min) &&
    (range.maxOpen ? value < range.max : value <= range.max);
  if (!ok) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`${name}\` must be in ${describe(range)}; got ${show(value)}.`, {
      field: name,
      value,
      range: describe(range),
    });
  }
  return value as number;
}

/** Throws `INVALID_ARGUMENT` unless `value` is a finite number > 0. */
export function requirePositiveFinite(name: string, value: unknown): number {
  return requireInRange(name, value, { min: 0, max: Infinity, minOpen: true, maxOpen: true });
}

/** Throws `INVALID_ARGUMENT` unless `value` is an integer in [min, max]. */
export function requireInteger(name: string, value: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    throw new PrivkitError('INVALID_ARGUMENT', `\`${name}\` must be ${range}; got ${show(value)}.`, {
      field: name,
      value,
    });
  }
  return value;
}
