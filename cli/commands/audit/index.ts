/**
 * `privkit audit`: the parent of the three audits, `mia` (membership inference), `dp` (one-run audit
 * of DP training) and `canary` (memorised secrets), each in its own file.
 */
import type { Command } from 'commander';
import type { CliIo } from '../../CliIo.js';
import { addAuditCanaryCommand } from './canary.js';
import { addAuditDpCommand } from './dp.js';
import { addAuditMiaCommand } from './mia.js';

/**
 * Registers `privkit audit` and its `mia`, `dp` and `canary` subcommands.
 * @param program - the root program.
 * @param io - output streams.
 * @returns the `audit` command.
 * @example
 * ```ts
 * addAuditCommand(program, io);
 * ```
 */
export function addAuditCommand(program: Command, io: CliIo): Command {
  const audit = program
    .command('audit')
    .description('audit a model: membership inference (mia), memorised secrets (canary), DP training (dp)')
    .addHelpText(
      'after',
      `
Run "privkit audit <mia|canary|dp> --help" for each audit's flags and defaults.

Example:
  $ privkit audit dp --data dataset:mnist --canaries 500 --target-epsilon 4 --delta 1e-5 --epochs 5 --out audit-dp`,
    );
  addAuditMiaCommand(audit, io);
  addAuditDpCommand(audit, io);
  addAuditCanaryCommand(audit, io);
  return audit;
}
