/**
 * Progress of `privkit train`, always on stderr (stdout carries only the result): a progress bar
 * (npm `cli-progress`) when stderr is a terminal, otherwise one plain line per epoch.
 */
import cliProgress from 'cli-progress';
import type { FitCallbacks } from '../../src/index.js';
import type { CliIo } from '../CliIo.js';
import { formatFourDecimals, formatNumber } from './format.js';

/** Options of {@link createTrainProgress}. */
export interface TrainProgressOptions {
  /** Steps the run will take (⌈epochs / q⌉). */
  readonly totalSteps: number;
  /** Epochs as given (lines say "epoch k/⌈epochs⌉"). */
  readonly epochs: number;
  /** δ at which ε is shown. */
  readonly delta: number;
  /** ε so far (the bar calls it at most every {@link EPSILON_REFRESH_MS}). */
  readonly epsilon: () => number;
}

/** What the train command hands to `fit`, and how it ends the display. */
export interface TrainProgress {
  /** Callbacks for `fit`. */
  readonly callbacks: FitCallbacks;
  /** Draws the bar one last time and ends its line (no-op without a bar); safe to call twice. */
  stop(): void;
}

/** How often the bar recomputes ε (PLD accounting of a long run is not free). */
export const EPSILON_REFRESH_MS = 500;

/**
 * Creates the progress display of a training run: a bar "training [████░░░░] step 12/24 | loss 0.4321
 * | ε 0.8123" written through `io.stderr` when `io.stderrTerminal` says it is a terminal, else one line
 * per epoch such as "epoch 1/3: step 8/24, loss 0.4321, ε 0.8123 (δ = 1e-05)".
 * @param io - where to write (stderr only).
 * @param options - run size, δ, and how to get ε.
 * @returns the fit callbacks and a `stop` to call when training ends (also on failure).
 * @example
 * ```ts
 * const progress = createTrainProgress(io, { totalSteps, epochs, delta, epsilon: () => priv.getEpsilon(delta) });
 * try { await priv.fit(x, y, { epochs, delta, callbacks: progress.callbacks }); } finally { progress.stop(); }
 * ```
 */
export function createTrainProgress(io: CliIo, options: TrainProgressOptions): TrainProgress {
  const { totalSteps, epochs, delta } = options;
  const terminal = io.stderrTerminal;
  let stepsDone = 0;
  let epochLoss = 0;
  let epochSteps = 0;

  if (terminal === undefined) {
    return {
      callbacks: {
        onBatchEnd: (step) => {
          stepsDone = step + 1;
        },
        onEpochEnd: (epoch, logs) => {
          io.stderr(
            `epoch ${epoch + 1}/${Math.ceil(epochs)}: step ${stepsDone}/${totalSteps}, loss ${logs.loss.toFixed(4)}, ` +
              `ε ${formatFourDecimals(logs.epsilon)} (δ = ${formatNumber(delta)})\n`,
          );
        },
      },
      stop: () => {},
    };
  }

  // A stream-shaped front for io.stderr, so the bar's output goes through the injected io.
  const stream = {
    isTTY: true,
    columns: terminal.columns,
    write: (chunk: string): boolean => {
      io.stderr(chunk);
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'training [{bar}] step {value}/{total} | loss {loss} | ε {epsilon}',
      barsize: 24,
      hideCursor: false,
      gracefulExit: false,
    },
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
          epsilonShown = formatFourDecimals(options.epsilon());
          epsilonAt = Date.now();
        }
        bar.update(stepsDone, { loss: (epochLoss / epochSteps).toFixed(4), epsilon: epsilonShown });
      },
      onEpochEnd: (_epoch, logs) => {
        epsilonShown = formatFourDecimals(logs.epsilon);
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
