/**
 * `privkit report <dir>`: renders a report's HTML page again from the document stored in its
 * report.json. The run is in cli/_internals/reportRun.ts, imported on demand.
 */
import type { Command } from 'commander';
import type { CliIo } from '../CliIo.js';
import { JSON_FLAG } from '../_internals/commonOptions.js';
import { addFlags, optionalString, readFlags, type FlagReader } from '../_internals/flagTable.js';
import { jsonLine } from '../_internals/format.js';
import { UsageError } from '../_internals/UsageError.js';
import type { ReportSettings } from '../_internals/reportRun.js';

/** The flags of `privkit report`, in `--help` order: the one place each is declared. */
export const REPORT_FLAGS = Object.freeze({
  out: optionalString({ argument: '<file>', description: 'where to write the page (default: <dir>/index.html, or the page name recorded in report.json)' }),
  json: JSON_FLAG,
});

/** The parsed flags of `privkit report`. */
export type ReportFlags = FlagReader<typeof REPORT_FLAGS>;

/**
 * Validates the argument and flags of `privkit report`.
 * @param dir - the report folder (or its report.json).
 * @param flags - the flags, read from {@link REPORT_FLAGS}.
 * @returns the settings.
 * @throws UsageError for an empty folder name or `--out`.
 * @example
 * ```ts
 * parseReportArgs('privkit-report', readFlags(REPORT_FLAGS, {})); // { source: 'privkit-report' }
 * ```
 */
export function parseReportArgs(dir: string, flags: ReportFlags): ReportSettings {
  if (dir === '') throw new UsageError('<dir> must name a report folder; got an empty string', '<dir>');
  const out = flags.out;
  if (out === '') throw new UsageError(`${flags.flag('out')} must name a file; got an empty string`, flags.flag('out'));
  return { source: dir, ...(out === undefined ? {} : { out }) };
}

/**
 * Registers `privkit report`.
 * @param program - the root program.
 * @param io - output streams.
 * @returns the subcommand.
 * @example
 * ```ts
 * addReportCommand(program, io);
 * ```
 */
export function addReportCommand(program: Command, io: CliIo): Command {
  const command = program
    .command('report')
    .description("rebuild a report's self-contained HTML page from the document stored in its report.json (privkit demo)")
    .argument('<dir>', 'the report folder (holding report.json), or the report.json itself');
  return addFlags(command, REPORT_FLAGS)
    .addHelpText(
      'after',
      `
The page is rendered exactly as the run that wrote report.json rendered it: inline SVG charts and
CSS, no scripts, no network, readable opened from disk. Written atomically.

--json prints {"html", "json", "sections", "charts"}.

Example:
  $ privkit report privkit-report`,
    )
    .action(async (dir: string) => {
      const flags = readFlags(REPORT_FLAGS, command.opts());
      const settings = parseReportArgs(dir, flags);
      const { runReport } = await import('../_internals/reportRun.js');
      const r = await runReport(settings);
      io.stdout(flags.json ? jsonLine({ html: r.html, json: r.json, sections: r.sections, charts: r.charts }) : `Wrote ${r.html} (${r.sections} sections, ${r.charts} charts) from ${r.json}\n`);
    });
}
