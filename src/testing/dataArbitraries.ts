/**
 * Arbitraries of records with bounded values — numeric vectors, tensors of a given shape, labelled
 * examples and batches of them — plus the conversion of a batch to tfjs tensors. Records are plain
 * numbers, not tensors: fast-check makes and shrinks hundreds of them, and tfjs tensors would have to be
 * disposed one by one. Feed any of them to {@link neighbouringDatasets}.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { invalid, PrivkitError, requireOptions, show } from '../../accountant/index.js';
import { MAX_RECORDS, MAX_VALUES, requireCount } from './_internals/validate.js';

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

/**
 * The bounds of a value range, finite with min ≤ max. `where` prefixes the names in messages
 * (`inputRange.` for clippingRespected's option).
 */
export function rangeOf(range: ValueRange, where = ''): { min: number; max: number } {
  requireOptions(where === '' ? 'range' : where.slice(0, -1), range);
  const min = range.min ?? -1;
  const max = range.max ?? 1;
  if (typeof min !== 'number' || !Number.isFinite(min)) invalid(`\`${where}min\` must be a finite number; got ${show(min)}.`);
  if (typeof max !== 'number' || !Number.isFinite(max)) invalid(`\`${where}max\` must be a finite number; got ${show(max)}.`);
  if (!(min <= max)) invalid(`${where === '' ? 'The value range' : `\`${where.slice(0, -1)}\``} must have min ≤ max; got [${show(min)}, ${show(max)}].`);
  return { min, max };
}

/** The number of values of `shape`: a list of non-negative integers with at most 10⁶ values in all. */
function sizeOf(shape: readonly number[], name = 'shape'): number {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    invalid(`\`${name}\` must list non-negative integers; got ${show(shape)}.`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (size > MAX_VALUES) invalid(`\`${name}\` must have at most ${MAX_VALUES} values; got [${shape.join(', ')}] (${size}).`);
  return size;
}

/** An {@link ExampleShape}: an input shape (see sizeOf) and an integer class count in [2, 10⁶]. */
function checkExampleShape(shape: ExampleShape): number {
  requireOptions('shape', shape);
  const size = sizeOf(shape.inputShape, 'inputShape');
  requireCount('numClasses', shape.numClasses, 2, MAX_VALUES);
  return size;
}

function values(size: number, range: ValueRange): fc.Arbitrary<number[]> {
  const { min, max } = rangeOf(range);
  return fc.array(fc.double({ min, max, noNaN: true }), { minLength: size, maxLength: size });
}

/**
 * Vectors of `length` numbers in [min, max].
 * @param options - `length` (an integer in [0, 10⁶]) and the value range.
 * @returns an arbitrary of plain arrays.
 * @throws PrivkitError `INVALID_ARGUMENT` for a bad length or range.
 * @example
 * ```ts
 * neighbouringDatasets(boundedVectors({ length: 3, min: -5, max: 5 }));
 * ```
 */
export function boundedVectors(options: ValueRange & { readonly length: number }): fc.Arbitrary<number[]> {
  requireOptions('options', options);
  return values(requireCount('length', options.length, 0, MAX_VALUES), options);
}

/**
 * Tensors of a fixed shape with values in [min, max], as {@link TensorValues} (`tf.tensor(t.values, t.shape)`).
 * @param shape - the shape, e.g. `[2, 3]`: non-negative integers, at most 10⁶ values in all.
 * @param range - the value range.
 * @returns an arbitrary of tensor values.
 * @throws PrivkitError `INVALID_ARGUMENT` for a bad shape or range.
 * @example
 * ```ts
 * fc.sample(tensorValues([2, 2], { min: 0, max: 1 }), 1)[0].values.length === 4;
 * ```
 */
export function tensorValues(shape: readonly number[], range: ValueRange = {}): fc.Arbitrary<TensorValues> {
  const size = sizeOf(shape);
  const frozen = Object.freeze([...shape]);
  return values(size, range).map((v) => ({ shape: frozen, values: v }));
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
  checkExampleShape(shape);
  return fc.record({ x: tensorValues(shape.inputShape, range), label: fc.integer({ min: 0, max: shape.numClasses - 1 }) });
}

/**
 * Batches of labelled examples (see {@link labelledExamples}).
 * @param shape - input shape and number of classes.
 * @param options - value range, and the batch size range (`minSize` default 1, `maxSize` default 8;
 *   integers in [0, 10⁶]).
 * @returns an arbitrary of example arrays.
 * @throws PrivkitError `INVALID_ARGUMENT` for bad sizes, shape, range or class count.
 * @example
 * ```ts
 * fc.property(exampleBatches({ inputShape: [3], numClasses: 2 }, { maxSize: 5 }), (batch) => batch.length <= 5);
 * ```
 */
export function exampleBatches(shape: ExampleShape, options: ValueRange & { readonly minSize?: number; readonly maxSize?: number } = {}): fc.Arbitrary<LabelledExample[]> {
  requireOptions('options', options);
  const minSize = requireCount('minSize', options.minSize ?? 1, 0, MAX_RECORDS);
  const maxSize = requireCount('maxSize', options.maxSize ?? 8, 0, MAX_RECORDS);
  if (maxSize < minSize) invalid(`\`maxSize\` must be ≥ \`minSize\` (${minSize}); got ${maxSize}.`);
  return fc.array(labelledExamples(shape, options), { minLength: minSize, maxLength: maxSize });
}

/**
 * A batch as tfjs tensors: x of shape [B, ...inputShape] (float32) and y one-hot [B, numClasses].
 * The caller disposes both.
 * @param examples - the batch (may be empty).
 * @param shape - input shape and number of classes.
 * @returns `{ x, y }`.
 * @throws PrivkitError `INVALID_ARGUMENT` when `examples` is not an array, `shape` is not an
 *   {@link ExampleShape}, or an example is not `{ x: { values }, label }` with as many finite values as
 *   `inputShape` holds and an integer label in [0, numClasses).
 * @example
 * ```ts
 * const { x, y } = batchTensors(batch, { inputShape: [4], numClasses: 3 });
 * ```
 */
export function batchTensors(examples: readonly LabelledExample[], shape: ExampleShape): { x: tf.Tensor; y: tf.Tensor2D } {
  if (!Array.isArray(examples)) invalid(`\`examples\` must be an array of labelled examples; got ${show(examples)}.`);
  const size = checkExampleShape(shape);
  requireCount('examples.length', examples.length, 0, MAX_RECORDS);
  const flat = new Float32Array(examples.length * size);
  const labels = new Float32Array(examples.length * shape.numClasses);
  examples.forEach((e: unknown, i) => {
    const values = (e as { x?: { values?: unknown } } | null)?.x?.values;
    if (e === null || typeof e !== 'object' || values === null || typeof values !== 'object' || typeof (values as ArrayLike<unknown>).length !== 'number') {
      invalid(`Example ${i} must be { x: { shape, values }, label }; got ${show(e)}.`);
    }
  });
  examples.forEach((e, i) => {
    for (let j = 0; j < e.x.values.length; j++) {
      if (typeof e.x.values[j] !== 'number' || !Number.isFinite(e.x.values[j])) invalid(`Example ${i} has a non-finite value ${show(e.x.values[j])} at index ${j}.`);
    }
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
