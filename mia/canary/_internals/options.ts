/** Option checks and message helpers of privkit/mia/canary (the checks themselves are privkit's `check`). */
import { check } from '../../../accountant/index.js';

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
