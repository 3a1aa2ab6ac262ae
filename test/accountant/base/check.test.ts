/** The shared validation family: lazy messages, one behaviour per check, the house message form. */
import { describe, expect, it } from 'vitest';
import {
  PrivkitError,
  check,
  describeRange,
  invalid,
  requireArrayLike,
  requireAtMost,
  requireBoolean,
  requireDelta,
  requireFraction,
  requireFunction,
  requireInRange,
  requireInteger,
  requireNonNegative,
  requireOneOf,
  requireOpenUnit,
  requireOptions,
  requirePositive,
  requireSeed,
  requireString,
  show,
} from '../../../accountant/index.js';

function errorOf(run: () => unknown): PrivkitError {
  try {
    run();
  } catch (e) {
    if (e instanceof PrivkitError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('check and invalid', () => {
  it('check builds its message only on failure, with INVALID_ARGUMENT unless told otherwise', () => {
    let built = 0;
    const message = () => (built++, '`k` must be ≤ 3; got 4.');
    check(true, message);
    expect(built).toBe(0);
    const e = errorOf(() => check(false, message));
    expect([e.code, e.message, built]).toEqual(['INVALID_ARGUMENT', '`k` must be ≤ 3; got 4.', 1]);
    const f = errorOf(() => check(false, () => 'over budget', 'BUDGET_EXCEEDED', { spent: 2 }));
    expect([f.code, f.details]).toEqual(['BUDGET_EXCEEDED', { spent: 2 }]);
  });

  it('invalid throws (it never returns an error to throw)', () => {
    const e = errorOf(() => invalid('`x` is bad.', { field: 'x' }));
    expect([e.code, e.message, e.details]).toEqual(['INVALID_ARGUMENT', '`x` is bad.', { field: 'x' }]);
  });

  it('show prints numbers as JavaScript does, the rest as JSON, cut at 200 characters', () => {
    expect(show(Number.NaN)).toBe('NaN');
    expect(show(-Infinity)).toBe('-Infinity');
    expect(show('a')).toBe('"a"');
    expect(show(undefined)).toBe('undefined');
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    expect(show(cyclic)).toBe('[object Object]');
    expect(show('x'.repeat(500))).toHaveLength(201);
  });
});

describe('require*', () => {
  it.each([
    [() => requireInRange('q', 0, { min: 0, max: 1, minOpen: true }), '`q` must be in (0, 1]; got 0.'],
    [() => requireInRange('t', Number.NaN, { min: -Infinity, max: Infinity }), '`t` must be in (-∞, ∞); got NaN.'],
    [() => requireOpenUnit('confidence', 1), '`confidence` must be in (0, 1); got 1.'],
    [() => requireFraction('fpr', 1.5), '`fpr` must be in [0, 1]; got 1.5.'],
    [() => requireDelta('delta', 1), '`delta` must be in [0, 1); got 1.'],
    [() => requirePositive('gamma', 0), '`gamma` must be a finite number > 0; got 0.'],
    [() => requirePositive('gamma', Infinity), '`gamma` must be a finite number > 0; got Infinity.'],
    [() => requireNonNegative('b', -1, true), '`b` must be a finite number ≥ 0; got -1.'],
    [() => requireNonNegative('b', -1, false), '`b` must be a number ≥ 0; got -1.'],
    [() => requireInteger('steps', 1.5, 1), '`steps` must be an integer ≥ 1; got 1.5.'],
    [() => requireInteger('k', 11, 0, 10), '`k` must be an integer in [0, 10]; got 11.'],
    [() => requireSeed('seed', -1), '`seed` must be an integer in [0, 4294967295]; got -1.'],
    [() => requireAtMost('successes', 11, 'trials', 10), '`successes` must be ≤ `trials` (10); got 11.'],
    [() => requireOptions('options', null), '`options` must be an options object; got null.'],
    [() => requireArrayLike('scores', 'abc'), '`scores` must be an array; got "abc".'],
    [() => requireFunction('mechanism', 1), '`mechanism` must be a function; got 1.'],
    [() => requireString('title', 1), '`title` must be a string; got 1.'],
    [() => requireBoolean('shrink', 'yes'), '`shrink` must be true or false; got "yes".'],
    [() => requireOneOf('side', 'both', ['upper', 'lower']), "`side` must be one of 'upper', 'lower'; got \"both\"."],
  ])('%#: refuses with the house message', (run, message) => {
    const e = errorOf(run);
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toBe(message);
  });

  it('returns what it accepts, and names the field and value in details', () => {
    expect(requireInRange('q', 1, { min: 0, max: 1, minOpen: true })).toBe(1);
    expect(requireInteger('n', 0)).toBe(0);
    expect(requireOneOf('side', 'upper', ['upper', 'lower'])).toBe('upper');
    expect(errorOf(() => requireInRange('q', 2, { min: 0, max: 1 })).details).toMatchObject({ field: 'q', value: 2, range: '[0, 1]' });
    expect(describeRange({ min: 0, max: Infinity, minOpen: true, maxOpen: true })).toBe('(0, ∞)');
  });
});
