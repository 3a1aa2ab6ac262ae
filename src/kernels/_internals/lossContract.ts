/**
 * The shape contract between targets, the model's output and a per-example loss. Per-example
 * clipping is only valid when loss i depends on example i alone; a target that broadcasts against the
 * output across the batch axis ([B] against [B, 1] gives [B, B]) or a loss that reduces over the
 * batch silently multiplies the sensitivity. So, before a batch is clipped:
 * - a target of shape [B] is expanded to [B, 1] when the output is [B, 1], as tfjs' own `fit` does
 *   (`ensureTensorsRank2OrHigher` in tfjs-layers' training.ts); nothing else is reshaped;
 * - named losses need the target shape they are defined for (the output's shape, or [B] / [B, 1]
 *   class ids for `sparseCategoricalCrossentropy`); anything else is `INVALID_ARGUMENT` naming both;
 * - every loss must return exactly [B]; a custom loss is also checked once per target shape, on
 *   random data, to give example i's loss from example i alone (batch value = value on its own), and on
 *   every real batch, before anything is applied: the losses of a random half of the batch, of the
 *   other half and of one example alone must equal the whole batch's (a loss normalised by a batch
 *   statistic of the real targets, e.g. a mean token count, shows only on real data).
 */
import * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../../accountant/index.js';
import type { LossSpec } from '../perExampleLoss.js';

const shapeText = (shape: readonly (number | null)[]): string => `[${shape.map((d) => (d === null ? 'B' : String(d))).join(', ')}]`;

/**
 * The target for a batch, in the shape the loss is defined for (a new tensor or `y` itself).
 * @param spec - the loss.
 * @param y - the targets, batch first.
 * @param outputShape - the model's output shape, batch axis `null`.
 * @returns `y`, or `y` reshaped to [B, 1] (the caller disposes it if it is not `y`).
 * @throws PrivkitError `INVALID_ARGUMENT` naming the target and output shapes.
 */
export function targetFor(spec: LossSpec, y: tf.Tensor, outputShape: readonly (number | null)[]): tf.Tensor {
  const batch = y.shape[0];
  const out = [batch, ...outputShape.slice(1)] as (number | null)[];
  const fitsOutput = (shape: readonly number[]): boolean =>
    shape.length === out.length && shape.every((d, i) => i === 0 || out[i] === null || out[i] === d);
  const oneUnit = out.length === 2 && out[1] === 1;
  if (spec === 'sparseCategoricalCrossentropy') {
    const ok = out.length === 2 && (y.shape.length === 1 || (y.shape.length === 2 && y.shape[1] === 1));
    if (!ok) {
      throw new PrivkitError(
        'INVALID_ARGUMENT',
        `'sparseCategoricalCrossentropy' needs class ids of shape [B] or [B, 1] and an output of shape [B, K]; got targets ${shapeText(y.shape)} and output ${shapeText(outputShape)}.`,
        { target: [...y.shape], output: [...outputShape] },
      );
    }
    return y;
  }
  if (y.shape.length === 1 && oneUnit) return tf.reshape(y, [batch, 1]); // what tfjs' fit does
  if (typeof spec === 'function') return y; // a custom loss defines its own target shape
  if (!fitsOutput(y.shape)) {
    const hint =
      spec === 'categoricalCrossentropy' && y.shape.length === 1 ? " (class ids need 'sparseCategoricalCrossentropy'; 'categoricalCrossentropy' takes one-hot targets)" : '';
    throw new PrivkitError(
      'INVALID_ARGUMENT',
      `'${spec}' needs targets of the output's shape ${shapeText(outputShape)}; got targets ${shapeText(y.shape)}${hint}. Targets are never broadcast across the batch.`,
      { target: [...y.shape], output: [...outputShape] },
    );
  }
  return y;
}

/**
 * Throws unless `losses` has shape exactly [batch].
 * @throws PrivkitError `INVALID_ARGUMENT`.
 */
export function checkLossShape(losses: tf.Tensor, batch: number, context = ''): void {
  if (losses.shape.length !== 1 || losses.shape[0] !== batch) {
    throw new PrivkitError(
      'INVALID_ARGUMENT',
      `The loss returned shape ${shapeText(losses.shape)} for a batch of ${batch}${context}; it must return one loss per example, shape [${batch}] (a mean over the batch, or a target broadcast against the output, breaks per-example clipping).`,
      { shape: [...losses.shape], batch },
    );
  }
}

/** Random values of a shape, in a target's dtype (integer ids in [0, classes) for int32). */
function randomLike(shape: number[], dtype: tf.DataType, classes: number): tf.Tensor {
  if (dtype === 'int32') return tf.randomUniform(shape, 0, Math.max(2, classes), 'int32', 7);
  return tf.randomUniform(shape, 0.05, 0.95, 'float32', 11);
}

/**
 * Checks, on random data (not the caller's), that a custom loss returns [k] for k examples and that
 * each example's loss equals its loss computed alone: it reduces over no axis but its own.
 * @param loss - the per-example loss.
 * @param y - a batch of targets (only its shape and dtype are used).
 * @param outputShape - the model's output shape, batch axis `null`.
 * @throws PrivkitError `INVALID_ARGUMENT` when the loss mixes examples or has the wrong shape.
 */
export function checkLossIndependence(loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor, y: tf.Tensor, outputShape: readonly (number | null)[]): void {
  const k = 3;
  const classes = (outputShape[outputShape.length - 1] ?? 2) as number;
  const yShape = [k, ...y.shape.slice(1)];
  const pShape = [k, ...outputShape.slice(1).map((d) => d ?? 3)] as number[];
  let mixed: { i: number; together: number; alone: number } | null = null;
  try {
    tf.tidy(() => {
    const yt = randomLike(yShape, y.dtype, classes);
    // A probability-like prediction (positive, rows summing to 1), valid for any loss on probabilities.
    // One unit: a sigmoid probability (a softmax over one unit is the constant 1: log(1 − p) would be
    // −∞, and a loss that mixes the batch's predictions would go unseen).
    const z = tf.randomNormal(pShape, 0, 1, 'float32', 13);
    const yp = pShape[pShape.length - 1] === 1 ? tf.sigmoid(z) : tf.softmax(z);
    const together = loss(yt, yp);
    checkLossShape(together, k, ' (a check on random examples)');
    const joint = together.dataSync();
    for (let i = 0; i < k; i++) {
      const alone = loss(tf.slice(yt, i, 1), tf.slice(yp, i, 1));
      checkLossShape(alone, 1, ' (a check on one random example)');
      const a = alone.dataSync()[0];
      if (!(a === joint[i] || Math.abs(a - joint[i]) <= 1e-4 * Math.max(1, Math.abs(a)))) {
        mixed = { i, together: joint[i], alone: a };
        return;
      }
    }
    });
  } catch (e) {
    if (e instanceof PrivkitError) throw e;
    throw new PrivkitError(
      'INVALID_ARGUMENT',
      `The custom loss failed on a check batch of random targets ${shapeText(yShape)} and predictions ${shapeText(pShape)} (${(e as Error).message ?? String(e)}); a per-example loss must take targets of this shape and any subset of examples.`,
    );
  }
  if (mixed !== null) {
    const m = mixed as { i: number; together: number; alone: number };
    throw new PrivkitError(
      'INVALID_ARGUMENT',
      `The custom loss mixes examples: on random targets ${shapeText(yShape)} and predictions ${shapeText(pShape)}, example ${m.i}'s loss is ${m.together} in the batch but ${m.alone} alone. A per-example loss must depend on its own example only (no mean over the batch, no broadcasting across it).`,
      { example: m.i },
    );
  }
}

/**
 * The per-example check of a custom loss on a real batch (run on every batch, before the step is
 * applied): the losses of a random half of the batch, of the other half, and of one example alone
 * must equal those the whole batch gave. Three small loss evaluations, no model pass. The message
 * reveals nothing of the data (it is about the loss function).
 * @param loss - the custom per-example loss.
 * @param y - the batch's targets (in the loss's shape).
 * @param yPred - the batch's predictions.
 * @param batchLosses - the loss on the whole batch, [B].
 * @throws PrivkitError `INVALID_ARGUMENT` when the loss mixes examples.
 */
export function checkLossOnBatch(loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor, y: tf.Tensor, yPred: tf.Tensor, batchLosses: tf.Tensor1D): void {
  const batch = batchLosses.shape[0];
  if (batch < 2) return;
  const order = Int32Array.from({ length: batch }, (_, i) => i);
  for (let i = batch - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1)); // which examples are compared is not private
    [order[i], order[j]] = [order[j], order[i]];
  }
  const half = batch >> 1;
  const parts = [order.slice(0, half), order.slice(half), order.slice(0, 1)];
  const whole = batchLosses.dataSync();
  let mixed = false;
  let failure: unknown = null;
  tf.tidy(() => {
    for (const part of parts) {
      const idx = tf.tensor1d(part, 'int32');
      let got: tf.Tensor;
      try {
        got = loss(tf.gather(y, idx), tf.gather(yPred, idx));
      } catch (e) {
        failure = e;
        return;
      }
      if (got.shape.length !== 1 || got.shape[0] !== part.length) {
        mixed = true;
        return;
      }
      const values = got.dataSync();
      for (let k = 0; k < part.length; k++) {
        const a = values[k];
        const b = whole[part[k]];
        if (!(a === b || Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b)))) {
          mixed = true;
          return;
        }
      }
    }
  });
  if (failure !== null) {
    throw new PrivkitError('INVALID_ARGUMENT', `The custom loss failed on part of a batch (${(failure as Error).message ?? String(failure)}); a per-example loss must work on any subset of examples.`);
  }
  if (mixed) {
    throw new PrivkitError(
      'INVALID_ARGUMENT',
      'The custom loss mixes examples: on this batch, the losses it gives on part of the batch differ from those it gives on the whole batch. A per-example loss must depend on its own example only (no normalisation by a batch statistic, no mean over the batch); the step was not applied.',
    );
  }
}
