/**
 * Per-example losses. DP-SGD needs the loss of each example separately (their SUM is differentiated,
 * so that ∂L/∂z_i is example i's own gradient; tfjs' training losses return the batch mean).
 */
import * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../accountant/index.js';

/** A loss name privkit knows, or a function returning one loss per example, shape [B]. */
export type LossSpec =
  | 'categoricalCrossentropy'
  | 'sparseCategoricalCrossentropy'
  | 'binaryCrossentropy'
  | 'meanSquaredError'
  | ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor);

/** The loss names accepted by {@link perExampleLoss}. */
export const LOSS_NAMES = ['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy', 'meanSquaredError'] as const;

const EPS = 1e-7; // the clipping tfjs-layers applies to probabilities before log

/**
 * The per-example loss function for a spec. Named losses take probabilities (a softmax/sigmoid
 * output), as tfjs-layers' losses of the same names do.
 * @param spec - a name or a function.
 * @returns (yTrue, yPred) => per-example losses [B].
 * @throws PrivkitError `INVALID_ARGUMENT` for an unknown name.
 * @example
 * ```ts
 * const loss = perExampleLoss('categoricalCrossentropy');
 * ```
 */
export function perExampleLoss(spec: LossSpec): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor1D {
  if (typeof spec === 'function') return (yTrue, yPred) => spec(yTrue, yPred) as tf.Tensor1D;
  switch (spec) {
    case 'categoricalCrossentropy':
      return (yTrue, yPred) => tf.neg(tf.sum(tf.mul(yTrue, tf.log(tf.clipByValue(yPred, EPS, 1 - EPS))), -1)) as tf.Tensor1D;
    case 'sparseCategoricalCrossentropy':
      return (yTrue, yPred) => {
        const classes = yPred.shape[yPred.shape.length - 1];
        const oneHot = tf.oneHot(tf.cast(tf.reshape(yTrue, [-1]), 'int32'), classes);
        return tf.neg(tf.sum(tf.mul(oneHot, tf.log(tf.clipByValue(yPred, EPS, 1 - EPS))), -1)) as tf.Tensor1D;
      };
    case 'binaryCrossentropy':
      return (yTrue, yPred) => {
        const p = tf.clipByValue(yPred, EPS, 1 - EPS);
        const ll = tf.add(tf.mul(yTrue, tf.log(p)), tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, p))));
        return tf.neg(tf.mean(ll, -1)) as tf.Tensor1D;
      };
    case 'meanSquaredError':
      return (yTrue, yPred) => tf.mean(tf.square(tf.sub(yPred, yTrue)), -1) as tf.Tensor1D;
    default:
      throw new PrivkitError('INVALID_ARGUMENT', `\`loss\` must be one of ${LOSS_NAMES.join(', ')} or a function; got ${JSON.stringify(spec)}.`);
  }
}
