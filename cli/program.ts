/**
 * The commander program of the `privkit` command: its options, subcommands and output settings.
 * It never exits the process: commander's exits become thrown `CommanderError`s (`exitOverride`),
 * and all output goes through the injected {@link CliIo}.
 */
import { Command } from 'commander';
import type { CliIo } from './CliIo.js';
import { addEpsilonCommand } from './commands/epsilon.js';
import { addNoiseCommand } from './commands/noise.js';
import { addTrainCommand } from './commands/train.js';
import { addAuditCommand } from './commands/audit/index.js';
import { addDemoCommand } from './commands/demo.js';
import { addReportCommand } from './commands/report.js';
import { errorLine } from './_internals/format.js';
import { packageVersion } from './_internals/packageVersion.js';
import { UsageError } from './_internals/UsageError.js';

/** What is printed, as the single stderr line, when no (or an unknown) command is given to `help`. */
const MISSING_COMMAND = 'privkit: expected a command: epsilon, noise, train, audit, demo or report (see privkit --help)\n';

/**
 * Builds the `privkit` program. Results, `--help` and `--version` go to `io.stdout`; every error is
 * one line on `io.stderr`. Parse errors throw `CommanderError` (exit code 1 in commander's terms;
 * {@link run} maps them to 2); command failures throw the command's error. Build a fresh program
 * for each parse (commander keeps parsed option values on it).
 * @param io - output streams.
 * @returns the program, ready for `parseAsync(argv, { from: 'user' })`.
 * @example
 * ```ts
 * await buildProgram(io).parseAsync(['epsilon', '--help'], { from: 'user' });
 * ```
 */
export function buildProgram(io: CliIo): Command {
  // commander writes help to writeErr only when no command (or `help <unknown>`) was given; it writes
  // the help text in several chunks, which we replace by one line.
  let missingCommandReported = false;
  const program = new Command('privkit')
    .description(
      'Differential privacy for DP-SGD: ε of a training run, the noise needed for a target ε, or a DP-SGD training run on a CSV file or dataset.',
    )
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show help for a command')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: () => {
        if (!missingCommandReported) io.stderr(MISSING_COMMAND);
        missingCommandReported = true;
      },
      outputError: (message) => io.stderr(errorLine(message)),
    });
  // Subcommands are created after the settings above, so they inherit them (program.command copies).
  addEpsilonCommand(program, io);
  addNoiseCommand(program, io);
  addTrainCommand(program, io);
  addAuditCommand(program, io);
  addDemoCommand(program, io);
  addReportCommand(program, io);
  refuseRepeatedFlags(program);
  program.addHelpText(
    'after',
    `
New here? "privkit demo --quick" trains a model with and without DP-SGD, attacks both and writes
an HTML report (under 2 minutes). Run "privkit <command> --help" for a command's flags and defaults.

Exit status: 0 success, 2 bad, missing or repeated flag (or bad data or model file, a refused
layer, an output path that cannot be written), 3 target unreachable or budget exceeded, 1 other
failure.

Example:
  $ privkit epsilon --sample-rate 0.01 --noise-multiplier 1 --steps 10000 --delta 1e-5 --json
  {"epsilon":6.712738297545425,"delta":0.00001,"accountant":"rdp","order":4.1}`,
  );
  return program;
}

/**
 * Makes a flag given twice an error, on `command` and every subcommand below it: commander would keep
 * the last value silently, so `--noise-multiplier 1 --noise-multiplier 0` would be a non-private run.
 * Our listener runs after commander's own (registered when the option was added) and throws a
 * {@link UsageError}, which ends the parse.
 */
function refuseRepeatedFlags(command: Command): void {
  const given = new Map<string, string | undefined>();
  for (const option of command.options) {
    const flag = option.long ?? option.short ?? option.name();
    command.on(`option:${option.name()}`, (value?: string) => {
      if (given.has(flag)) {
        const values = option.required || option.optional ? ` (${JSON.stringify(given.get(flag) ?? null)}, then ${JSON.stringify(value ?? null)})` : '';
        throw new UsageError(`${flag} was given twice${values}; give each flag at most once`, flag);
      }
      given.set(flag, value);
    });
  }
  for (const sub of command.commands) refuseRepeatedFlags(sub);
}
