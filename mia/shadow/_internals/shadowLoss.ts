import * as tf from '@tensorflow/tfjs';
import { perExampleLoss } from '../../../src/index.js';
import { outputKind } from '../queryLogits.js';

/**
 * Per-example sparse softmax cross-entropy on logits z [B, K] with class ids y [B]:
 * L_i = −log softmax(z_i)[y_i] = logsumexp(z_i) − z_i[y_i] (the from-logits form of the categorical
 * cross-entropy, as tf.nn.sparse_softmax_cross_entropy_with_logits; its gradient in z is
 * softmax(z_i) − onehot(y_i)). No probability clipping: logSoftmax stays finite for any logits.
 */
export function sparseSoftmaxCrossEntropyFromLogits(yTrue: tf.Tensor, logits: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const classes = logits.shape[logits.shape.length - 1];
    const oneHot = tf.oneHot(tf.cast(tf.reshape(yTrue, [-1]), 'int32'), classes);
    return tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(tf.reshape(logits, [-1, classes]))), -1)) as tf.Tensor1D;
  });
}

/**
 * The per-example loss a shadow of `model`'s architecture is trained with: from-logits softmax
 * cross-entropy when the model outputs logits (its last layer is not a softmax or sigmoid, see
 * `outputKind`), otherwise tfjs' sparse categorical cross-entropy on probabilities.
 * @param model - a model built from the target's topology.
 * @returns (class ids [B], outputs [B, K]) => losses [B].
 */
export function shadowLoss(model: tf.LayersModel): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor1D {
  return outputKind(model) === 'logits' ? sparseSoftmaxCrossEntropyFromLogits : perExampleLoss('sparseCategoricalCrossentropy');
}
