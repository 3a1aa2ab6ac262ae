/**
 * Runs the `privkit` command in-process and returns its exit status; cli/main.ts is the only place
 * that hands that status to the process.
 */
import { CommanderError } from 'commander';
import { PrivkitError } from '../accountant/index.js';
import { ioError, isErrnoException } from '../src/node/index.js';
import { processIo, type CliIo } from './CliIo.js';
import { buildProgram } from './program.js';
import { EXIT, exitCodeFor } from './_internals/exitCodes.js';
import { errorLine } from './_internals/format.js';

/** Options of {@link run}. */
export interface RunOptions {
  /**
   * Print the stack of an unexpected error (otherwise one line).
   * @defaultValue true when the environment variable PRIVKIT_DEBUG is set and non-empty
   */
  readonly debug?: boolean;
}

/** commander's "exits" for help and version: status 0 unless help was shown for lack of a command. */
const HELP_OR_VERSION = new Set(['commander.help', 'commander.helpDisplayed', 'commander.version']);

/**
 * Parses `argv` (the arguments after the program name), runs the command and reports failures.
 * Never throws and never touches `process.exitCode`. On failure nothing is written to stdout and
 * exactly one line to stderr (a stack trace only for an unexpected error with `debug`), after any
 * progress `train` had printed there before failing mid-run.
 * @param argv - e.g. `['epsilon', '--sample-rate', '0.01', …]`.
 * @param io - output streams. @defaultValue the process's stdout and stderr
 * @param options - see {@link RunOptions}.
 * @returns the exit status: 0 success (also `--help`, `--version`); 2 usage error (bad, missing,
 *   repeated or conflicting flag, unknown option or command; `PrivkitError` `INVALID_ARGUMENT`,
 *   `BAD_DATA_FILE`, `BAD_MODEL_FILE`, `BAD_CHECKPOINT`, `IO_ERROR`, `UNSUPPORTED_LAYER`; a file-system
 *   error of Node's, reported as `IO_ERROR`); 3 `UNREACHABLE_TARGET` or `BUDGET_EXCEEDED`; 1 anything else.
 * @example
 * ```ts
 * const code = await run(['epsilon', '--sample-rate', '0.01', '--noise-multiplier', '1', '--steps', '10000', '--delta', '1e-5', '--json']);
 * ```
 */
export async function run(argv: readonly string[], io: CliIo = processIo, options: RunOptions = {}): Promise<number> {
  const debug = options.debug ?? Boolean(process.env.PRIVKIT_DEBUG);
  let stderrWritten = false;
  // Whether stderr's cursor is at the start of a line (a progress bar leaves it at the end of its own).
  let atLineStart = true;
  const tracked: CliIo = {
    stdout: io.stdout,
    stderr: (chunk) => {
      if (chunk === '') return;
      stderrWritten = true;
      atLineStart = chunk.endsWith('\n');
      io.stderr(chunk);
    },
    get stderrTerminal() {
      return io.stderrTerminal;
    },
  };
  try {
    await buildProgram(tracked).parseAsync([...argv], { from: 'user' });
    return EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has already written its message, help text or version.
      if (HELP_OR_VERSION.has(error.code)) return stderrWritten ? EXIT.USAGE : EXIT.OK;
      return exitCodeFor(error);
    }
    // A file-system error no command mapped to its flag still names its path (exit 2, not 1).
    const failure = isErrnoException(error) && typeof error.path === 'string' ? ioError(error, { path: error.path, kind: 'file' }) : error;
    // The failure's line starts on a line of its own, never after a progress bar's text.
    tracked.stderr(`${atLineStart ? '' : '\n'}${describeFailure(failure, debug)}`);
    return exitCodeFor(failure);
  }
}

function describeFailure(error: unknown, debug: boolean): string {
  if (error instanceof PrivkitError) {
    return debug && error.stack !== undefined ? `privkit: ${error.stack}\n` : errorLine(error.message);
  }
  if (debug && error instanceof Error && error.stack !== undefined) return `privkit: unexpected error: ${error.stack}\n`;
  const message = error instanceof Error ? error.message : String(error);
  return errorLine(`unexpected error: ${message} (set PRIVKIT_DEBUG=1 for a stack trace)`);
}
