/**
 * `privkit train`: trains a classifier with DP-SGD on a CSV file or a bundled dataset and writes the
 * model and its privacy report. The flags are validated here (cheaply, before tfjs is even loaded);
 * the training itself is in cli/_internals/trainRun.ts, imported on demand.
 */
import { existsSync, statSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { BackendChoice } from '../../src/index.js';
import type { CliIo } from '../CliIo.js';
import { accountantOption, deltaOption, jsonOption } from '../_internals/commonOptions.js';
import { formatFourDecimals, formatNumber } from '../_internals/format.js';
import { FLAG_SPECS, checkNoiseStd, describeAllowed, parseAccountantFlag, parseNumericFlag, requireNumericFlag, type NumericFlagSpec } from '../_internals/parseOptions.js';
import type { TrainOptimizer, TrainReport, TrainSettings } from '../_internals/trainRun.js';
import { UsageError } from '../_internals/UsageError.js';

/** The flags of `privkit train`, as commander stores them (raw strings). */
export interface TrainFlags {
  readonly data?: string;
  readonly labelColumn?: string;
  readonly model?: string;
  readonly epochs?: string;
  readonly batchSize?: string;
  readonly learningRate?: string;
  readonly optimizer?: string;
  readonly maxGradNorm?: string;
  readonly noiseMultiplier?: string;
  readonly targetEpsilon?: string;
  readonly delta?: string;
  readonly accountant?: string;
  readonly backend?: string;
  readonly seed?: string;
  readonly out?: string;
  readonly json?: boolean;
}

/** The numeric flags of `privkit train` and their ranges. */
export const TRAIN_FLAG_SPECS = Object.freeze({
  epochs: FLAG_SPECS.epochs,
  batchSize: FLAG_SPECS.batchSize,
  // These three go into float32 tensors: a non-zero value must be a normal float32.
  learningRate: { flag: '--learning-rate', integer: false, min: 0, max: Infinity, minOpen: true, maxOpen: true, float32: true },
  maxGradNorm: { flag: '--max-grad-norm', integer: false, min: 0, max: Infinity, minOpen: true, maxOpen: true, float32: true },
  // σ = 0 is allowed here (a non-private baseline, ε = ∞), unlike in `epsilon`.
  noiseMultiplier: { flag: '--noise-multiplier', integer: false, min: 0, max: Infinity, maxOpen: true, float32: true },
  targetEpsilon: FLAG_SPECS.targetEpsilon,
  delta: FLAG_SPECS.delta,
  seed: { flag: '--seed', integer: true, min: 0, max: 2 ** 32 - 1 },
} as const satisfies Record<string, NumericFlagSpec>);

const MODEL_CHOICES = ['mlp', 'cnn'] as const;
const OPTIMIZER_CHOICES: readonly TrainOptimizer[] = ['sgd', 'adam'];
// The same list as the library's BACKEND_CHOICES, kept here so that validating flags loads no tfjs.
const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const satisfies readonly BackendChoice[];

/**
 * Validates the flags of `privkit train` (without touching the data, the model file's content or the
 * output folder).
 * @param flags - raw flags.
 * @returns the settings for runTraining.
 * @throws UsageError naming the flag and its allowed values, for a missing, malformed, out-of-range
 *   or conflicting flag (`--noise-multiplier` and `--target-epsilon`: exactly one; σ·C finite in float32).
 * @example
 * ```ts
 * parseTrainFlags({ data: 'dataset:mnist', model: 'cnn', epochs: '1', batchSize: '256', learningRate: '0.1',
 *   maxGradNorm: '1', noiseMultiplier: '1.1', delta: '1e-5', out: 'run1' });
 * ```
 */
export function parseTrainFlags(flags: TrainFlags): TrainSettings {
  const data = requireString(flags.data, '--data', 'a CSV file or dataset:mnist / dataset:fashion-mnist');
  const model = parseModelFlag(flags.model);
  const epochs = requireNumericFlag(TRAIN_FLAG_SPECS.epochs, flags.epochs);
  const batchSize = requireNumericFlag(TRAIN_FLAG_SPECS.batchSize, flags.batchSize);
  const learningRate = requireNumericFlag(TRAIN_FLAG_SPECS.learningRate, flags.learningRate);
  const optimizer = parseChoice('--optimizer', OPTIMIZER_CHOICES, flags.optimizer ?? 'sgd');
  const maxGradNorm = requireNumericFlag(TRAIN_FLAG_SPECS.maxGradNorm, flags.maxGradNorm);
  const noise = parseNoiseFlags(flags);
  if ('noiseMultiplier' in noise) checkNoiseStd(noise.noiseMultiplier, maxGradNorm);
  const delta = requireNumericFlag(TRAIN_FLAG_SPECS.delta, flags.delta);
  const accountant = parseAccountantFlag(flags.accountant);
  const backend = parseChoice('--backend', BACKEND_CHOICES, flags.backend ?? 'auto');
  const seed = flags.seed === undefined ? undefined : parseNumericFlag(TRAIN_FLAG_SPECS.seed, flags.seed);
  const out = requireString(flags.out, '--out', 'the folder to write model.json, weights.bin and privacy.json to');
  if (existsSync(out) && !statSync(out).isDirectory()) {
    throw new UsageError(`--out must be a folder (new or existing); got ${JSON.stringify(out)}, which is a file`, '--out');
  }
  return { data, labelColumn: flags.labelColumn ?? 'label', model, epochs, batchSize, learningRate, optimizer, maxGradNorm, noise, delta, accountant, backend, seed, out };
}

function requireString(raw: string | undefined, flag: string, what: string): string {
  if (raw === undefined || raw === '') throw new UsageError(`${flag} is required: ${what}`, flag);
  return raw;
}

function parseChoice<T extends string>(flag: string, choices: readonly T[], raw: string): T {
  const match = choices.find((c) => c === raw);
  if (match === undefined) throw new UsageError(`${flag} must be one of ${choices.join(', ')}; got ${JSON.stringify(raw)}`, flag);
  return match;
}

function parseModelFlag(raw: string | undefined): TrainSettings['model'] {
  const what = `${MODEL_CHOICES.join(', ')} or the path of a model.json (or of its folder)`;
  if (raw === undefined || raw === '') throw new UsageError(`--model is required: ${what}`, '--model');
  const builtin = MODEL_CHOICES.find((c) => c === raw);
  if (builtin !== undefined) return { builtin };
  if (!existsSync(raw)) throw new UsageError(`--model must be ${what}; got ${JSON.stringify(raw)}, which does not exist`, '--model');
  return { path: raw };
}

function parseNoiseFlags(flags: TrainFlags): TrainSettings['noise'] {
  const { noiseMultiplier, targetEpsilon } = TRAIN_FLAG_SPECS;
  if (flags.noiseMultiplier !== undefined && flags.targetEpsilon !== undefined) {
    throw new UsageError('give either --noise-multiplier or --target-epsilon, not both', '--noise-multiplier');
  }
  if (flags.noiseMultiplier !== undefined) return { noiseMultiplier: parseNumericFlag(noiseMultiplier, flags.noiseMultiplier) };
  if (flags.targetEpsilon !== undefined) return { targetEpsilon: parseNumericFlag(targetEpsilon, flags.targetEpsilon) };
  throw new UsageError(
    `--noise-multiplier (${describeAllowed(noiseMultiplier)}) or --target-epsilon (${describeAllowed(targetEpsilon)}) is required`,
    '--noise-multiplier',
  );
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
  const s = TRAIN_FLAG_SPECS;
  return program
    .command('train')
    .description('train a classifier with DP-SGD on a CSV file or a bundled dataset; write the model and its ε')
    .addOption(new Option('--data <file.csv|dataset:NAME>', 'training data: a CSV file with a header row, or dataset:mnist / dataset:fashion-mnist (required)'))
    .addOption(new Option('--label-column <name>', 'the CSV column holding the class label; every other column is a numeric feature').default('label'))
    .addOption(new Option('--model <mlp|cnn|path>', 'mlp, cnn (image data only) or the path of a model.json to start from (required)'))
    .addOption(new Option('--epochs <E>', `passes over the data E, ${describeAllowed(s.epochs)}: ⌈E/q⌉ steps (required)`))
    .addOption(new Option('--batch-size <B>', `expected batch size B, ${describeAllowed(s.batchSize)}, ≤ N: q = B/N (required)`))
    .addOption(new Option('--learning-rate <L>', `learning rate, ${describeAllowed(s.learningRate)} (required)`))
    .addOption(new Option('--optimizer <name>', `optimizer wrapped by DP-SGD: ${OPTIMIZER_CHOICES.join(' or ')}`).default('sgd'))
    .addOption(new Option('--max-grad-norm <C>', `per-example clipping norm C, ${describeAllowed(s.maxGradNorm)} (required)`))
    .addOption(new Option('--noise-multiplier <σ>', `noise multiplier σ, ${describeAllowed(s.noiseMultiplier)} (this or --target-epsilon)`))
    .addOption(new Option('--target-epsilon <ε>', `calibrate σ for this ε, ${describeAllowed(s.targetEpsilon)}, and stop before exceeding it`))
    .addOption(deltaOption())
    .addOption(accountantOption())
    .addOption(new Option('--backend <name>', `tfjs backend: ${BACKEND_CHOICES.join(', ')} (auto: tensorflow if installed, else wasm, else cpu)`).default('auto'))
    .addOption(new Option('--seed <S>', `seed of the noise, the batch sampling, the initial weights and the data split, ${describeAllowed(s.seed)}: a reproducible experiment, not for release (default: secure randomness, split seed 0)`))
    .addOption(new Option('--out <dir>', 'output folder: model.json, weights.bin, privacy.json, members.txt, written as one unit after training succeeded (required)'))
    .addOption(jsonOption())
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
    .action(async (flags: TrainFlags) => {
      const settings = parseTrainFlags(flags);
      const { runTraining, privacyJson } = await import('../_internals/trainRun.js');
      const report = await runTraining(settings, io);
      io.stdout(flags.json ? privacyJson(report.privacy) : formatTrainReport(report, settings));
    });
}
