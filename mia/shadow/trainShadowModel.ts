import * as tf from '@tensorflow/tfjs';
import { makePrivate, registerWasmKernels } from '../../src/index.js';
import { buildShadowModel } from './buildShadowModel.js';
import { checkContext, checkJob } from './_internals/checkShadowInputs.js';
import { shadowLoss } from './_internals/shadowLoss.js';
import { epochOrder, maskIndices } from './shadowBatches.js';
import { outputKind } from './queryLogits.js';
import type { ShadowTrainingOptions } from './ShadowTrainingOptions.js';

/** One shadow model to train: its index, seed and IN mask. */
export interface ShadowJob {
  readonly index: number;
  readonly seed: number;
  readonly mask: Uint8Array;
}

/** Data and recipe shared by all shadows of one audit. */
export interface ShadowTrainingContext {
  /** The target's topology (Keras JSON). */
  readonly topology: object;
  /** All population examples [n, ...exampleShape]. */
  readonly x: tf.Tensor;
  /** Their labels, int32 [n]. */
  readonly y: tf.Tensor1D;
  readonly train: ShadowTrainingOptions;
  /** Called after each epoch of each shadow (or group of shadows trained together). */
  readonly onEpoch?: (shadows: readonly number[], epoch: number) => void;
}

/** The optimizer a recipe names (a fresh one per shadow). */
export function shadowOptimizer(train: ShadowTrainingOptions): tf.Optimizer {
  return (train.optimizer ?? 'adam') === 'adam' ? tf.train.adam(train.learningRate) : tf.train.sgd(train.learningRate);
}

/**
 * Trains one shadow model, one after another's way (the reference path, and the only one for DP
 * shadows or architectures the batched trainer does not cover): non-private training takes the
 * epoch order of {@link epochOrder} in batches of `batchSize` and minimises the mean sparse
 * categorical cross-entropy (tfjs' definition, probabilities clipped to [1e-7, 1 − 1e-7]; for a
 * logits-output architecture, `outputKind` 'logits', the from-logits softmax cross-entropy); DP
 * training runs `makePrivate(...).fit` with Poisson sampling at rate batchSize / |IN|.
 * @param ctx - topology, data, recipe.
 * @param job - which shadow.
 * @returns the trained model (the caller disposes it).
 * @throws PrivkitError `INVALID_ARGUMENT`, before anything is built, for a context or job that does not
 *   fit: `x` not a tensor [n, …], `y` not int32 [n], `epochs` or `batchSize` not an integer ≥ 1,
 *   `learningRate` not finite > 0, an unknown optimizer, a bad `dp`, a seed outside [0, 2³² − 1], or a
 *   mask that is not n entries of 0/1.
 * @example
 * ```ts
 * const model = await trainShadowModel(ctx, { index: 0, seed: 1, mask });
 * ```
 */
export async function trainShadowModel(ctx: ShadowTrainingContext, job: ShadowJob): Promise<tf.LayersModel> {
  checkJob('job', job, checkContext('ctx', ctx));
  const { train } = ctx;
  const model = await buildShadowModel(ctx.topology, job.seed);
  const optimizer = shadowOptimizer(train);
  const members = maskIndices(job.mask);
  // From-logits cross-entropy for a logits-output architecture, tfjs' on probabilities otherwise.
  const loss = shadowLoss(model);
  const fromLogits = outputKind(model) === 'logits';
  try {
    const dp = train.dp ?? undefined;
    if (dp !== undefined) {
      const idx = tf.tensor1d(members, 'int32');
      const xs = tf.gather(ctx.x, idx);
      const ys = tf.gather(ctx.y, idx);
      idx.dispose();
      try {
        const priv = makePrivate({
          model,
          optimizer,
          loss: fromLogits ? loss : 'sparseCategoricalCrossentropy',
          maxGradNorm: dp.maxGradNorm,
          noiseMultiplier: dp.noiseMultiplier,
          sampleRate: Math.min(1, train.batchSize / members.length),
          datasetSize: members.length,
          seed: job.seed,
        });
        await priv.fit(xs, ys, {
          epochs: train.epochs,
          // Only for the ε shown in logs; shadows' privacy is not what is being audited.
          delta: 1e-5,
          callbacks: { onEpochEnd: (e) => ctx.onEpoch?.([job.index], e) },
        });
      } finally {
        tf.dispose([xs, ys]);
      }
      return model;
    }
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    registerWasmKernels(); // tfjs' own gradients on wasm need Conv2DBackpropFilter / UnsortedSegmentSum
    for (let epoch = 0; epoch < train.epochs; epoch++) {
      const order = epochOrder(members, job.seed, epoch);
      for (let s = 0; s < order.length; s += train.batchSize) {
        const idx = tf.tensor1d(order.subarray(s, s + train.batchSize), 'int32');
        tf.tidy(() => {
          const xb = tf.gather(ctx.x, idx);
          const yb = tf.gather(ctx.y, idx);
          optimizer.minimize(() => tf.mean(loss(yb, model.apply(xb, { training: true }) as tf.Tensor)) as tf.Scalar, false, vars);
        });
        idx.dispose();
      }
      ctx.onEpoch?.([job.index], epoch);
    }
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    optimizer.dispose();
  }
}
