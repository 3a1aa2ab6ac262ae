/**
 * What `fit({ verbose: 1 })` shows, browser-safe: one plain line per epoch with step, loss and ε.
 * It writes to `process.stderr` where there is one (Node, without importing any Node module) and to
 * `console.log` elsewhere. A live progress bar for terminals is `fitProgressBar` in `privkit/node`
 * (pass it as `fit`'s `progress`); the core never loads it, so `import 'privkit'` stays bundleable.
 */
import type { FitCallbacks } from '../makePrivate.js';

/** What a progress display is told before training starts. */
export interface FitProgressOptions {
  /** Steps the run will take (⌈epochs / q⌉). */
  readonly totalSteps: number;
  /** Epochs as given (lines say "epoch k/⌈epochs⌉"). */
  readonly epochs: number;
  /** δ at which ε is shown. */
  readonly delta: number;
  /** ε so far (a display may call it at any time; PLD accounting of a long run is not free). */
  readonly epsilon: () => number;
}

/** Callbacks for `fit`, and how to end the display. */
export interface FitProgress {
  readonly callbacks: FitCallbacks;
  /** Ends the display (draws it one last time); safe to call twice. */
  stop(): void;
}

/** Makes a display for one `fit` call (e.g. `fitProgressBar` of `privkit/node`, or {@link fitProgressLines}). */
export type FitProgressFactory = (options: FitProgressOptions) => FitProgress;

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
 * One line per epoch: `epoch k/K: step s/S, loss L, ε E (δ = D)`.
 * @param write - where each line goes (with its trailing newline).
 * @param options - run size, δ.
 * @returns fit callbacks and a no-op `stop`.
 * @example
 * ```ts
 * await priv.fit(x, y, { epochs, delta, progress: (o) => fitProgressLines((s) => log.push(s), o) });
 * ```
 */
export function fitProgressLines(write: (s: string) => void, options: FitProgressOptions): FitProgress {
  const { totalSteps, epochs, delta } = options;
  let stepsDone = 0;
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

/** `verbose: 1` without a `progress`: lines on stderr in Node, on the console elsewhere. */
export function defaultFitProgress(options: FitProgressOptions): FitProgress {
  const stderr = (globalThis as { process?: { stderr?: { write?: (s: string) => unknown } } }).process?.stderr;
  if (stderr !== undefined && typeof stderr.write === 'function') return fitProgressLines((s) => void stderr.write?.(s), options);
  return fitProgressLines((s) => console.log(s.trimEnd()), options);
}
