/**
 * Progress of `privkit train`, always on stderr (stdout carries only the result): the library's fit
 * progress display (`privkit/node`), a bar when stderr is a terminal, else one line per epoch.
 */
import { createFitProgress, type FitProgress, type FitProgressOptions } from '../../src/node/index.js';
import type { CliIo } from '../CliIo.js';
import { barOutput } from './barOutput.js';

/**
 * The progress display of a training run, written through `io.stderr` (on a terminal, without the
 * bar's cursor jumps: see {@link barOutput}). Call `stop()` before anything else is written to stderr,
 * in particular before a failure is reported.
 * @example
 * ```ts
 * const progress = createTrainProgress(io, { totalSteps, epochs, delta, epsilon: () => priv.getEpsilon(delta) });
 * try { await priv.fit(x, y, { epochs, delta, callbacks: progress.callbacks }); } finally { progress.stop(); }
 * ```
 */
export function createTrainProgress(io: CliIo, options: FitProgressOptions): FitProgress {
  const columns = io.stderrTerminal?.columns;
  return createFitProgress(columns === undefined ? (s) => io.stderr(s) : barOutput((s) => io.stderr(s)), columns, options);
}
