/**
 * `privkit report <dir>`: renders a report's HTML page again from the document stored in its
 * report.json. The run is in cli/_internals/reportRun.ts, imported on demand.
 */
import { Option, type Command } from 'commander';
import type { CliIo } from '../CliIo.js';
import { jsonOption } from '../_internals/commonOptions.js';
import { jsonLine } from '../_internals/format.js';
import { UsageError } from '../_internals/UsageError.js';
import type { ReportSettings } from '../_internals/reportRun.js';

/** The flags of `privkit report` (raw). */
export interface ReportFlags {
  readonly out?: string;
  readonly json?: boolean;
}

/**
 * Validates the argument and flags of `privkit report`.
 * @param dir - the report folder (or its report.json).
 * @param flags - raw flags.
 * @returns the settings.
 * @throws UsageError for an empty folder name or `--out`.
 * @example
 * ```ts
 * parseReportArgs('privkit-report', {}); // { source: 'privkit-report' }
 * ```
 */
export function parseReportArgs(dir: string, flags: ReportFlags): ReportSettings {
  if (dir === '') throw new UsageError('<dir> must name a report folder; got an empty string', '<dir>');
  if (flags.out === '') throw new UsageError('--out must name a file; got an empty string', '--out');
  return { source: dir, ...(flags.out === undefined ? {} : { out: flags.out }) };
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
  return program
    .command('report')
    .description('rebuild a report\'s self-contained HTML page from the document stored in its report.json (privkit demo)')
    .argument('<dir>', 'the report folder (holding report.json), or the report.json itself')
    .addOption(new Option('--out <file>', 'where to write the page (default: <dir>/index.html, or the page name recorded in report.json)'))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `
The page is rendered exactly as the run that wrote report.json rendered it: inline SVG charts and
CSS, no scripts, no network, readable opened from disk. Written atomically.

--json prints {"html", "json", "sections", "charts"}.

Example:
  $ privkit report privkit-report`,
    )
    .action(async (dir: string, flags: ReportFlags) => {
      const settings = parseReportArgs(dir, flags);
      const { runReport } = await import('../_internals/reportRun.js');
      const r = await runReport(settings);
      io.stdout(flags.json ? jsonLine({ html: r.html, json: r.json, sections: r.sections, charts: r.charts }) : `Wrote ${r.html} (${r.sections} sections, ${r.charts} charts) from ${r.json}\n`);
    });
}
