/**
 * Progress display of DP training (Node): a progress bar (npm `cli-progress`) with step, loss and ε
 * when the output is a terminal, otherwise one plain line per epoch. Used by `privkit train`, and by
 * `fit({ progress: fitProgressBar })`; it only ever writes to the writer it is given.
 */
import cliProgress from 'cli-progress';
import { fitProgressLines, formatEpsilon, type FitProgress, type FitProgressOptions } from '../optimizer/fitProgress.js';

export type { FitProgress, FitProgressOptions } from '../optimizer/fitProgress.js';
export { formatEpsilon, formatDelta } from '../optimizer/fitProgress.js';

/** How often the bar recomputes ε (PLD accounting of a long run is not free). */
export const EPSILON_REFRESH_MS = 500;

/**
 * Creates the display.
 * @param write - where text goes (e.g. `(s) => process.stderr.write(s)`).
 * @param terminalColumns - the terminal's width, or undefined when the output is not a terminal.
 * @param options - run size, δ, and how to get ε.
 * @returns fit callbacks and `stop`.
 * @example
 * ```ts
 * const p = createFitProgress((s) => process.stderr.write(s), process.stderr.columns, { totalSteps, epochs, delta, epsilon: () => priv.getEpsilon(delta) });
 * ```
 */
export function createFitProgress(write: (s: string) => void, terminalColumns: number | undefined, options: FitProgressOptions): FitProgress {
  const { totalSteps } = options;
  let stepsDone = 0;
  let epochLoss = 0;
  let epochSteps = 0;
  if (terminalColumns === undefined) return fitProgressLines(write, options);
  const stream = {
    isTTY: true,
    columns: terminalColumns,
    write: (chunk: string): boolean => {
      write(chunk);
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  const bar = new cliProgress.SingleBar(
    { stream, format: 'training [{bar}] step {value}/{total} | loss {loss} | ε {epsilon}', barsize: 24, hideCursor: false, gracefulExit: false },
    cliProgress.Presets.shades_classic,
  );
  let epsilonShown = '0';
  let epsilonAt = Date.now();
  let stopped = false;
  bar.start(totalSteps, 0, { loss: '–', epsilon: epsilonShown });
  return {
    callbacks: {
      onBatchEnd: (step, logs) => {
        stepsDone = step + 1;
        epochLoss += logs.loss;
        epochSteps++;
        if (Date.now() - epsilonAt >= EPSILON_REFRESH_MS || stepsDone === totalSteps) {
          epsilonShown = formatEpsilon(options.epsilon());
          epsilonAt = Date.now();
        }
        bar.update(stepsDone, { loss: (epochLoss / epochSteps).toFixed(4), epsilon: epsilonShown });
      },
      onEpochEnd: (_epoch, logs) => {
        epsilonShown = formatEpsilon(logs.epsilon);
        epsilonAt = Date.now();
        bar.update(stepsDone, { loss: logs.loss.toFixed(4), epsilon: epsilonShown });
        epochLoss = 0;
        epochSteps = 0;
      },
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}

/**
 * A display for `fit` on Node's stderr: the live bar when stderr is a terminal, else one line per epoch.
 * @param options - given by `fit`.
 * @returns fit callbacks and `stop`.
 * @example
 * ```ts
 * import { fitProgressBar } from 'privkit/node';
 * await priv.fit(x, y, { epochs: 3, delta: 1e-5, progress: fitProgressBar });
 * ```
 */
export function fitProgressBar(options: FitProgressOptions): FitProgress {
  const stderr = process.stderr;
  return createFitProgress((s) => void stderr.write(s), stderr.isTTY ? stderr.columns : undefined, options);
}
