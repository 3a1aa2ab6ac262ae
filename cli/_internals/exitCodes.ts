/**
 * Exit statuses of the `privkit` command, and the mapping from an error to its status.
 */
import { CommanderError } from 'commander';
import { PrivkitError, type PrivkitErrorCode } from '../../accountant/index.js';

/** Exit statuses of `privkit`. Stable: scripts rely on them. */
export const EXIT = Object.freeze({
  /** Success, including `--help` and `--version`. */
  OK: 0,
  /** An unexpected failure (a bug, or a library error with no more specific status). */
  FAILURE: 1,
  /**
   * A usage error: a bad, missing, repeated or conflicting flag, an unknown option or command, a data,
   * model or checkpoint file that cannot be used (`BAD_DATA_FILE`, `BAD_MODEL_FILE`, `BAD_CHECKPOINT`),
   * a model with a layer DP-SGD refuses (`UNSUPPORTED_LAYER`), or a path that cannot be written or read
   * (`IO_ERROR`: read-only, full, not a folder).
   */
  USAGE: 2,
  /**
   * The requested target cannot be met (`PrivkitError` code `UNREACHABLE_TARGET`), or training stopped
   * before it would exceed its privacy budget (`BUDGET_EXCEEDED`).
   */
  UNREACHABLE_TARGET: 3,
});

/** Library error codes that mean "what you gave me cannot be used" (exit 2): arguments, files, paths, layers. */
const USAGE_CODES: ReadonlySet<PrivkitErrorCode> = new Set<PrivkitErrorCode>(['INVALID_ARGUMENT', 'BAD_DATA_FILE', 'BAD_MODEL_FILE', 'BAD_CHECKPOINT', 'IO_ERROR', 'UNSUPPORTED_LAYER', 'MISSING_DEPENDENCY']);
/** Library error codes that mean "the privacy target cannot be met" (exit 3). */
const TARGET_CODES: ReadonlySet<PrivkitErrorCode> = new Set<PrivkitErrorCode>(['UNREACHABLE_TARGET', 'BUDGET_EXCEEDED']);

/**
 * The exit status for an error thrown while running a command.
 * @param error - anything thrown.
 * @returns {@link EXIT}.USAGE for `INVALID_ARGUMENT` (which includes every `UsageError`),
 *   `BAD_DATA_FILE`, `BAD_MODEL_FILE`, `BAD_CHECKPOINT`, `IO_ERROR`, `UNSUPPORTED_LAYER` and
 *   commander's parse errors; `UNREACHABLE_TARGET` for that code and `BUDGET_EXCEEDED`; `OK` for
 *   commander's help and version exits; `FAILURE` for everything else.
 * @example
 * ```ts
 * exitCodeFor(new PrivkitError('UNREACHABLE_TARGET', '…')); // 3
 * ```
 */
export function exitCodeFor(error: unknown): number {
  if (error instanceof PrivkitError) {
    if (USAGE_CODES.has(error.code)) return EXIT.USAGE;
    if (TARGET_CODES.has(error.code)) return EXIT.UNREACHABLE_TARGET;
    return EXIT.FAILURE;
  }
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  }
  return EXIT.FAILURE;
}
