/** Assertion helpers for privkit's typed errors, shared by the test files. */
import { expect } from 'vitest';
import { PrivkitError } from '../../accountant/index.js';

/** Calls `fn` and returns the PrivkitError it throws; fails the test if it throws nothing or something else. */
export function privkitErrorOf(fn: () => unknown): PrivkitError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PrivkitError);
    return e as PrivkitError;
  }
  throw new Error('expected a PrivkitError, but nothing was thrown');
}

/** Expects `fn` to throw INVALID_ARGUMENT with a message matching `message`. */
export function expectInvalid(fn: () => unknown, message: RegExp): void {
  const error = privkitErrorOf(fn);
  expect(error.code).toBe('INVALID_ARGUMENT');
  expect(error.message).toMatch(message);
}

/** Expects `fn` to throw a PrivkitError with this code and a message matching `message`. */
export function expectPrivkitError(fn: () => unknown, code: string, message: RegExp): void {
  const error = privkitErrorOf(fn);
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
}
