/**
 * The per-example loss of a character model for DP-SGD: an example is a record of T targets, and its
 * loss is the SUM of the cross-entropies of its non-padding targets (privkit differentiates the sum of
 * per-example losses, so each example's gradient is that of its whole record).
 */
import * as tf from '@tensorflow/tfjs';

const EPS = 1e-7; // the clipping tfjs-layers (and privkit's named losses) apply to probabilities before log

/**
 * Σ_t 1[y_t ≠ 0]·(−ln p_t(y_t)) for each example, in nats: target id 0 (padding) is ignored.
 * @param yTrue - target ids [B, T].
 * @param yPred - probabilities [B, T, V] (the character model's output).
 * @returns per-example losses [B] (intermediates are the caller's to dispose: call inside `tf.tidy`).
 * @example
 * ```ts
 * const priv = makePrivate({ model, optimizer, loss: charSequenceLoss, maxGradNorm: 1, noiseMultiplier: 1, sampleRate, datasetSize });
 * ```
 */
export function charSequenceLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
  // No tf.tidy here: the caller differentiates through it (and runs inside its own tidy).
  const vocab = yPred.shape[yPred.shape.length - 1];
  const ids = tf.cast(yTrue, 'int32');
  const logp = tf.log(tf.clipByValue(yPred, EPS, 1 - EPS));
  const picked = tf.sum(tf.mul(tf.oneHot(ids, vocab), logp), -1); // [B, T]
  const mask = tf.cast(tf.notEqual(ids, 0), 'float32');
  return tf.neg(tf.sum(tf.mul(picked, mask), -1)) as tf.Tensor1D;
}
