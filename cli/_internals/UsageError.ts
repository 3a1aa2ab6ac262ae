import { PrivkitError } from '../../accountant/index.js';

/**
 * A bad, missing or conflicting command-line flag. It is a `PrivkitError` with code
 * `INVALID_ARGUMENT`, so the exit-code mapping treats it like a bad argument to the library (exit 2).
 * The message names the flag and its allowed range, without the "privkit: " prefix and without a
 * trailing period, e.g. "--delta must be in (0, 1); got 1.5".
 *
 * @example
 * ```ts
 * throw new UsageError('--delta must be in (0, 1); got 1.5', '--delta');
 * ```
 */
export class UsageError extends PrivkitError {
  /** The flag at fault, e.g. "--delta" (the first one, when several conflict). */
  readonly flag: string;

  /**
   * @param message - one line naming the flag and its allowed range.
   * @param flag - the flag at fault.
   */
  constructor(message: string, flag: string) {
    super('INVALID_ARGUMENT', message, { flag });
    this.name = 'UsageError';
    this.flag = flag;
  }
}
