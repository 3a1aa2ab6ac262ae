/**
 * The demo's progress display, always on stderr (stdout carries only the summary, or `--json`): a
 * bar (npm `cli-progress`) per training run and one for shadow training when stderr is a terminal;
 * otherwise one plain line per epoch or per shadow model.
 */
import cliProgress from 'cli-progress';

/** Where the demo writes: the shape of the CLI's `CliIo`, so `privkit demo` passes its own. */
export interface DemoIo {
  /** Results: the summary table (or one JSON line). */
  readonly stdout: (chunk: string) => void;
  /** Progress and status lines. */
  readonly stderr: (chunk: string) => void;
  /** The terminal behind `stderr`, when it is one: then progress is drawn as bars. @defaultValue undefined */
  readonly stderrTerminal?: { readonly columns: number };
}

/** The process's streams. */
export const processDemoIo: DemoIo = Object.freeze({
  stdout: (s: string) => void process.stdout.write(s),
  stderr: (s: string) => void process.stderr.write(s),
  get stderrTerminal() {
    return process.stderr.isTTY ? { columns: process.stderr.columns ?? 80 } : undefined;
  },
});

/** A progress display that can be stopped (idempotent), e.g. on Ctrl-C. */
export interface Stoppable {
  stop(): void;
}

/** The bar of one training run: steps, then per epoch the loss, held-out accuracy and ε. */
export interface TrainingProgress extends Stoppable {
  /** After each step, with the step's mean loss. */
  step(loss: number): void;
  /** After each epoch. */
  epoch(epoch: number, logs: { loss: number; accuracy: number; epsilon: number }): void;
}

function barStream(io: DemoIo, columns: number): NodeJS.WritableStream {
  return { isTTY: true, columns, write: (chunk: string) => (io.stderr(chunk), true) } as unknown as NodeJS.WritableStream;
}

/**
 * ε for display, 3 decimals; ∞ for a non-private run.
 * @param epsilon - the value.
 * @returns e.g. "2.998" or "∞".
 * @example
 * ```ts
 * showEpsilon(Infinity); // "∞"
 * ```
 */
export function showEpsilon(epsilon: number): string {
  return Number.isFinite(epsilon) ? epsilon.toFixed(3) : '∞';
}

/**
 * A training display.
 * @param io - where it writes (stderr only).
 * @param label - e.g. "non-private" or "DP-SGD".
 * @param size - epochs and total steps.
 * @returns the display.
 * @example
 * ```ts
 * const p = trainingProgress(io, 'DP-SGD', { epochs: 30, totalSteps: 250 });
 * ```
 */
export function trainingProgress(io: DemoIo, label: string, size: { epochs: number; totalSteps: number }): TrainingProgress {
  const columns = io.stderrTerminal?.columns;
  const tag = label.padEnd(11);
  if (columns === undefined) {
    return {
      step: () => {},
      epoch: (e, l) =>
        io.stderr(`${tag} epoch ${e + 1}/${size.epochs}: loss ${l.loss.toFixed(4)}, held-out accuracy ${(100 * l.accuracy).toFixed(1)}%, ε ${showEpsilon(l.epsilon)}\n`),
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: barStream(io, columns),
      format: `${tag} [{bar}] epoch {epoch}/${size.epochs} | loss {loss} | accuracy {accuracy} | ε {epsilon}`,
      barsize: 20,
      hideCursor: false,
      gracefulExit: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let stepLoss = 0;
  let steps = 0;
  let epoch = 0;
  let accuracy = '–';
  let epsilon = '0';
  let stopped = false;
  bar.start(size.totalSteps, 0, { epoch: 1, loss: '–', accuracy, epsilon });
  return {
    step: (loss) => {
      stepLoss += loss;
      steps++;
      bar.increment(1, { epoch: Math.min(epoch + 1, size.epochs), loss: (stepLoss / steps).toFixed(4), accuracy, epsilon });
    },
    epoch: (e, l) => {
      epoch = e + 1;
      accuracy = `${(100 * l.accuracy).toFixed(1)}%`;
      epsilon = showEpsilon(l.epsilon);
      stepLoss = 0;
      steps = 0;
      bar.update({ epoch: Math.min(epoch + 1, size.epochs), loss: l.loss.toFixed(4), accuracy, epsilon });
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}

/** The shadow-training display: shadow-epochs done, and finished shadows. */
export interface ShadowProgress extends Stoppable {
  /** A shadow (or group trained together) finished an epoch. */
  epoch(shadows: readonly number[], epoch: number): void;
  /** A shadow was saved to the cache. */
  saved(index: number): void;
}

/**
 * A shadow-training display: the bar counts shadow-epochs (smooth even when shadows are trained
 * eight at a time), the text counts finished shadows.
 * @param io - where it writes (stderr only).
 * @param size - shadow count and epochs per shadow.
 * @returns the display.
 * @example
 * ```ts
 * const p = shadowProgress(io, { count: 16, epochs: 30 });
 * ```
 */
export function shadowProgress(io: DemoIo, size: { count: number; epochs: number }): ShadowProgress {
  const columns = io.stderrTerminal?.columns;
  const done = new Map<number, number>();
  let saved = 0;
  if (columns === undefined) {
    return {
      epoch: (shadows, e) => shadows.forEach((s) => done.set(s, e + 1)),
      saved: () => io.stderr(`shadow models: ${++saved}/${size.count} trained and cached\n`),
      stop: () => {},
    };
  }
  const total = size.count * size.epochs;
  const bar = new cliProgress.SingleBar(
    {
      stream: barStream(io, columns),
      format: 'shadow models [{bar}] {saved}/{count} done | {duration_formatted} elapsed, about {eta_formatted} left',
      barsize: 20,
      hideCursor: false,
      gracefulExit: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const value = (): number => [...done.values()].reduce((a, b) => a + b, 0);
  let stopped = false;
  bar.start(total, 0, { saved, count: size.count });
  return {
    epoch: (shadows, e) => {
      shadows.forEach((s) => done.set(s, e + 1));
      bar.update(value(), { saved, count: size.count });
    },
    saved: (index) => {
      saved++;
      done.set(index, size.epochs);
      bar.update(value(), { saved, count: size.count });
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
