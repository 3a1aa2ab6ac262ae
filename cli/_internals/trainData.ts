/**
 * The data of `privkit train`: a training set and a test set from `--data`, as tensors, and the test
 * accuracy of a model. Loaded lazily by the train command (it imports tfjs).
 */
import * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../accountant/index.js';
import { loadDataset, seededPermutation, type Dataset } from '../../src/node/index.js';

/** The share of a CSV file's rows held out (after a seeded shuffle) as the test set. */
export const CSV_TEST_FRACTION = 0.2;

/** The fewest CSV rows `privkit train` takes: 5, so that the 20% test split holds at least one row. */
export const MIN_CSV_ROWS = 5;

/** Options of {@link loadTrainingData}. */
export interface LoadTrainingDataOptions {
  /** Seed of the train/test split. */
  readonly seed: number;
  /** The CSV label column. */
  readonly labelColumn: string;
}

/** A training set and the test set that goes with it. */
export interface TrainingData {
  readonly train: Dataset;
  readonly test: Dataset;
}

/**
 * Loads `--data`: for `dataset:NAME`, the bundled dataset's own train and test splits (shuffled by
 * `seed`); for a CSV file, all its rows, of which a seeded {@link CSV_TEST_FRACTION} (rounded down) is
 * held out as the test set and the rest is the training set.
 * @param spec - `dataset:mnist`, `dataset:fashion-mnist` or a CSV path.
 * @param options - split seed and label column.
 * @returns the two sets (same example shape and class count); each set's `rows` are its examples'
 *   indices in `--data` (the index space of `audit mia --members`).
 * @throws PrivkitError `BAD_DATA_FILE` for an unknown dataset, an unreadable or malformed file, or a
 *   CSV file of fewer than {@link MIN_CSV_ROWS} rows (no test example to measure the model on).
 * @example
 * ```ts
 * const { train, test } = loadTrainingData('data.csv', { seed: 0, labelColumn: 'label' });
 * ```
 */
export function loadTrainingData(spec: string, options: LoadTrainingDataOptions): TrainingData {
  const { seed, labelColumn } = options;
  if (spec.startsWith('dataset:')) {
    return {
      train: loadDataset(spec, { split: 'train', seed, labelColumn }),
      test: loadDataset(spec, { split: 'test', seed, labelColumn }),
    };
  }
  const all = loadDataset(spec, { split: 'all', seed, labelColumn });
  const n = all.y.length;
  if (n < MIN_CSV_ROWS) {
    throw new PrivkitError(
      'BAD_DATA_FILE',
      `${spec}: privkit train needs at least ${MIN_CSV_ROWS} data rows (a ${CSV_TEST_FRACTION * 100}% test split of at least one row); got ${n}.`,
      { path: spec },
    );
  }
  const testSize = Math.floor(n * CSV_TEST_FRACTION);
  const perm = seededPermutation(n, seed);
  return { train: subset(all, perm.subarray(testSize)), test: subset(all, perm.subarray(0, testSize)) };
}

function subset(data: Dataset, indices: Int32Array): Dataset {
  const size = exampleSize(data);
  const x = new Float32Array(indices.length * size);
  const y = new Int32Array(indices.length);
  const rows = new Int32Array(indices.length);
  indices.forEach((src, i) => {
    x.set(data.x.subarray(src * size, (src + 1) * size), i * size);
    y[i] = data.y[src];
    rows[i] = data.rows === undefined ? src : data.rows[src];
  });
  return { ...data, x, y, rows };
}

/**
 * The `members.txt` of a training set: its rows in `--data` (see {@link loadTrainingData}), ascending,
 * one per line, as `privkit audit mia --members` reads them.
 * @param train - the training set.
 * @returns the file's text.
 * @throws PrivkitError `INTERNAL` when the set does not know its rows.
 * @example
 * ```ts
 * writeFileSync('members.txt', membersText(train));
 * ```
 */
export function membersText(train: Dataset): string {
  if (train.rows === undefined) throw new PrivkitError('INTERNAL', `the training set of ${train.name} does not record its rows.`);
  const rows = Int32Array.from(train.rows).sort();
  return rows.length === 0 ? '' : `${rows.join('\n')}\n`;
}

function exampleSize(data: Dataset): number {
  return data.exampleShape.reduce((a, b) => a * b, 1);
}

/**
 * The dataset as tensors: x float32 [N, ...exampleShape], y one-hot float32 [N, numClasses].
 * The caller disposes them.
 * @param data - the examples.
 * @returns the two tensors.
 * @example
 * ```ts
 * const { x, y } = toTensors(train);
 * ```
 */
export function toTensors(data: Dataset): { x: tf.Tensor; y: tf.Tensor } {
  const n = data.y.length;
  const x = tf.tensor(data.x, [n, ...data.exampleShape], 'float32');
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(data.y, 'int32'), data.numClasses).toFloat());
  return { x, y };
}

/**
 * The fraction of examples whose most probable class (argmax of the model's output) is the label,
 * predicted in chunks so that a large test set never sits on the backend at once.
 * @param model - a model with one input and one output [batch, numClasses].
 * @param data - the test set.
 * @param chunkSize - examples per prediction. @defaultValue 1000
 * @returns the accuracy in [0, 1]; NaN for an empty test set.
 * @example
 * ```ts
 * const accuracy = await testAccuracy(model, test);
 * ```
 */
export async function testAccuracy(model: tf.LayersModel, data: Dataset, chunkSize = 1000): Promise<number> {
  const n = data.y.length;
  if (n === 0) return NaN;
  const size = exampleSize(data);
  let correct = 0;
  for (let start = 0; start < n; start += chunkSize) {
    const m = Math.min(chunkSize, n - start);
    const predicted = tf.tidy(() => {
      const x = tf.tensor(data.x.subarray(start * size, (start + m) * size), [m, ...data.exampleShape], 'float32');
      return (model.predict(x) as tf.Tensor).argMax(-1);
    });
    const classes = await predicted.data();
    predicted.dispose();
    for (let i = 0; i < m; i++) if (classes[i] === data.y[start + i]) correct++;
  }
  return correct / n;
}
