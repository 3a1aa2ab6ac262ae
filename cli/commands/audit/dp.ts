/**
 * `privkit audit dp`: does DP-SGD give the ε it claims? Trains with canaries and sets the
 * accountant's ε beside a measured lower bound (one-run audit). Flags are validated here before tfjs
 * is loaded; the run is in cli/_internals/auditDpRun.ts, imported on demand.
 */
import type { Command } from 'commander';
import type { CliIo } from '../../CliIo.js';
import { AUDIT_BACKEND_FLAG, AUDIT_RANGES, existingFile, outputFolder } from '../../_internals/auditFlags.js';
import type { AuditDpSettings } from '../../_internals/auditDpRun.js';
import { DELTA_FLAG, JSON_FLAG } from '../../_internals/commonOptions.js';
import { addFlags, choiceFlag, optionalNumber, optionalString, readFlags, requiredNumber, requiredString, type FlagReader } from '../../_internals/flagTable.js';
import { jsonLine } from '../../_internals/format.js';
import { RANGES, checkNoiseStd, describeAllowed } from '../../_internals/parseOptions.js';
import { UsageError } from '../../_internals/UsageError.js';

const R = AUDIT_RANGES;

/** The flags of `privkit audit dp`, in `--help` order: the one place each is declared. */
export const AUDIT_DP_FLAGS = Object.freeze({
  data: requiredString('the training data: a CSV file or dataset:mnist / dataset:fashion-mnist', {
    argument: '<file.csv|dataset:NAME>',
    description: 'training data: a CSV file or dataset:mnist / dataset:fashion-mnist (its train split) (required)',
  }),
  labelColumn: optionalString({ argument: '<name>', description: 'the CSV column holding the class label', default: 'label' }),
  model: optionalString({ argument: '<mlp|cnn|path>', description: 'the architecture: mlp, cnn or a model.json to copy (fresh weights)', default: 'mlp' }),
  canaries: requiredNumber(R.canaries, { argument: '<m>', description: `canaries, ${describeAllowed(R.canaries)}; each is included with probability ½ (required)` }),
  canaryType: choiceFlag(['mislabel', 'ood', 'gradient'] as const, {
    argument: '<type>',
    description: 'mislabel (training examples with a wrong label), ood (noise images, random labels), gradient (white-box Dirac gradient canaries of norm C)',
    default: 'mislabel',
    phrase: 'mislabel, ood or gradient',
  }),
  noiseMultiplier: optionalNumber(RANGES.float32Positive, {
    argument: '<σ>',
    description: `noise multiplier σ, ${describeAllowed(RANGES.float32Positive)} (this or --target-epsilon)`,
  }),
  targetEpsilon: optionalNumber(RANGES.targetEpsilon, { argument: '<ε>', description: `calibrate σ for this ε, ${describeAllowed(RANGES.targetEpsilon)}` }),
  delta: DELTA_FLAG,
  epochs: requiredNumber(R.epochs, { argument: '<E>', description: `epochs, ${describeAllowed(R.epochs)} (required)` }),
  batchSize: optionalNumber(R.batchSize, { argument: '<B>', description: `expected batch size, ${describeAllowed(R.batchSize)}`, default: '256' }),
  learningRate: optionalNumber(R.learningRate, { argument: '<L>', description: `learning rate, ${describeAllowed(R.learningRate)}`, default: '0.5' }),
  optimizer: choiceFlag(['sgd', 'adam'] as const, { argument: '<name>', description: 'sgd or adam', default: 'sgd', phrase: 'adam or sgd' }),
  maxGradNorm: optionalNumber(RANGES.float32Positive, { argument: '<C>', description: `clipping norm, ${describeAllowed(RANGES.float32Positive)}`, default: '1' }),
  seed: optionalNumber(R.seed, { argument: '<S>', description: `seed of canaries, inclusion, weights, batches and noise, ${describeAllowed(R.seed)}`, default: '0' }),
  backend: AUDIT_BACKEND_FLAG,
  out: requiredString('the folder to write report.json and report.html to', { argument: '<dir>', description: 'output folder: report.json, report.html (required)' }),
  json: JSON_FLAG,
});

/** The parsed flags of `privkit audit dp`. */
export type AuditDpFlags = FlagReader<typeof AUDIT_DP_FLAGS>;

/**
 * Validates the flags of `privkit audit dp`.
 * @param flags - the flags, read from {@link AUDIT_DP_FLAGS}.
 * @returns the run's settings.
 * @throws UsageError naming the flag.
 * @example
 * ```ts
 * parseAuditDpFlags(readFlags(AUDIT_DP_FLAGS, { data: 'dataset:mnist', canaries: '500', targetEpsilon: '4', delta: '1e-5', epochs: '5', out: 'a' }));
 * ```
 */
export function parseAuditDpFlags(flags: AuditDpFlags): AuditDpSettings {
  const out = outputFolder(flags.flag('out'), flags.out);
  const data = flags.data;
  if (!data.startsWith('dataset:')) existingFile(flags.flag('data'), data);
  const canaryType = flags.canaryType;
  const [sigma, target] = [flags.flag('noiseMultiplier'), flags.flag('targetEpsilon')];
  if (flags.given('noiseMultiplier') && flags.given('targetEpsilon')) throw new UsageError(`give either ${sigma} or ${target}, not both`, sigma);
  const noiseMultiplier = flags.noiseMultiplier;
  const targetEpsilon = noiseMultiplier === undefined ? flags.targetEpsilon : undefined;
  const noise = noiseMultiplier !== undefined ? { noiseMultiplier } : targetEpsilon !== undefined ? { targetEpsilon } : null;
  if (noise === null) throw new UsageError(`${sigma} or ${target} is required`, sigma);
  const model = flags.model;
  const { optimizer, backend, maxGradNorm } = flags;
  if (noiseMultiplier !== undefined) checkNoiseStd(noiseMultiplier, maxGradNorm);
  return {
    data,
    labelColumn: flags.labelColumn,
    model: model === 'mlp' || model === 'cnn' ? { builtin: model } : { path: existingFile(flags.flag('model'), model) },
    canaries: flags.canaries,
    canaryType,
    noise,
    delta: flags.delta,
    epochs: flags.epochs,
    batchSize: flags.batchSize,
    learningRate: flags.learningRate,
    optimizer,
    maxGradNorm,
    seed: flags.seed,
    backend,
    out,
  };
}

/**
 * Registers `privkit audit dp`.
 * @param audit - the `audit` command.
 * @param io - output streams.
 * @returns the subcommand.
 * @example
 * ```ts
 * addAuditDpCommand(audit, io);
 * ```
 */
export function addAuditDpCommand(audit: Command, io: CliIo): Command {
  const command = audit
    .command('dp')
    .description("does DP-SGD give the ε it claims? train with canaries, then the accountant's ε beside a measured 95% lower bound (one-run audit)");
  return addFlags(command, AUDIT_DP_FLAGS)
    .addHelpText(
      'after',
      `
Method: Steinke, Nasr & Jagielski 2023 ("Privacy Auditing with One (1) Training Run"): canaries are
scored by the trained model's log-probability of their canary label (gradient canaries: by the
sum of the noisy gradients on their coordinate, white box); the auditor guesses IN for the
highest and OUT for the lowest scores on a grid of guess counts (Bonferroni-corrected), and the bound
holds with 95% confidence. It is a lower bound: well below the claimed ε is normal for DP-SGD.

--json prints {"claimedEpsilon", "delta", "epsilonLowerBound", "confidence", "method", "canaries",
"guesses", "correct"}.

Example:
  $ privkit audit dp --data dataset:mnist --canaries 500 --target-epsilon 4 --delta 1e-5 \\
      --epochs 5 --out audit-dp --json`,
    )
    .action(async () => {
      const flags = readFlags(AUDIT_DP_FLAGS, command.opts());
      const settings = parseAuditDpFlags(flags);
      const { runAuditDp } = await import('../../_internals/auditDpRun.js');
      const { json } = await runAuditDp(settings, io);
      io.stdout(
        flags.json
          ? jsonLine(json)
          : `claimed ε = ${json.claimedEpsilon.toFixed(4)} (accountant), measured ε ≥ ${json.epsilonLowerBound.toFixed(4)} with ${json.confidence * 100}% confidence ` +
              `(${json.correct}/${json.guesses} correct guesses on ${json.canaries} canaries)\nWrote ${settings.out}/report.json and report.html\n`,
      );
    });
}
