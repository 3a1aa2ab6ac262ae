/**
 * `privkit train`: trains a classifier with DP-SGD on a CSV file or a bundled dataset and writes the
 * model and its privacy report. The flags are validated here (cheaply, before tfjs is even loaded);
 * the training itself is in cli/_internals/trainRun.ts, imported on demand.
 */
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import type { BackendChoice } from '../../src/index.js';
import type { CliIo } from '../CliIo.js';
import { ACCOUNTANT_FLAG, DELTA_FLAG, JSON_FLAG } from '../_internals/commonOptions.js';
import { addFlags, choiceFlag, optionalNumber, optionalString, readFlags, requiredNumber, requiredString, type FlagReader, type FlagSpec } from '../_internals/flagTable.js';
import { formatFourDecimals, formatNumber } from '../_internals/format.js';
import { BACKEND_CHOICES, RANGES, checkNoiseStd, describeAllowed } from '../_internals/parseOptions.js';
import type { TrainOptimizer, TrainReport, TrainSettings } from '../_internals/trainRun.js';
import { UsageError } from '../_internals/UsageError.js';

const MODEL_CHOICES = ['mlp', 'cnn'] as const;
const OPTIMIZER_CHOICES = ['sgd', 'adam'] as const satisfies readonly TrainOptimizer[];
// σ = 0 is allowed here (a non-private baseline, ε = ∞), unlike in `epsilon`.
const TRAIN_NOISE_RANGE = { integer: false, min: 0, max: Infinity, maxOpen: true, float32: true } as const;
BACKEND_CHOICES satisfies readonly BackendChoice[];

/** `--model mlp|cnn|path`: a built-in architecture, or an existing model.json (or its folder). */
const MODEL_FLAG: FlagSpec<TrainSettings['model']> = {
  argument: '<mlp|cnn|path>',
  description: 'mlp, cnn (image data only) or the path of a model.json to start from (required)',
  parse: (raw, flag) => {
    const what = `${MODEL_CHOICES.join(', ')} or the path of a model.json (or of its folder)`;
    if (typeof raw !== 'string' || raw === '') throw new UsageError(`${flag} is required: ${what}`, flag);
    const builtin = MODEL_CHOICES.find((c) => c === raw);
    if (builtin !== undefined) return { builtin };
    if (!existsSync(raw)) throw new UsageError(`${flag} must be ${what}; got ${JSON.stringify(raw)}, which does not exist`, flag);
    return { path: raw };
  },
};

/** The flags of `privkit train`, in `--help` order: the one place each is declared. */
export const TRAIN_FLAGS = Object.freeze({
  data: requiredString('a CSV file or dataset:mnist / dataset:fashion-mnist', {
    argument: '<file.csv|dataset:NAME>',
    description: 'training data: a CSV file with a header row, or dataset:mnist / dataset:fashion-mnist (required)',
  }),
  labelColumn: optionalString({ argument: '<name>', description: 'the CSV column holding the class label; every other column is a numeric feature', default: 'label' }),
  model: MODEL_FLAG,
  epochs: requiredNumber(RANGES.epochs, { argument: '<E>', description: `passes over the data E, ${describeAllowed(RANGES.epochs)}: ⌈E/q⌉ steps (required)` }),
  batchSize: requiredNumber(RANGES.batchSize, { argument: '<B>', description: `expected batch size B, ${describeAllowed(RANGES.batchSize)}, ≤ N: q = B/N (required)` }),
  // These three go into float32 tensors: a non-zero value must be a normal float32.
  learningRate: requiredNumber(RANGES.float32Positive, { argument: '<L>', description: `learning rate, ${describeAllowed(RANGES.float32Positive)} (required)` }),
  optimizer: choiceFlag(OPTIMIZER_CHOICES, { argument: '<name>', description: `optimizer wrapped by DP-SGD: ${OPTIMIZER_CHOICES.join(' or ')}`, default: 'sgd' }),
  maxGradNorm: requiredNumber(RANGES.float32Positive, { argument: '<C>', description: `per-example clipping norm C, ${describeAllowed(RANGES.float32Positive)} (required)` }),
  noiseMultiplier: optionalNumber(TRAIN_NOISE_RANGE, { argument: '<σ>', description: `noise multiplier σ, ${describeAllowed(TRAIN_NOISE_RANGE)} (this or --target-epsilon)` }),
  targetEpsilon: optionalNumber(RANGES.targetEpsilon, {
    argument: '<ε>',
    description: `calibrate σ for this ε, ${describeAllowed(RANGES.targetEpsilon)}, and stop before exceeding it`,
  }),
  delta: DELTA_FLAG,
  accountant: ACCOUNTANT_FLAG,
  backend: choiceFlag(BACKEND_CHOICES, {
    argument: '<name>',
    description: `tfjs backend: ${BACKEND_CHOICES.join(', ')} (auto: tensorflow if installed, else wasm, else cpu)`,
    default: 'auto',
  }),
  seed: optionalNumber(RANGES.seed, {
    argument: '<S>',
    description: `seed of the noise, the batch sampling, the initial weights and the data split, ${describeAllowed(RANGES.seed)}: a reproducible experiment, not for release (default: secure randomness, split seed 0)`,
  }),
  out: requiredString('the folder to write model.json, weights.bin and privacy.json to', {
    argument: '<dir>',
    description: 'output folder: model.json, weights.bin, privacy.json, members.txt, written as one unit after training succeeded (required)',
  }),
  json: JSON_FLAG,
});

/** The parsed flags of `privkit train`. */
export type TrainFlags = FlagReader<typeof TRAIN_FLAGS>;

/**
 * Validates the flags of `privkit train` (without touching the data, the model file's content or the
 * output folder).
 * @param flags - the flags, read from {@link TRAIN_FLAGS}.
 * @returns the settings for runTraining.
 * @throws UsageError naming the flag and its allowed values, for a missing, malformed, out-of-range
 *   or conflicting flag (`--noise-multiplier` and `--target-epsilon`: exactly one; σ·C finite in float32).
 * @example
 * ```ts
 * parseTrainFlags(readFlags(TRAIN_FLAGS, { data: 'dataset:mnist', model: 'cnn', epochs: '1', batchSize: '256', learningRate: '0.1',
 *   maxGradNorm: '1', noiseMultiplier: '1.1', delta: '1e-5', out: 'run1' }));
 * ```
 */
export function parseTrainFlags(flags: TrainFlags): TrainSettings {
  const { data, model, epochs, batchSize, learningRate, optimizer, maxGradNorm } = flags;
  const noise = parseNoiseFlags(flags);
  if ('noiseMultiplier' in noise) checkNoiseStd(noise.noiseMultiplier, maxGradNorm);
  const { delta, accountant, backend, seed, out } = flags;
  if (existsSync(out) && !statSync(out).isDirectory()) {
    throw new UsageError(`${flags.flag('out')} must be a folder (new or existing); got ${JSON.stringify(out)}, which is a file`, flags.flag('out'));
  }
  return { data, labelColumn: flags.labelColumn, model, epochs, batchSize, learningRate, optimizer, maxGradNorm, noise, delta, accountant, backend, seed, out };
}

/** Exactly one of `--noise-multiplier` and `--target-epsilon`. */
function parseNoiseFlags(flags: TrainFlags): TrainSettings['noise'] {
  const [sigma, target] = [flags.flag('noiseMultiplier'), flags.flag('targetEpsilon')];
  if (flags.given('noiseMultiplier') && flags.given('targetEpsilon')) throw new UsageError(`give either ${sigma} or ${target}, not both`, sigma);
  if (flags.noiseMultiplier !== undefined) return { noiseMultiplier: flags.noiseMultiplier };
  if (flags.targetEpsilon !== undefined) return { targetEpsilon: flags.targetEpsilon };
  throw new UsageError(`${sigma} (${describeAllowed(TRAIN_NOISE_RANGE)}) or ${target} (${describeAllowed(RANGES.targetEpsilon)}) is required`, sigma);
}

/**
 * The human summary, e.g.
 * "Trained mlp on data.csv with DP-SGD: 320 training examples, 24 steps (q = 0.125), σ = 1, C = 1 (wasm backend)
 *  ε = 2.1345 at δ = 1e-05 (RDP); test accuracy 0.9625 on 80 held-out examples
 *  Wrote out/model.json, out/weights.bin, out/privacy.json and out/members.txt".
 * @param report - what runTraining returned.
 * @param settings - the run's settings.
 * @returns three lines, each ending in a newline.
 * @example
 * ```ts
 * io.stdout(formatTrainReport(report, settings));
 * ```
 */
export function formatTrainReport(report: TrainReport, settings: TrainSettings): string {
  const p = report.privacy;
  const accuracy = Number.isNaN(p.testAccuracy) ? 'no test examples' : `test accuracy ${p.testAccuracy.toFixed(4)} on ${report.testSize} examples`;
  const out = settings.out.replace(/[\\/]+$/, '');
  return (
    `Trained ${report.modelName} on ${settings.data} with DP-SGD: ${report.trainSize} training examples, ${p.steps} steps ` +
    `(q = ${formatNumber(p.sampleRate)}), σ = ${formatNumber(p.noiseMultiplier)}, C = ${formatNumber(p.maxGradNorm)} (${report.backend} backend)\n` +
    `ε = ${formatFourDecimals(p.epsilon)} at δ = ${formatNumber(p.delta)} (${p.accountant.toUpperCase()}); ${accuracy}\n` +
    `Wrote ${out}/model.json, ${out}/weights.bin, ${out}/privacy.json and ${out}/members.txt\n`
  );
}

/**
 * Registers `privkit train` on the program (created with `program.command`, so it inherits the
 * program's output and exit settings).
 * @param program - the root program.
 * @param io - where results (stdout) and progress (stderr) go.
 * @returns the subcommand.
 * @example
 * ```ts
 * addTrainCommand(program, io);
 * ```
 */
export function addTrainCommand(program: Command, io: CliIo): Command {
  const command = program.command('train').description('train a classifier with DP-SGD on a CSV file or a bundled dataset; write the model and its ε');
  return addFlags(command, TRAIN_FLAGS)
    .addHelpText(
      'after',
      `
Models: mlp = [Flatten →] Dense(128, relu) → Dense(classes, softmax); cnn = the tanh CNN of
Papernot et al. 2021 (Conv2D 16 8×8/2 same → MaxPool 2/1 → Conv2D 32 4×4/2 valid → MaxPool 2/1 →
Dense 32 → Dense classes, softmax). A model.json must take the data's example shape and output
one softmax probability per class (its last layer's activation is softmax; a linear or sigmoid
output is refused). Loss: categorical cross-entropy.

Data: a CSV file has a header row, numeric features and labels that are class indices 0…K−1
(every class present) or class names, 2 ≤ K ≤ 10000, and at least 5 rows.
Test set: dataset:NAME uses the dataset's own test split (shuffled by --seed). For a CSV file, all
rows are loaded and a seeded 20% (rounded down, by --seed, default 0) is held out as the test set;
the other 80% are the N training examples.

Sampling: each step draws a Poisson batch (every example joins with probability q = B/N).
Randomness: without --seed, noise and batches come from the system's secure generator; with --seed
they are reproducible (and predictable to anyone who knows the seed): a warning says so on stderr.
Output: <dir> is replaced as one unit (a new folder written beside it, then renamed into place; an
existing <dir> must hold only files train writes):
  model.json and weights.bin (the model);
  privacy.json {"epsilon", "delta", "noiseMultiplier", "sampleRate", "steps", "accountant",
  "maxGradNorm", "testAccuracy", "randomness" ("secure" or "seeded"), "weightsSha256"};
  members.txt: the training rows (0-based row indices of --data, one per line; for dataset:NAME
  rows of the dataset as "audit mia --data dataset:NAME" reads it), for "privkit audit mia
  --members". It tells exactly who trained the model: do not publish it with the model.
--json prints the privacy.json object as one line. Progress goes to stderr (a bar on a terminal).

Exit status: 0 success, 2 bad, missing or repeated flag, bad data or model file, refused layer,
--out that cannot be written (checked before training), or training that diverged, 3 target ε
unreachable or budget exceeded, 1 other failure.

Example:
  $ privkit train --data dataset:mnist --model cnn --epochs 1 --batch-size 256 --learning-rate 0.5 \\
      --max-grad-norm 1 --noise-multiplier 1.1 --delta 1e-5 --out runs/mnist --json`,
    )
    .action(async () => {
      const flags = readFlags(TRAIN_FLAGS, command.opts());
      const settings = parseTrainFlags(flags);
      const { runTraining, privacyJson } = await import('../_internals/trainRun.js');
      const report = await runTraining(settings, io);
      io.stdout(flags.json ? privacyJson(report.privacy) : formatTrainReport(report, settings));
    });
}
