/**
 * Arbitraries of records with bounded values — numeric vectors, tensors of a given shape, labelled
 * examples and batches of them — plus the conversion of a batch to tfjs tensors. Records are plain
 * numbers, not tensors: fast-check makes and shrinks hundreds of them, and tfjs tensors would have to be
 * disposed one by one. Feed any of them to {@link neighbouringDatasets}.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { PrivkitError } from '../../accountant/index.js';

/** A bounded value range. */
export interface ValueRange {
  /** Smallest value. @defaultValue -1 */
  readonly min?: number;
  /** Largest value. @defaultValue 1 */
  readonly max?: number;
}

/** The values of one tensor, flat in row-major order, with its shape. */
export interface TensorValues {
  readonly shape: readonly number[];
  readonly values: readonly number[];
}

/** One training example: features and a class label in [0, numClasses). */
export interface LabelledExample {
  readonly x: TensorValues;
  readonly label: number;
}

/** The shape of examples: what a classifier takes and how many classes it predicts. */
export interface ExampleShape {
  /** Shape of one input, without the batch axis, e.g. `[4]` or `[5, 5, 1]`. */
  readonly inputShape: readonly number[];
  /** Number of classes (≥ 2). */
  readonly numClasses: number;
}

function rangeOf(range: ValueRange): { min: number; max: number } {
  const min = range.min ?? -1;
  const max = range.max ?? 1;
  if (!(Number.isFinite(min) && Number.isFinite(max) && min <= max)) {
    throw new PrivkitError('INVALID_ARGUMENT', `The value range must be finite with min ≤ max; got [${String(min)}, ${String(max)}].`);
  }
  return { min, max };
}

function sizeOf(shape: readonly number[]): number {
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new PrivkitError('INVALID_ARGUMENT', `A shape must list non-negative integers; got [${shape.join(', ')}].`);
  }
  return shape.reduce((a, b) => a * b, 1);
}

function values(size: number, range: ValueRange): fc.Arbitrary<number[]> {
  const { min, max } = rangeOf(range);
  return fc.array(fc.double({ min, max, noNaN: true }), { minLength: size, maxLength: size });
}

/**
 * Vectors of `length` numbers in [min, max].
 * @param options - `length` (≥ 0) and the value range.
 * @returns an arbitrary of plain arrays.
 * @throws PrivkitError `INVALID_ARGUMENT` for a bad length or range.
 * @example
 * ```ts
 * neighbouringDatasets(boundedVectors({ length: 3, min: -5, max: 5 }));
 * ```
 */
export function boundedVectors(options: ValueRange & { readonly length: number }): fc.Arbitrary<number[]> {
  return values(sizeOf([options.length]), options);
}

/**
 * Tensors of a fixed shape with values in [min, max], as {@link TensorValues} (`tf.tensor(t.values, t.shape)`).
 * @param shape - the shape, e.g. `[2, 3]`.
 * @param range - the value range.
 * @returns an arbitrary of tensor values.
 * @throws PrivkitError `INVALID_ARGUMENT` for a bad shape or range.
 * @example
 * ```ts
 * fc.sample(tensorValues([2, 2], { min: 0, max: 1 }), 1)[0].values.length === 4;
 * ```
 */
export function tensorValues(shape: readonly number[], range: ValueRange = {}): fc.Arbitrary<TensorValues> {
  const frozen = Object.freeze([...shape]);
  return values(sizeOf(shape), range).map((v) => ({ shape: frozen, values: v }));
}

/**
 * Labelled examples: inputs of `inputShape` in [min, max] and a label in [0, numClasses).
 * @param shape - input shape and number of classes.
 * @param range - the input value range.
 * @returns an arbitrary of examples.
 * @throws PrivkitError `INVALID_ARGUMENT` for a bad shape, range or class count.
 * @example
 * ```ts
 * neighbouringDatasets(labelledExamples({ inputShape: [4], numClasses: 3 }, { min: -10, max: 10 }), { maxLength: 6 });
 * ```
 */
export function labelledExamples(shape: ExampleShape, range: ValueRange = {}): fc.Arbitrary<LabelledExample> {
  if (!(Number.isInteger(shape.numClasses) && shape.numClasses >= 2)) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`numClasses\` must be an integer ≥ 2; got ${String(shape.numClasses)}.`);
  }
  return fc.record({ x: tensorValues(shape.inputShape, range), label: fc.integer({ min: 0, max: shape.numClasses - 1 }) });
}

/**
 * Batches of labelled examples (see {@link labelledExamples}).
 * @param shape - input shape and number of classes.
 * @param options - value range, and the batch size range (`minSize` default 1, `maxSize` default 8).
 * @returns an arbitrary of example arrays.
 * @throws PrivkitError `INVALID_ARGUMENT` for bad sizes, shape, range or class count.
 * @example
 * ```ts
 * fc.property(exampleBatches({ inputShape: [3], numClasses: 2 }, { maxSize: 5 }), (batch) => batch.length <= 5);
 * ```
 */
export function exampleBatches(shape: ExampleShape, options: ValueRange & { readonly minSize?: number; readonly maxSize?: number } = {}): fc.Arbitrary<LabelledExample[]> {
  const minSize = options.minSize ?? 1;
  const maxSize = options.maxSize ?? 8;
  if (!(Number.isInteger(minSize) && Number.isInteger(maxSize) && minSize >= 0 && maxSize >= minSize)) {
    throw new PrivkitError('INVALID_ARGUMENT', `Batch sizes must be integers with 0 ≤ minSize ≤ maxSize; got ${String(minSize)} and ${String(maxSize)}.`);
  }
  return fc.array(labelledExamples(shape, options), { minLength: minSize, maxLength: maxSize });
}

/**
 * A batch as tfjs tensors: x of shape [B, ...inputShape] (float32) and y one-hot [B, numClasses].
 * The caller disposes both.
 * @param examples - the batch (may be empty).
 * @param shape - input shape and number of classes.
 * @returns `{ x, y }`.
 * @throws PrivkitError `INVALID_ARGUMENT` when an example's shape or label does not fit.
 * @example
 * ```ts
 * const { x, y } = batchTensors(batch, { inputShape: [4], numClasses: 3 });
 * ```
 */
export function batchTensors(examples: readonly LabelledExample[], shape: ExampleShape): { x: tf.Tensor; y: tf.Tensor2D } {
  const size = sizeOf(shape.inputShape);
  const flat = new Float32Array(examples.length * size);
  const labels = new Float32Array(examples.length * shape.numClasses);
  examples.forEach((e, i) => {
    if (e.x.values.length !== size) {
      throw new PrivkitError('INVALID_ARGUMENT', `Example ${i} has ${e.x.values.length} values; inputShape [${shape.inputShape.join(', ')}] needs ${size}.`);
    }
    if (!(Number.isInteger(e.label) && e.label >= 0 && e.label < shape.numClasses)) {
      throw new PrivkitError('INVALID_ARGUMENT', `Example ${i} has label ${String(e.label)}; labels must be integers in [0, ${shape.numClasses}).`);
    }
    flat.set(e.x.values, i * size);
    labels[i * shape.numClasses + e.label] = 1;
  });
  return { x: tf.tensor(flat, [examples.length, ...shape.inputShape], 'float32'), y: tf.tensor2d(labels, [examples.length, shape.numClasses], 'float32') };
}
