/**
 * Progress of `privkit train`, always on stderr (stdout carries only the result): the library's fit
 * progress display (`privkit/node`), a bar when stderr is a terminal, else one line per epoch.
 */
import { createFitProgress, type FitProgress, type FitProgressOptions } from '../../src/node/index.js';
import type { CliIo } from '../CliIo.js';

/**
 * The progress display of a training run, written through `io.stderr`.
 * @example
 * ```ts
 * const progress = createTrainProgress(io, { totalSteps, epochs, delta, epsilon: () => priv.getEpsilon(delta) });
 * try { await priv.fit(x, y, { epochs, delta, callbacks: progress.callbacks }); } finally { progress.stop(); }
 * ```
 */
export function createTrainProgress(io: CliIo, options: FitProgressOptions): FitProgress {
  return createFitProgress((s) => io.stderr(s), io.stderrTerminal?.columns, options);
}
