/**
 * Progress display of DP training (Node): a progress bar (npm `cli-progress`) with step, loss and ε
 * when the output is a terminal, otherwise one plain line per epoch. Used by `fit({ verbose: 1 })` and
 * by `privkit train`; it only ever writes to the writer it is given (stderr in both).
 */
import cliProgress from 'cli-progress';
import type { FitCallbacks } from '../makePrivate.js';

/** Options of {@link createFitProgress}. */
export interface FitProgressOptions {
  /** Steps the run will take (⌈epochs / q⌉). */
  readonly totalSteps: number;
  /** Epochs as given (lines say "epoch k/⌈epochs⌉"). */
  readonly epochs: number;
  /** δ at which ε is shown. */
  readonly delta: number;
  /** ε so far (the bar calls it at most every {@link EPSILON_REFRESH_MS}). */
  readonly epsilon: () => number;
}

/** Callbacks for `fit`, and how to end the display. */
export interface FitProgress {
  readonly callbacks: FitCallbacks;
  /** Draws the bar one last time and ends its line (no-op without a bar); safe to call twice. */
  stop(): void;
}

/** How often the bar recomputes ε (PLD accounting of a long run is not free). */
export const EPSILON_REFRESH_MS = 500;

/** ε with 4 decimals in the usual range, else 5 significant digits; ∞ spelled out. */
export function formatEpsilon(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? '∞' : String(x);
  if (x === 0 || (x >= 1e-3 && x < 1e6)) return x.toFixed(4);
  return x.toPrecision(5);
}

/** δ as people write it: 1e-05 rather than 0.00001. */
export function formatDelta(x: number): string {
  if (x === 0 || Math.abs(x) >= 1e-4) return String(x);
  const [mantissa, exponent] = x.toExponential().split('e');
  const sign = exponent.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${exponent.replace(/^[+-]/, '').padStart(2, '0')}`;
}

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
  const { totalSteps, epochs, delta } = options;
  let stepsDone = 0;
  let epochLoss = 0;
  let epochSteps = 0;
  if (terminalColumns === undefined) {
    return {
      callbacks: {
        onBatchEnd: (step) => {
          stepsDone = step + 1;
        },
        onEpochEnd: (epoch, logs) => {
          write(`epoch ${epoch + 1}/${Math.ceil(epochs)}: step ${stepsDone}/${totalSteps}, loss ${logs.loss.toFixed(4)}, ε ${formatEpsilon(logs.epsilon)} (δ = ${formatDelta(delta)})\n`);
        },
      },
      stop: () => {},
    };
  }
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
