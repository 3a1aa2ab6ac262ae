/**
 * The run of `privkit demo` (loads tfjs): the README's main job, cli/demo/runDemo.ts, with the CLI's
 * streams; and its `--json` line.
 */
import { demoSummary, formatDemoSummary, runDemo, type DemoResult } from '../demo/runDemo.js';
import type { CliIo } from '../CliIo.js';
import { jsonLine } from './format.js';
import { quietTfjs } from './quietTfjs.js';
import { probeOutputs, withOutputs } from './outputTargets.js';

/** Validated settings of `privkit demo`. */
export interface DemoSettings {
  readonly quick: boolean;
  readonly out: string;
  readonly cache: string;
}

/**
 * Runs the demo; progress goes to `io.stderr` (a bar on a terminal), never to stdout. `--out` and
 * `--cache` are checked with a probe write first, and a file-system failure names its flag.
 * @param settings - validated flags.
 * @param io - output streams.
 * @returns the demo's result.
 * @throws PrivkitError `IO_ERROR` naming `--out` or `--cache` when it cannot be written.
 * @example
 * ```ts
 * const result = await runDemoCommand({ quick: true, out: 'privkit-report', cache: '.privkit-cache' }, io);
 * ```
 */
export async function runDemoCommand(settings: DemoSettings, io: CliIo): Promise<DemoResult> {
  const targets = [
    { flag: '--out', path: settings.out },
    { flag: '--cache', path: settings.cache },
  ];
  probeOutputs(targets);
  quietTfjs();
  return withOutputs(targets, () => runDemo({ quick: settings.quick, out: settings.out, cacheDir: settings.cache, io }));
}

/**
 * The `--json` line: the summary numbers and the files written, on one line; an infinite ε (the
 * non-private model's claim) is written `1e999`, by privkit's one JSON convention (stringifyJson).
 * @param result - the demo's result.
 * @returns one line of JSON.
 * @example
 * ```ts
 * io.stdout(demoJson(result));
 * ```
 */
export function demoJson(result: DemoResult): string {
  const value = { ...demoSummary(result), report: result.wrote.html, json: result.wrote.json };
  return jsonLine(value);
}

export { formatDemoSummary };
