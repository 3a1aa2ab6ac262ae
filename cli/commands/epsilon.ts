/**
 * `privkit epsilon`: the ε of a DP-SGD run (Poisson-subsampled Gaussian, composed over all steps).
 */
import type { Command } from 'commander';
import { PldAccountant, RdpAccountant, gaussian, poissonSampled, type AccountantKind } from '../../accountant/index.js';
import type { CliIo } from '../CliIo.js';
import { ACCOUNTANT_FLAG, DELTA_FLAG, JSON_FLAG, SAMPLING_AND_EXIT_HELP, SAMPLING_FLAGS } from '../_internals/commonOptions.js';
import { addFlags, readFlags, requiredNumber, type FlagReader } from '../_internals/flagTable.js';
import { formatFourDecimals, formatNumber, jsonLine } from '../_internals/format.js';
import { describeSampling } from '../_internals/describeSampling.js';
import { RANGES, describeAllowed } from '../_internals/parseOptions.js';
import { resolveSampling, type Sampling } from '../_internals/resolveSampling.js';

/** The flags of `privkit epsilon`, in `--help` order: the one place each is declared. */
export const EPSILON_FLAGS = Object.freeze({
  sampleRate: SAMPLING_FLAGS.sampleRate,
  noiseMultiplier: requiredNumber(RANGES.noiseMultiplier, {
    argument: '<σ>',
    description: `noise multiplier σ (noise std / clipping norm), ${describeAllowed(RANGES.noiseMultiplier)} (required)`,
  }),
  steps: SAMPLING_FLAGS.steps,
  delta: DELTA_FLAG,
  batchSize: SAMPLING_FLAGS.batchSize,
  datasetSize: SAMPLING_FLAGS.datasetSize,
  epochs: SAMPLING_FLAGS.epochs,
  accountant: ACCOUNTANT_FLAG,
  json: JSON_FLAG,
});

/** The parsed flags of `privkit epsilon`. */
export type EpsilonFlags = FlagReader<typeof EPSILON_FLAGS>;

/** What `privkit epsilon` computes. */
export interface EpsilonReport {
  /** ε at {@link delta}; +∞ when nothing finite can be certified. */
  readonly epsilon: number;
  /** δ as given. */
  readonly delta: number;
  /** The accountant used. */
  readonly accountant: AccountantKind;
  /** The optimal RDP order; `null` for PLD or when ε is infinite. */
  readonly order: number | null;
  /** σ as given. */
  readonly noiseMultiplier: number;
  /** q and T used. */
  readonly sampling: Sampling;
}

/**
 * Validates the flags of `privkit epsilon` and computes ε with the public accountant API.
 * @param flags - the flags, read from {@link EPSILON_FLAGS}.
 * @returns the report.
 * @throws UsageError for a bad, missing or conflicting flag; PrivkitError from the accountant.
 * @example
 * ```ts
 * computeEpsilon(readFlags(EPSILON_FLAGS, { sampleRate: '0.01', steps: '10000', noiseMultiplier: '1', delta: '1e-5' })).epsilon; // 6.7128…
 * ```
 */
export function computeEpsilon(flags: EpsilonFlags): EpsilonReport {
  const sampling = resolveSampling(flags);
  const { noiseMultiplier, delta, accountant } = flags;
  const event = poissonSampled(sampling.sampleRate, gaussian(noiseMultiplier));
  if (accountant === 'rdp') {
    const { epsilon, order } = new RdpAccountant().compose(event, sampling.steps).getEpsilonAndOrder(delta);
    return { epsilon, delta, accountant, order: Number.isFinite(epsilon) ? order : null, noiseMultiplier, sampling };
  }
  const epsilon = new PldAccountant().compose(event, sampling.steps).getEpsilon(delta);
  return { epsilon, delta, accountant, order: null, noiseMultiplier, sampling };
}

/**
 * The human-readable line, e.g.
 * "ε = 2.5967 at δ = 1e-05 (RDP, order 8.1; σ = 1.1, q = 0.0042667, steps = 14063)".
 * @param report - what {@link computeEpsilon} returned.
 * @returns the line, with a trailing newline.
 * @example
 * ```ts
 * io.stdout(formatEpsilonReport(report));
 * ```
 */
export function formatEpsilonReport(report: EpsilonReport): string {
  const how = report.accountant === 'rdp' && report.order !== null ? `RDP, order ${formatNumber(report.order)}` : report.accountant.toUpperCase();
  return (
    `ε = ${formatFourDecimals(report.epsilon)} at δ = ${formatNumber(report.delta)} ` +
    `(${how}; σ = ${formatNumber(report.noiseMultiplier)}, ${describeSampling(report.sampling)})\n`
  );
}

/**
 * Registers `privkit epsilon` on the program (created with `program.command`, so it inherits the
 * program's output and exit settings).
 * @param program - the root program.
 * @param io - where results go.
 * @returns the subcommand.
 * @example
 * ```ts
 * addEpsilonCommand(program, io);
 * ```
 */
export function addEpsilonCommand(program: Command, io: CliIo): Command {
  const command = program.command('epsilon').description('ε of DP-SGD: Poisson-subsampled Gaussian mechanism composed over all steps');
  return addFlags(command, EPSILON_FLAGS)
    .addHelpText(
      'after',
      `${SAMPLING_AND_EXIT_HELP}

Example (MNIST, Abadi et al. 2016):
  $ privkit epsilon --batch-size 256 --dataset-size 60000 --epochs 60 --noise-multiplier 1.1 --delta 1e-5
  ε = 2.5967 at δ = 1e-05 (RDP, order 8.1; σ = 1.1, q = 256/60000 = 0.0042667, steps = 14063 from 60 epochs)`,
    )
    .action(() => {
      const flags = readFlags(EPSILON_FLAGS, command.opts());
      const report = computeEpsilon(flags);
      io.stdout(
        flags.json
          ? jsonLine({ epsilon: report.epsilon, delta: report.delta, accountant: report.accountant, order: report.order })
          : formatEpsilonReport(report),
      );
    });
}
