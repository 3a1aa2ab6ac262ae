/**
 * The two ways to say how DP-SGD samples: directly (`--sample-rate q --steps T`) or from the
 * training set-up (`--batch-size B --dataset-size N --epochs E`, giving q = B/N and
 * T = ⌈E·N/B⌉, i.e. E passes over the data in expectation, as Opacus and TF Privacy count them).
 */
import { FLAG_SPECS, describeAllowed, parseNumericFlag, type NumericFlagSpec } from './parseOptions.js';
import { UsageError } from './UsageError.js';

/** The raw sampling flags, as commander stores them (strings, absent when not given). */
export interface RawSamplingFlags {
  readonly sampleRate?: string;
  readonly steps?: string;
  readonly batchSize?: string;
  readonly datasetSize?: string;
  readonly epochs?: string;
}

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

const DIRECT = [
  ['sampleRate', FLAG_SPECS.sampleRate],
  ['steps', FLAG_SPECS.steps],
] as const satisfies readonly (readonly [keyof RawSamplingFlags, NumericFlagSpec])[];
const BATCH = [
  ['batchSize', FLAG_SPECS.batchSize],
  ['datasetSize', FLAG_SPECS.datasetSize],
  ['epochs', FLAG_SPECS.epochs],
] as const satisfies readonly (readonly [keyof RawSamplingFlags, NumericFlagSpec])[];

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
 * @param raw - the raw flags.
 * @returns q, T and the batch-form inputs if that form was used.
 * @throws UsageError when the forms are mixed, a form is incomplete, nothing is given, a value is
 *   invalid, `--batch-size` exceeds `--dataset-size`, or the epochs give more than 2^53 − 1 steps.
 * @example
 * ```ts
 * resolveSampling({ batchSize: '256', datasetSize: '60000', epochs: '60' });
 * // { sampleRate: 0.0042666…, steps: 14063, batch: { batchSize: 256, datasetSize: 60000, epochs: 60 } }
 * ```
 */
export function resolveSampling(raw: RawSamplingFlags): Sampling {
  const directGiven = DIRECT.filter(([key]) => raw[key] !== undefined);
  const batchGiven = BATCH.filter(([key]) => raw[key] !== undefined);
  if (directGiven.length > 0 && batchGiven.length > 0) {
    const a = directGiven[0][1].flag;
    const b = batchGiven[0][1].flag;
    throw new UsageError(
      `use either --sample-rate with --steps, or --batch-size with --dataset-size and --epochs, not both; got ${a} and ${b}`,
      a,
    );
  }
  if (directGiven.length === 0 && batchGiven.length === 0) {
    throw new UsageError(
      `--sample-rate (${describeAllowed(FLAG_SPECS.sampleRate)}) and --steps (${describeAllowed(FLAG_SPECS.steps)}) are required, ` +
        'or else --batch-size, --dataset-size and --epochs',
      '--sample-rate',
    );
  }
  const form = directGiven.length > 0 ? DIRECT : BATCH;
  const given = directGiven.length > 0 ? directGiven : batchGiven;
  const missing = form.find(([key]) => raw[key] === undefined);
  if (missing !== undefined) {
    const spec = missing[1];
    const others = given.map(([, s]) => s.flag).join(' and ');
    throw new UsageError(`${spec.flag} is required with ${others}: ${describeAllowed(spec)}`, spec.flag);
  }
  // Complete form: parse in the order the flags are listed.
  const value = (key: keyof RawSamplingFlags, spec: NumericFlagSpec): number => parseNumericFlag(spec, raw[key] as string);
  if (form === DIRECT) {
    return { sampleRate: value('sampleRate', FLAG_SPECS.sampleRate), steps: value('steps', FLAG_SPECS.steps), batch: null };
  }
  const batchSize = value('batchSize', FLAG_SPECS.batchSize);
  const datasetSize = value('datasetSize', FLAG_SPECS.datasetSize);
  const epochs = value('epochs', FLAG_SPECS.epochs);
  if (batchSize > datasetSize) {
    throw new UsageError(`--batch-size must be ≤ --dataset-size (${datasetSize}); got ${batchSize}`, '--batch-size');
  }
  const steps = stepsFromEpochs(epochs, datasetSize, batchSize);
  if (!(steps <= Number.MAX_SAFE_INTEGER)) {
    throw new UsageError(
      `--epochs must give at most ${Number.MAX_SAFE_INTEGER} steps (⌈epochs · dataset size / batch size⌉); got ${epochs}`,
      '--epochs',
    );
  }
  return { sampleRate: batchSize / datasetSize, steps, batch: { batchSize, datasetSize, epochs } };
}
