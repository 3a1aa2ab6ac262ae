/**
 * privkit's one validation family, shared by its packages: {@link check} (tfjs `util.assert(cond,
 * () => msg)`: the message is built only on failure), {@link invalid} (always throws), {@link show}
 * (how a bad value is printed) and the `require*` checks, one function per check. Every failure is a
 * {@link PrivkitError}, `INVALID_ARGUMENT` unless told otherwise, whose message has the house form
 * "`name` must be …; got …." and whose `details` name the field and the value.
 */
import { PrivkitError, type PrivkitErrorCode } from '../PrivkitError.js';

/** Longest {@link show} output; longer text is cut and ends in "…". */
const SHOW_LIMIT = 200;

/**
 * Throws `PrivkitError(code, message(), details)` unless `condition` holds; the message is built only
 * on failure.
 * @param condition - what must hold.
 * @param message - builds the error message, e.g. "`k` must be ≤ `n` (10); got 11.".
 * @param code - the error's code. @defaultValue 'INVALID_ARGUMENT'
 * @param details - structured details for the error (the field, the value).
 * @throws PrivkitError `code` when `condition` is false.
 * @example
 * ```ts
 * check(k <= n, () => `\`k\` must be ≤ \`n\` (${n}); got ${k}.`);
 * ```
 */
export function check(
  condition: boolean,
  message: () => string,
  code: PrivkitErrorCode = 'INVALID_ARGUMENT',
  details?: Record<string, unknown>,
): asserts condition {
  if (!condition) throw new PrivkitError(code, message(), details);
}

/**
 * Throws `PrivkitError('INVALID_ARGUMENT', message, details)`; never returns (so `throw invalid(…)`
 * and `invalid(…)` mean the same).
 * @param message - the error message in the house form.
 * @param details - structured details (the field, the value).
 * @throws PrivkitError `INVALID_ARGUMENT`, always.
 * @example
 * ```ts
 * if (rows.length === 0) invalid('`rows` must not be empty; got 0 rows.', { field: 'rows' });
 * ```
 */
export function invalid(message: string, details?: Record<string, unknown>): never {
  throw new PrivkitError('INVALID_ARGUMENT', message, details);
}

/**
 * Formats a value for an error message: numbers as JavaScript prints them, everything else as JSON,
 * cut to a couple of hundred characters (a message never carries a whole hostile file).
 * @param value - anything (cyclic and prototype-less objects included).
 * @returns a short text for the value.
 * @example
 * ```ts
 * show(NaN); // 'NaN'
 * show('a'); // '"a"'
 * ```
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

/** An interval of the real line, for {@link requireInRange}; printed as e.g. "(0, 1]". */
export interface Range {
  readonly min: number;
  readonly max: number;
  /** Whether `min` itself is excluded. @defaultValue false */
  readonly minOpen?: boolean;
  /** Whether `max` itself is excluded. @defaultValue false */
  readonly maxOpen?: boolean;
}

/**
 * How a {@link Range} is written in messages: "(0, 1]", "[0, ∞)", "(-∞, 5]".
 * @param range - the interval.
 * @returns its text.
 * @example
 * ```ts
 * describeRange({ min: 0, max: 1, minOpen: true }); // '(0, 1]'
 * ```
 */
export function describeRange(range: Range): string {
  const lo = range.min === -Infinity ? '(-∞' : `${range.minOpen ? '(' : '['}${range.min}`;
  const hi = range.max === Infinity ? '∞)' : `${range.max}${range.maxOpen ? ')' : ']'}`;
  return `${lo}, ${hi}`;
}

/**
 * A number inside `range` (NaN always fails), else INVALID_ARGUMENT "`name` must be in (0, 1]; got 2.".
 * @param name - the argument's name in the message.
 * @param value - the value to check.
 * @param range - the allowed interval.
 * @returns `value`, typed as a number.
 * @throws PrivkitError `INVALID_ARGUMENT` with details `{ field, value, range }`.
 * @example
 * ```ts
 * const q = requireInRange('sampleRate', options.sampleRate, { min: 0, max: 1, minOpen: true });
 * ```
 */
export function requireInRange(name: string, value: unknown, range: Range): number {
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (range.minOpen ? value > range.min : value >= range.min) &&
    (range.maxOpen ? value < range.max : value <= range.max);
  if (!ok) {
    const text = describeRange(range);
    invalid(`\`${name}\` must be in ${text}; got ${show(value)}.`, { field: name, value, range: text });
  }
  return value as number;
}

/**
 * A number in the open interval (0, 1), e.g. a confidence: {@link requireInRange} on (0, 1).
 * @param name - the argument's name.
 * @param value - the value to check.
 * @returns `value`.
 * @throws PrivkitError `INVALID_ARGUMENT` "`name` must be in (0, 1); got ….".
 * @example
 * ```ts
 * requireOpenUnit('confidence', 0.95);
 * ```
 */
export function requireOpenUnit(name: string, value: unknown): number {
  return requireInRange(name, value, { min: 0, max: 1, minOpen: true, maxOpen: true });
}

/**
 * A number in [0, 1], e.g. a rate: {@link requireInRange} on [0, 1].
 * @param name - the argument's name.
 * @param value - the value to check.
 * @returns `value`.
 * @throws PrivkitError `INVALID_ARGUMENT` "`name` must be in [0, 1]; got ….".
 * @example
 * ```ts
 * requireFraction('fpr', 0.01);
 * ```
 */
export function requireFraction(name: string, value: unknown): number {
  return requireInRange(name, value, { min: 0, max: 1 });
}

/**
 * A δ of (ε, δ)-DP: a number in [0, 1), {@link requireInRange} on [0, 1).
 * @param name - the argument's name.
 * @param value - the value to check.
 * @returns `value`.
 * @throws PrivkitError `INVALID_ARGUMENT` "`name` must be in [0, 1); got ….".
 * @example
 * ```ts
 * requireDelta('delta', 1e-5);
 * ```
 */
export function requireDelta(name: string, value: unknown): number {
  return requireInRange(name, value, { min: 0, max: 1, maxOpen: true });
}

/**
 * A finite number > 0, else INVALID_ARGUMENT "`name` must be a finite number > 0; got ….". (The same
 * set as {@link requireInRange} on (0, ∞), in words.)
 * @param name - the argument's name.
 * @param value - the value to check.
 * @returns `value`.
 * @throws PrivkitError `INVALID_ARGUMENT` with details `{ field, value }`.
 * @example
 * ```ts
 * requirePositive('learningRate', 0.01);
 * ```
 */
export function requirePositive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0) || value === Infinity) {
    invalid(`\`${name}\` must be a finite number > 0; got ${show(value)}.`, { field: name, value });
  }
  return value;
}

/**
 * A number ≥ 0, +∞ allowed only when `finite` is false, else INVALID_ARGUMENT "`name` must be a
 * finite number ≥ 0; got …." (or "a number ≥ 0").
 * @param name - the argument's name.
 * @param value - the value to check.
 * @param finite - whether +∞ is refused.
 * @returns `value`.
 * @throws PrivkitError `INVALID_ARGUMENT`.
 * @example
 * ```ts
 * requireNonNegative('tolerance', 0, true);
 * ```
 */
export function requireNonNegative(name: string, value: unknown, finite: boolean): number {
  if (typeof value !== 'number' || !(value >= 0) || (finite && value === Infinity)) {
    invalid(`\`${name}\` must be ${finite ? 'a finite number' : 'a number'} ≥ 0; got ${show(value)}.`, { field: name, value });
  }
  return value;
}

/**
 * An integer in [min, max], else INVALID_ARGUMENT "`name` must be an integer ≥ min; got …." (when
 * `max` is the largest safe integer) or "… an integer in [min, max]; got …."
 * @param name - the argument's name.
 * @param value - the value to check.
 * @param min - the smallest allowed value. @defaultValue 0
 * @param max - the largest allowed value. @defaultValue Number.MAX_SAFE_INTEGER
 * @returns `value`.
 * @throws PrivkitError `INVALID_ARGUMENT` with details `{ field, value }`.
 * @example
 * ```ts
 * requireInteger('steps', 1000, 1);
 * ```
 */
export function requireInteger(name: string, value: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    invalid(`\`${name}\` must be ${range}; got ${show(value)}.`, { field: name, value });
  }
  return value;
}

/**
 * A seed: an integer in [0, 2³² − 1], the range the CLI's `--seed` takes. Seeds are folded to 32 bits
 * (`>>> 0`) before they reach a generator, so anything else (NaN, −1, 1.5, 2³²) would silently
 * collide with a valid seed.
 * @param name - the argument's name.
 * @param value - the value to check.
 * @returns `value`.
 * @throws PrivkitError `INVALID_ARGUMENT` "`name` must be an integer in [0, 4294967295]; got ….".
 * @example
 * ```ts
 * requireSeed('seed', 42);
 * ```
 */
export function requireSeed(name: string, value: unknown): number {
  return requireInteger(name, value, 0, 2 ** 32 - 1);
}

/**
 * `value` ≤ `bound` for two already-validated numbers, else INVALID_ARGUMENT "`name` must be ≤
 * `boundName` (bound); got value.".
 * @param name - the checked argument's name.
 * @param value - its value.
 * @param boundName - the bounding argument's name.
 * @param bound - its value.
 * @throws PrivkitError `INVALID_ARGUMENT` with details `{ field, value, bound }`.
 * @example
 * ```ts
 * requireAtMost('successes', 3, 'trials', 100);
 * ```
 */
export function requireAtMost(name: string, value: number, boundName: string, bound: number): void {
  if (value > bound) {
    invalid(`\`${name}\` must be ≤ \`${boundName}\` (${bound}); got ${value}.`, { field: name, value, bound });
  }
}

/**
 * An object, so that reading its fields cannot throw a TypeError; else INVALID_ARGUMENT "`name` must
 * be an options object; got …."
 * @param name - the argument's name.
 * @param value - the value to check.
 * @throws PrivkitError `INVALID_ARGUMENT`.
 * @example
 * ```ts
 * requireOptions('options', options);
 * ```
 */
export function requireOptions(name: string, value: unknown): void {
  if (value === null || typeof value !== 'object') {
    invalid(`\`${name}\` must be an options object; got ${show(value)}.`, { field: name });
  }
}

/**
 * Something array-like: an object with a numeric `length` (not a string); else INVALID_ARGUMENT
 * "`name` must be an array; got …."
 * @param name - the argument's name.
 * @param value - the value to check.
 * @throws PrivkitError `INVALID_ARGUMENT`.
 * @example
 * ```ts
 * requireArrayLike('scores', Float64Array.of(0.1));
 * ```
 */
export function requireArrayLike(name: string, value: unknown): void {
  const ok = value !== null && typeof value === 'object' && typeof (value as { length?: unknown }).length === 'number';
  if (!ok) invalid(`\`${name}\` must be an array; got ${show(value)}.`, { field: name });
}

/**
 * A function, else INVALID_ARGUMENT "`name` must be a function; got …."
 * @param name - the argument's name.
 * @param value - the value to check.
 * @throws PrivkitError `INVALID_ARGUMENT`.
 * @example
 * ```ts
 * requireFunction('mechanism', mechanism);
 * ```
 */
export function requireFunction(name: string, value: unknown): void {
  if (typeof value !== 'function') invalid(`\`${name}\` must be a function; got ${show(value)}.`, { field: name });
}

/**
 * A string, else INVALID_ARGUMENT "`name` must be a string; got …."
 * @param name - the argument's name.
 * @param value - the value to check.
 * @returns `value`.
 * @throws PrivkitError `INVALID_ARGUMENT`.
 * @example
 * ```ts
 * requireString('title', 'Audit');
 * ```
 */
export function requireString(name: string, value: unknown): string {
  if (typeof value !== 'string') invalid(`\`${name}\` must be a string; got ${show(value)}.`, { field: name });
  return value;
}

/**
 * A boolean, else INVALID_ARGUMENT "`name` must be true or false; got …."
 * @param name - the argument's name.
 * @param value - the value to check.
 * @returns `value`.
 * @throws PrivkitError `INVALID_ARGUMENT`.
 * @example
 * ```ts
 * requireBoolean('shrink', true);
 * ```
 */
export function requireBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') invalid(`\`${name}\` must be true or false; got ${show(value)}.`, { field: name });
  return value;
}

/**
 * One of the strings in `allowed`, else INVALID_ARGUMENT "`name` must be one of 'a', 'b'; got …."
 * @param name - the argument's name.
 * @param value - the value to check.
 * @param allowed - the allowed names.
 * @returns `value`, typed as one of them.
 * @throws PrivkitError `INVALID_ARGUMENT` with details `{ field, value }`.
 * @example
 * ```ts
 * requireOneOf('side', 'upper', ['two-sided', 'upper', 'lower']);
 * ```
 */
export function requireOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    invalid(`\`${name}\` must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; got ${show(value)}.`, { field: name, value });
  }
  return value as T;
}
