/**
 * `privkit noise`: the smallest noise multiplier σ that keeps a DP-SGD run within a target ε.
 */
import type { Command } from 'commander';
import { PrivkitError, calibrateNoiseMultiplier, dpSgdEpsilon, type AccountantKind } from '../../accountant/index.js';
import type { CliIo } from '../CliIo.js';
import { ACCOUNTANT_FLAG, DELTA_FLAG, JSON_FLAG, SAMPLING_AND_EXIT_HELP, SAMPLING_FLAGS } from '../_internals/commonOptions.js';
import { describeSampling } from '../_internals/describeSampling.js';
import { addFlags, readFlags, requiredNumber, type FlagReader } from '../_internals/flagTable.js';
import { formatFourDecimals, formatNumber, jsonLine } from '../_internals/format.js';
import { RANGES, describeAllowed } from '../_internals/parseOptions.js';
import { resolveSampling, type Sampling } from '../_internals/resolveSampling.js';

/** The largest σ `privkit noise` searches; a target that needs more is unreachable (exit 3). */
const MAX_NOISE_MULTIPLIER = 1e4;

/** The flags of `privkit noise`, in `--help` order: the one place each is declared. */
export const NOISE_FLAGS = Object.freeze({
  targetEpsilon: requiredNumber(RANGES.targetEpsilon, { argument: '<ε>', description: `target ε, ${describeAllowed(RANGES.targetEpsilon)} (required)` }),
  delta: DELTA_FLAG,
  sampleRate: SAMPLING_FLAGS.sampleRate,
  steps: SAMPLING_FLAGS.steps,
  batchSize: SAMPLING_FLAGS.batchSize,
  datasetSize: SAMPLING_FLAGS.datasetSize,
  epochs: SAMPLING_FLAGS.epochs,
  accountant: ACCOUNTANT_FLAG,
  json: JSON_FLAG,
});

/** The parsed flags of `privkit noise`. */
export type NoiseFlags = FlagReader<typeof NOISE_FLAGS>;

/** What `privkit noise` computes. */
export interface NoiseReport {
  /** The calibrated σ (to the calibration's relative tolerance, 1e-3). */
  readonly noiseMultiplier: number;
  /** ε actually achieved at {@link noiseMultiplier}; ≤ {@link targetEpsilon}. */
  readonly epsilon: number;
  /** The target ε as given. */
  readonly targetEpsilon: number;
  /** δ as given. */
  readonly delta: number;
  /** The accountant used. */
  readonly accountant: AccountantKind;
  /** q and T used. */
  readonly sampling: Sampling;
}

/**
 * Validates the flags of `privkit noise`, calibrates σ and recomputes the ε it achieves, with the
 * public accountant API.
 * @param flags - the flags, read from {@link NOISE_FLAGS}.
 * @returns the report.
 * @throws UsageError for a bad, missing or conflicting flag; PrivkitError `UNREACHABLE_TARGET`, naming
 *   the flags, when no σ ≤ 1e4 meets the target. Where σ = 1e-3 (the smallest searched) already meets
 *   it — δ near 1, or a sampling rate so small that every record is almost surely never used — 1e-3 is
 *   the answer.
 * @example
 * ```ts
 * computeNoise(readFlags(NOISE_FLAGS, { targetEpsilon: '3', delta: '1e-5', sampleRate: '0.0042667', steps: '14063' })).noiseMultiplier; // ≈ 1.014
 * ```
 */
export function computeNoise(flags: NoiseFlags): NoiseReport {
  const sampling = resolveSampling(flags);
  const { targetEpsilon, delta, accountant } = flags;
  const { sampleRate, steps } = sampling;
  let noiseMultiplier: number;
  try {
    noiseMultiplier = calibrateNoiseMultiplier({ targetEpsilon, delta, sampleRate, steps, accountant, maxNoiseMultiplier: MAX_NOISE_MULTIPLIER });
  } catch (error) {
    if (!(error instanceof PrivkitError && error.code === 'UNREACHABLE_TARGET')) throw error;
    // The library names its parameters; the user typed flags.
    const why = error.details?.epsilonAtMaxNoise === Infinity ? `; the ${accountant.toUpperCase()} accountant certifies no finite ε at this --delta` : '';
    throw new PrivkitError(
      'UNREACHABLE_TARGET',
      `--target-epsilon ${formatNumber(targetEpsilon)} cannot be reached with a noise multiplier ≤ ${MAX_NOISE_MULTIPLIER} at --delta ${formatNumber(delta)} ` +
        `(${accountant.toUpperCase()}; ${describeSampling(sampling)})${why}`,
      { ...error.details, flag: flags.flag('targetEpsilon') },
    );
  }
  const epsilon = dpSgdEpsilon(accountant, noiseMultiplier, sampleRate, steps, delta);
  return { noiseMultiplier, epsilon, targetEpsilon, delta, accountant, sampling };
}

/**
 * The human-readable line, e.g.
 * "σ = 1.0140 gives ε = 2.9999 ≤ 3 at δ = 1e-05 (RDP; q = 0.0042667, steps = 14063)".
 * @param report - what {@link computeNoise} returned.
 * @returns the line, with a trailing newline.
 * @example
 * ```ts
 * io.stdout(formatNoiseReport(report));
 * ```
 */
export function formatNoiseReport(report: NoiseReport): string {
  return (
    `σ = ${formatFourDecimals(report.noiseMultiplier)} gives ε = ${formatFourDecimals(report.epsilon)} ≤ ${formatNumber(report.targetEpsilon)} ` +
    `at δ = ${formatNumber(report.delta)} (${report.accountant.toUpperCase()}; ${describeSampling(report.sampling)})\n`
  );
}

/**
 * Registers `privkit noise` on the program (created with `program.command`, so it inherits the
 * program's output and exit settings).
 * @param program - the root program.
 * @param io - where results go.
 * @returns the subcommand.
 * @example
 * ```ts
 * addNoiseCommand(program, io);
 * ```
 */
export function addNoiseCommand(program: Command, io: CliIo): Command {
  const command = program.command('noise').description('smallest noise multiplier σ for which DP-SGD stays within a target (ε, δ)');
  return addFlags(command, NOISE_FLAGS)
    .addHelpText(
      'after',
      `${SAMPLING_AND_EXIT_HELP}

Example (MNIST, Abadi et al. 2016):
  $ privkit noise --target-epsilon 3 --delta 1e-5 --batch-size 256 --dataset-size 60000 --epochs 60
  σ = 1.0140 gives ε = 2.9999 ≤ 3 at δ = 1e-05 (RDP; q = 256/60000 = 0.0042667, steps = 14063 from 60 epochs)`,
    )
    .action(() => {
      const flags = readFlags(NOISE_FLAGS, command.opts());
      const report = computeNoise(flags);
      io.stdout(
        flags.json
          ? jsonLine({ noiseMultiplier: report.noiseMultiplier, epsilon: report.epsilon, delta: report.delta, accountant: report.accountant })
          : formatNoiseReport(report),
      );
    });
}
