import * as tf from '@tensorflow/tfjs';
import type { ModelLogits } from '../attacks/AttackData.js';
import type { QueryAugmentation } from './ShadowTrainingOptions.js';
import { checkAugmentation, checkViewsFit, requireModel, requireTensor } from './_internals/checkShadowInputs.js';
import { invalid, requireInteger } from '../../accountant/index.js';

/** What a model's output is: probabilities from a softmax or a sigmoid, or raw logits. */
export type OutputKind = 'softmax' | 'sigmoid' | 'logits';

/**
 * How to read a model's output, from its last layer's activation (a Dense/Conv layer's `activation`,
 * or an Activation layer).
 * @param model - a single-output classifier.
 * @returns `softmax`, `sigmoid` (one unit: binary), or `logits` for anything else.
 * @throws PrivkitError `INVALID_ARGUMENT` when `model` is not a LayersModel.
 * @example
 * ```ts
 * outputKind(model); // 'softmax'
 * ```
 */
export function outputKind(model: tf.LayersModel): OutputKind {
  requireModel('model', model);
  const last = model.layers[model.layers.length - 1];
  const activation = (last.getConfig() as { activation?: unknown }).activation;
  if (activation === 'softmax') return 'softmax';
  if (activation === 'sigmoid') return 'sigmoid';
  return 'logits';
}

// The smallest positive float32: log-probabilities of a softmax output stay finite. Because softmax
// computes exp(z − max)/Σ, small probabilities keep their relative precision in float32, so log p is
// an accurate logit (up to the row's constant) unless a class's logit is ~87 below the top one.
const TINY = 1.4e-45;

/**
 * Queries a model in inference mode on all examples and returns logits per view (see
 * {@link ModelLogits}): log-probabilities for a softmax output, [log(1 − p), log p] for a one-unit
 * sigmoid, the output itself otherwise.
 * @param model - the classifier.
 * @param x - all examples [n, ...exampleShape].
 * @param augmentation - `flip` adds a view mirrored along the width axis (rank-3 examples [h, w, c]).
 * @param chunk - examples per forward pass, an integer ≥ 1. @defaultValue 1000
 * @returns the views.
 * @throws PrivkitError `INVALID_ARGUMENT` for a model that is not a one-input LayersModel, `x` that is
 *   not a tensor of the examples the model takes, an unknown augmentation ('flip' needs [n, h, w, c]),
 *   or a bad `chunk`.
 * @example
 * ```ts
 * const logits = queryLogits(model, xAll, 'none');
 * ```
 */
export function queryLogits(model: tf.LayersModel, x: tf.Tensor, augmentation: QueryAugmentation, chunk = 1000): ModelLogits {
  const kind = outputKind(model);
  requireTensor('x', x, 2, '[n, ...exampleShape]');
  if (model.inputs.length !== 1) invalid(`\`model\` must have one input; it has ${model.inputs.length}.`, { field: 'model' });
  const takes = model.inputs[0].shape.slice(1);
  const given = x.shape.slice(1);
  if (takes.length !== given.length || !takes.every((d, i) => d === null || d === given[i])) {
    invalid(`\`x\` holds examples shaped [${given.join(', ')}], but the model takes [${takes.map((d) => d ?? '?').join(', ')}].`, { field: 'x' });
  }
  checkViewsFit(checkAugmentation('augmentation', augmentation), given);
  requireInteger('chunk', chunk, 1);
  const n = x.shape[0];
  const views: Float32Array[] = [];
  const numViews = augmentation === 'flip' ? 2 : 1;
  for (let v = 0; v < numViews; v++) {
    const parts: Float32Array[] = [];
    for (let s = 0; s < n; s += chunk) {
      const size = Math.min(chunk, n - s);
      const out = tf.tidy(() => {
        let xs = tf.slice(x, s, size);
        if (v === 1) xs = tf.reverse(xs, 2);
        // One forward pass per chunk (predict would otherwise split it into batches of 32).
        const y = model.predict(xs, { batchSize: size }) as tf.Tensor;
        if (kind === 'softmax') return tf.log(tf.maximum(y, TINY));
        if (kind === 'sigmoid') {
          const p = tf.reshape(y, [-1, 1]);
          return tf.concat([tf.log(tf.maximum(tf.sub(1, p), TINY)), tf.log(tf.maximum(p, TINY))], 1);
        }
        return tf.reshape(y, [size, -1]);
      });
      parts.push(out.dataSync() as Float32Array);
      out.dispose();
    }
    const total = parts.reduce((a, p) => a + p.length, 0);
    const all = new Float32Array(total);
    let off = 0;
    for (const p of parts) {
      all.set(p, off);
      off += p.length;
    }
    views.push(all);
  }
  return { views };
}
