/**
 * The two ways to say how DP-SGD samples: directly (`--sample-rate q --steps T`) or from the
 * training set-up (`--batch-size B --dataset-size N --epochs E`, giving q = B/N and
 * T = ⌈E·N/B⌉, i.e. E passes over the data in expectation, as Opacus and TF Privacy count them).
 */
import type { FlagReader } from './flagTable.js';
import type { SAMPLING_FLAGS } from './commonOptions.js';
import { RANGES, describeAllowed } from './parseOptions.js';
import { UsageError } from './UsageError.js';

/** The sampling flags of a command, read from its table (each parsed on first read). */
export type SamplingFlags = Pick<FlagReader<typeof SAMPLING_FLAGS>, keyof typeof SAMPLING_FLAGS | 'given' | 'flag'>;

/** How the sampling was given, when it came from the batch form. */
export interface BatchForm {
  readonly batchSize: number;
  readonly datasetSize: number;
  readonly epochs: number;
}

/** Validated sampling: q, T and, for the batch form, where they came from. */
export interface Sampling {
  /** Poisson sampling rate q in (0, 1]. */
  readonly sampleRate: number;
  /** Number of steps T, an integer ≥ 1. */
  readonly steps: number;
  /** The batch-form inputs, or `null` when q and T were given directly. */
  readonly batch: BatchForm | null;
}

const DIRECT = ['sampleRate', 'steps'] as const;
const BATCH = ['batchSize', 'datasetSize', 'epochs'] as const;

/**
 * Steps for E epochs of expected batch size B over N examples: ⌈E·N/B⌉. A product that is an
 * integer up to float round-off (0.1·30/1 = 3.0000000000000004) counts as that integer, so that
 * round-off never adds a step.
 * @param epochs - E > 0.
 * @param datasetSize - N ≥ 1.
 * @param batchSize - B in [1, N].
 * @returns T ≥ 1 (possibly beyond `Number.MAX_SAFE_INTEGER` or infinite for absurd E; callers check).
 * @example
 * ```ts
 * stepsFromEpochs(60, 60000, 256); // 14063
 * ```
 */
export function stepsFromEpochs(epochs: number, datasetSize: number, batchSize: number): number {
  const exact = (epochs * datasetSize) / batchSize;
  const nearest = Math.round(exact);
  const steps = Math.abs(exact - nearest) <= 1e-9 * Math.max(1, nearest) ? nearest : Math.ceil(exact);
  return Math.max(1, steps);
}

/**
 * Validates the sampling flags: exactly one of the two forms, complete, every value in range.
 * @param f - the sampling flags, read from the command's table.
 * @returns q, T and the batch-form inputs if that form was used.
 * @throws UsageError when the forms are mixed, a form is incomplete, nothing is given, a value is
 *   invalid, `--batch-size` exceeds `--dataset-size`, or the epochs give more than 2^53 − 1 steps.
 * @example
 * ```ts
 * resolveSampling(readFlags(SAMPLING_FLAGS, { batchSize: '256', datasetSize: '60000', epochs: '60' }));
 * // { sampleRate: 0.0042666…, steps: 14063, batch: { batchSize: 256, datasetSize: 60000, epochs: 60 } }
 * ```
 */
export function resolveSampling(f: SamplingFlags): Sampling {
  const directGiven = DIRECT.filter((key) => f.given(key));
  const batchGiven = BATCH.filter((key) => f.given(key));
  if (directGiven.length > 0 && batchGiven.length > 0) {
    const a = f.flag(directGiven[0]);
    const b = f.flag(batchGiven[0]);
    throw new UsageError(
      `use either ${f.flag('sampleRate')} with ${f.flag('steps')}, or ${f.flag('batchSize')} with ${f.flag('datasetSize')} and ${f.flag('epochs')}, not both; got ${a} and ${b}`,
      a,
    );
  }
  if (directGiven.length === 0 && batchGiven.length === 0) {
    throw new UsageError(
      `${f.flag('sampleRate')} (${describeAllowed(RANGES.sampleRate)}) and ${f.flag('steps')} (${describeAllowed(RANGES.steps)}) are required, ` +
        `or else ${f.flag('batchSize')}, ${f.flag('datasetSize')} and ${f.flag('epochs')}`,
      f.flag('sampleRate'),
    );
  }
  const form: readonly (keyof typeof SAMPLING_FLAGS)[] = directGiven.length > 0 ? DIRECT : BATCH;
  const given: readonly (keyof typeof SAMPLING_FLAGS)[] = directGiven.length > 0 ? directGiven : batchGiven;
  const missing = form.find((key) => !f.given(key));
  if (missing !== undefined) {
    const others = given.map((key) => f.flag(key)).join(' and ');
    throw new UsageError(`${f.flag(missing)} is required with ${others}: ${describeAllowed(RANGES[missing])}`, f.flag(missing));
  }
  // Complete form: parse in the order the flags are listed.
  if (form === DIRECT) return { sampleRate: f.sampleRate as number, steps: f.steps as number, batch: null };
  const batchSize = f.batchSize as number;
  const datasetSize = f.datasetSize as number;
  const epochs = f.epochs as number;
  if (batchSize > datasetSize) {
    throw new UsageError(`${f.flag('batchSize')} must be ≤ ${f.flag('datasetSize')} (${datasetSize}); got ${batchSize}`, f.flag('batchSize'));
  }
  const steps = stepsFromEpochs(epochs, datasetSize, batchSize);
  if (!(steps <= Number.MAX_SAFE_INTEGER)) {
    throw new UsageError(
      `${f.flag('epochs')} must give at most ${Number.MAX_SAFE_INTEGER} steps (⌈epochs · dataset size / batch size⌉); got ${epochs}`,
      f.flag('epochs'),
    );
  }
  return { sampleRate: batchSize / datasetSize, steps, batch: { batchSize, datasetSize, epochs } };
}
