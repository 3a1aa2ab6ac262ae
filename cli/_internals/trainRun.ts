/**
 * The work of `privkit train`, on validated settings: check that `--out` can be written, load the
 * data, start the backend, build or load the model, train it with DP-SGD through the public API
 * (`makePrivate` + `fit`), measure it on the test set, and only then write the output folder, as one
 * unit. Loaded lazily by the train command, so that the other commands never pay for importing tfjs.
 */
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import { makePrivate, useBackend, type AccountantKind, type ActiveBackend, type BackendChoice } from '../../src/index.js';
import { loadModel } from '../../src/node/index.js';
import { modelFolderFiles } from '../../src/node/index.js';
import { foreignEntries, writeFolderAtomic } from '../../src/node/index.js';
import type { CliIo } from '../CliIo.js';
import { quietTfjs } from './quietTfjs.js';
import { divergedError } from './divergedError.js';
import { jsonLine } from './format.js';
import { probeOutputs, withOutputs } from './outputTargets.js';
import { loadTrainingData, membersText, testAccuracy, toTensors } from './trainData.js';
import { buildModel, checkModelFitsData, type BuiltinModel } from './trainModels.js';
import { createTrainProgress } from './trainProgress.js';
import { UsageError } from './UsageError.js';

/** The files of a `privkit train` output folder. */
export const TRAIN_OUTPUT_FILES: readonly string[] = Object.freeze(['model.json', 'weights.bin', 'privacy.json', 'members.txt']);

/** What an existing `--out` may hold to be replaced: train's files, and temporary files of an interrupted earlier save. */
function replaceable(name: string): boolean {
  return TRAIN_OUTPUT_FILES.includes(name) || /\.tmp-\d+-\d+$/.test(name);
}

/** The one stderr line of a successful run with `--seed` (besides progress). */
export const SEEDED_WARNING = 'privkit: warning: --seed makes noise and batch sampling reproducible; a seeded run is not for release\n';

/** The optimizers `privkit train` offers. */
export type TrainOptimizer = 'sgd' | 'adam';

/** Validated settings of a `privkit train` run (see cli/commands/train.ts for the flags). */
export interface TrainSettings {
  /** `dataset:NAME` or a CSV path. */
  readonly data: string;
  /** The CSV label column. */
  readonly labelColumn: string;
  /** A built-in architecture, or the path of a model.json (or its folder). */
  readonly model: { readonly builtin: BuiltinModel } | { readonly path: string };
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly optimizer: TrainOptimizer;
  readonly maxGradNorm: number;
  /** σ as given, or a target ε to calibrate σ for (and to stop at). */
  readonly noise: { readonly noiseMultiplier: number } | { readonly targetEpsilon: number };
  readonly delta: number;
  readonly accountant: AccountantKind;
  readonly backend: BackendChoice;
  /** Noise, batch-sampling, initialisation and split seed; `undefined`: random noise, split seed 0. */
  readonly seed: number | undefined;
  /** The output folder. */
  readonly out: string;
}

/** The content of `privacy.json` (and of the `--json` line), in this key order. */
export interface PrivacyRecord {
  /** ε of the run at {@link delta} (+∞ for σ = 0). */
  readonly epsilon: number;
  readonly delta: number;
  /** σ used (as given, or calibrated from the target ε). */
  readonly noiseMultiplier: number;
  /** q = batch size / training examples. */
  readonly sampleRate: number;
  /** Steps taken. */
  readonly steps: number;
  readonly accountant: AccountantKind;
  readonly maxGradNorm: number;
  /** Fraction of test examples classified correctly; NaN (written `null`) without test examples. */
  readonly testAccuracy: number;
  /** "secure" (CSPRNG noise and batches) or "seeded" (`--seed` given: reproducible, not for release). */
  readonly randomness: 'secure' | 'seeded';
  /** SHA-256 of weights.bin (lowercase hex), so that a reader can check the weights belong to this record. */
  readonly weightsSha256: string;
}

/** What a run did, for the human summary. */
export interface TrainReport {
  readonly privacy: PrivacyRecord;
  /** "mlp", "cnn" or the model path. */
  readonly modelName: string;
  readonly trainSize: number;
  readonly testSize: number;
  readonly backend: ActiveBackend;
}

/** Clip in chunks of at most this many examples (bounds memory for large expected batches). */
const MAX_PHYSICAL_BATCH_SIZE = 512;

/**
 * Runs the training and writes `<out>` as one unit (writeFolderAtomic): model.json, weights.bin,
 * privacy.json (with the SHA-256 of weights.bin) and members.txt (the training rows of `--data`).
 * `--out` is checked with a probe write before anything else; nothing is written to it before
 * training and evaluation have succeeded, and a failed write leaves it as it was.
 * @param settings - validated flags.
 * @param io - progress (and, with a seed, one warning line) goes to `io.stderr`; nothing to stdout.
 * @returns the report.
 * @throws UsageError (`INVALID_ARGUMENT`) for a batch size above the training-set size, `cnn` on
 *   non-image data, a model that does not fit the data or does not output probabilities, an `--out`
 *   holding other files, or training that diverged (naming the flags); PrivkitError `BAD_DATA_FILE`,
 *   `BAD_MODEL_FILE`, `UNSUPPORTED_LAYER`, `IO_ERROR` (`--out` cannot be written), `UNREACHABLE_TARGET`
 *   (calibration), `BUDGET_EXCEEDED` (fit), `BACKEND_UNAVAILABLE`.
 * @example
 * ```ts
 * const report = await runTraining(settings, io);
 * ```
 */
export async function runTraining(settings: TrainSettings, io: CliIo): Promise<TrainReport> {
  const out = { flag: '--out', path: settings.out } as const;
  probeOutputs([out]);
  const foreign = foreignEntries(settings.out, replaceable);
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 3).map((n) => JSON.stringify(n)).join(', ') + (foreign.length > 3 ? `, … (${foreign.length} in all)` : '');
    throw new UsageError(
      `--out must be a new folder or one written by privkit train (holding only ${TRAIN_OUTPUT_FILES.join(', ')}); ${JSON.stringify(settings.out)} also holds ${shown}`,
      '--out',
    );
  }
  const { train, test } = loadTrainingData(settings.data, { seed: settings.seed ?? 0, labelColumn: settings.labelColumn });
  const datasetSize = train.y.length;
  if (settings.batchSize > datasetSize) {
    throw new UsageError(
      `--batch-size must be ≤ the number of training examples (${datasetSize} in ${settings.data}); got ${settings.batchSize}`,
      '--batch-size',
    );
  }
  quietTfjs();
  const backend = await useBackend(settings.backend);
  const modelName = 'builtin' in settings.model ? settings.model.builtin : settings.model.path;
  const model =
    'builtin' in settings.model
      ? buildModel(settings.model.builtin, {
          exampleShape: train.exampleShape,
          numClasses: train.numClasses,
          ...(settings.seed === undefined ? {} : { seed: settings.seed }),
        })
      : await loadModel(settings.model.path);
  const optimizer = settings.optimizer === 'adam' ? tf.train.adam(settings.learningRate) : tf.train.sgd(settings.learningRate);
  try {
    if ('path' in settings.model) checkModelFitsData(model, settings.model.path, train.exampleShape, train.numClasses);
    const { epochs, delta } = settings;
    const sampleRate = settings.batchSize / datasetSize;
    const targetEpsilon = 'targetEpsilon' in settings.noise ? settings.noise.targetEpsilon : undefined;
    const priv = makePrivate({
      model,
      optimizer,
      loss: 'categoricalCrossentropy',
      maxGradNorm: settings.maxGradNorm,
      sampleRate,
      datasetSize,
      accountant: settings.accountant,
      ...(targetEpsilon === undefined ? { noiseMultiplier: (settings.noise as { noiseMultiplier: number }).noiseMultiplier } : { targetEpsilon, delta, epochs }),
      ...(settings.seed === undefined ? {} : { seed: settings.seed }),
    });
    // Everything that can be refused cheaply has been: from here on the run trains.
    if (settings.seed !== undefined) io.stderr(SEEDED_WARNING);
    const { x, y } = toTensors(train);
    let steps: number;
    const progress = createTrainProgress(io, {
      totalSteps: Math.ceil(epochs / sampleRate), // fit's own step count
      epochs,
      delta,
      epsilon: () => priv.getEpsilon(delta),
    });
    try {
      const history = await priv.fit(x, y, {
        epochs,
        delta,
        ...(targetEpsilon === undefined ? {} : { targetEpsilon }),
        maxPhysicalBatchSize: MAX_PHYSICAL_BATCH_SIZE,
        callbacks: progress.callbacks,
      });
      steps = history.steps;
    } catch (e) {
      throw divergedError(e, { learningRate: settings.learningRate, maxGradNorm: settings.maxGradNorm, noiseMultiplier: priv.noiseMultiplier });
    } finally {
      progress.stop();
      tf.dispose([x, y]);
    }
    const files = await modelFolderFiles(model);
    const privacy: PrivacyRecord = {
      epsilon: priv.getEpsilon(delta),
      delta,
      noiseMultiplier: priv.noiseMultiplier,
      sampleRate,
      steps,
      accountant: settings.accountant,
      maxGradNorm: settings.maxGradNorm,
      testAccuracy: await testAccuracy(model, test),
      randomness: priv.randomness,
      weightsSha256: createHash('sha256').update(files['weights.bin']).digest('hex'),
    };
    // Training succeeded: only now touch the output folder, and all of it at once.
    await withOutputs([out], () =>
      writeFolderAtomic(settings.out, { ...files, 'privacy.json': privacyJson(privacy), 'members.txt': membersText(train) }, { replaceable }),
    );
    return { privacy, modelName, trainSize: datasetSize, testSize: test.y.length, backend };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/**
 * The privacy record as one line of JSON (the `--json` output and the content of privacy.json).
 * @param privacy - the record.
 * @returns the line, with its newline; +∞ is written `1e999`, NaN `null` (see jsonLine).
 * @example
 * ```ts
 * io.stdout(privacyJson(report.privacy));
 * ```
 */
export function privacyJson(privacy: PrivacyRecord): string {
  const { epsilon, delta, noiseMultiplier, sampleRate, steps, accountant, maxGradNorm, testAccuracy: accuracy, randomness, weightsSha256 } = privacy;
  return jsonLine({ epsilon, delta, noiseMultiplier, sampleRate, steps, accountant, maxGradNorm, testAccuracy: accuracy, randomness, weightsSha256 });
}
