/**
 * Exit statuses of the `privkit` command, and the mapping from an error to its status.
 */
import { CommanderError } from 'commander';
import { PrivkitError } from '../../accountant/index.js';

/** Exit statuses of `privkit`. Stable: scripts rely on them. */
export const EXIT = Object.freeze({
  /** Success, including `--help` and `--version`. */
  OK: 0,
  /** An unexpected failure (a bug, or a library error with no more specific status). */
  FAILURE: 1,
  /** A usage error: a bad, missing or conflicting flag, an unknown option or command. */
  USAGE: 2,
  /** The requested target cannot be met (`PrivkitError` code `UNREACHABLE_TARGET`). */
  UNREACHABLE_TARGET: 3,
});

/**
 * The exit status for an error thrown while running a command.
 * @param error - anything thrown.
 * @returns {@link EXIT}.USAGE for `INVALID_ARGUMENT` (which includes every `UsageError`) and for
 *   commander's parse errors; `UNREACHABLE_TARGET` for that code; `OK` for commander's help and
 *   version exits; `FAILURE` for everything else.
 * @example
 * ```ts
 * exitCodeFor(new PrivkitError('UNREACHABLE_TARGET', '…')); // 3
 * ```
 */
export function exitCodeFor(error: unknown): number {
  if (error instanceof PrivkitError) {
    if (error.code === 'INVALID_ARGUMENT') return EXIT.USAGE;
    if (error.code === 'UNREACHABLE_TARGET') return EXIT.UNREACHABLE_TARGET;
    return EXIT.FAILURE;
  }
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  }
  return EXIT.FAILURE;
}
