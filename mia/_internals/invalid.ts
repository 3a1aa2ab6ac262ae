/**
 * The error helpers every part of the auditor shares: `show` (the accountant's value formatter, so
 * all of privkit's messages print values alike) and `invalid`, which throws INVALID_ARGUMENT.
 */
import { PrivkitError } from '../../accountant/PrivkitError.js';

export { show } from '../../accountant/_internals/validate.js';

/** Throws `INVALID_ARGUMENT` with `message` (and `details`). */
export function invalid(message: string, details?: Record<string, unknown>): never {
  throw new PrivkitError('INVALID_ARGUMENT', message, details);
}
