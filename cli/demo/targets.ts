/**
 * The two targets of the demo: one small MLP architecture trained twice on the same rows — with
 * plain Adam (the shadow models' recipe), and with DP-SGD (`makePrivate`, σ calibrated by
 * the accountant for ε = 3) — and the PLD accountant's ε after each epoch of the private run.
 */
import * as tf from '@tensorflow/tfjs';
import { PldAccountant, gaussian, makePrivate, poissonSampled } from '../../src/index.js';
import { seededPermutation } from '../../src/node/index.js';
import type { DemoData } from './data.js';
import type { TrainingProgress } from './progress.js';
import { DEMO_PRIVACY, type DemoSizes } from './sizes.js';

/** One epoch of a training run, as the report draws it. */
export interface EpochRecord {
  readonly epoch: number;
  /** Steps taken when the epoch ended. */
  readonly step: number;
  /** Mean training loss over the epoch. */
  readonly loss: number;
  /** Accuracy on the held-out images (the non-members). */
  readonly accuracy: number;
  /** ε after the epoch by the RDP accountant (∞ for non-private training). */
  readonly epsilon: number;
}

/** A finished training run. */
export interface TrainedTarget {
  readonly model: tf.LayersModel;
  readonly epochs: EpochRecord[];
  readonly seconds: number;
  /** DP-SGD only: σ, q and the steps taken. */
  readonly dp?: { readonly noiseMultiplier: number; readonly sampleRate: number; readonly steps: number; readonly randomness: 'secure' | 'seeded' };
}

/**
 * The demo's model: Flatten → Dense(h, relu) → Dense(classes, softmax), Glorot weights from `seed`.
 * @param exampleShape - e.g. [28, 28, 1].
 * @param numClasses - output units.
 * @param hiddenUnits - h.
 * @param seed - weight seed (both targets start from the same weights).
 * @returns an uncompiled model.
 * @example
 * ```ts
 * const model = demoModel([28, 28, 1], 10, 128, 0);
 * ```
 */
export function demoModel(exampleShape: readonly number[], numClasses: number, hiddenUnits: number, seed: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [...exampleShape] }),
      tf.layers.dense({ units: hiddenUnits, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.dense({ units: numClasses, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

/** Accuracy of `model` on the held-out images. */
function heldOutAccuracy(model: tf.LayersModel, x: tf.Tensor, y: Int32Array): number {
  const predicted = tf.tidy(() => (model.predict(x) as tf.Tensor).argMax(1).dataSync());
  let right = 0;
  for (let i = 0; i < y.length; i++) if (predicted[i] === y[i]) right++;
  return right / y.length;
}

function tensors(data: DemoData): { x: tf.Tensor; y: tf.Tensor1D; xTest: tf.Tensor } {
  const shape = data.population.exampleShape;
  return {
    x: tf.tensor(data.train.x, [data.train.size, ...shape]),
    // Float labels: tfjs-layers' sparse cross-entropy refuses int32.
    y: tf.tensor1d(data.train.y, 'float32'),
    xTest: tf.tensor(data.test.x, [data.test.size, ...shape]),
  };
}

/**
 * Trains the non-private target the way the shadows are trained: Adam on shuffled minibatches of
 * mean sparse cross-entropy, each epoch in a seeded order (so runs are reproducible).
 * @param data - the demo data.
 * @param sizes - model and recipe.
 * @param seed - weight and batch-order seed.
 * @param progress - the display (one step per batch, one line per epoch).
 * @returns the model and its epochs (ε = ∞ throughout).
 * @example
 * ```ts
 * const plain = await trainNonPrivate(data, FULL_SIZES, 0, trainingProgress(io, 'non-private', …));
 * ```
 */
export async function trainNonPrivate(data: DemoData, sizes: DemoSizes, seed: number, progress: TrainingProgress): Promise<TrainedTarget> {
  const start = performance.now();
  const { population: p } = data;
  const model = demoModel(p.exampleShape, p.numClasses, sizes.hiddenUnits, seed);
  const optimizer = tf.train.adam(sizes.learningRate);
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy' });
  const { x, y, xTest } = tensors(data);
  const n = data.train.size;
  const epochs: EpochRecord[] = [];
  let step = 0;
  try {
    for (let epoch = 0; epoch < sizes.epochs; epoch++) {
      const order = seededPermutation(n, (Math.imul(seed + 1, 0x9e3779b1) ^ (epoch + 1)) >>> 0);
      let epochLoss = 0;
      let epochSteps = 0;
      for (let from = 0; from < n; from += sizes.batchSize) {
        const idx = tf.tensor1d(order.subarray(from, Math.min(n, from + sizes.batchSize)), 'int32');
        const xb = tf.gather(x, idx);
        const yb = tf.gather(y, idx);
        let loss: number;
        try {
          loss = Number(await model.trainOnBatch(xb, yb));
        } finally {
          tf.dispose([idx, xb, yb]);
        }
        step++;
        epochLoss += loss;
        epochSteps++;
        progress.step(loss);
      }
      const record = { epoch: epoch + 1, step, loss: epochLoss / epochSteps, accuracy: heldOutAccuracy(model, xTest, data.test.y), epsilon: Infinity };
      epochs.push(record);
      progress.epoch(epoch, record);
    }
  } finally {
    progress.stop();
    tf.dispose([x, y, xTest]);
  }
  return { model, epochs, seconds: (performance.now() - start) / 1000 };
}

/**
 * Trains the DP-SGD target: the same architecture and initial weights, `makePrivate` around Adam,
 * Poisson batches at q = B/N, clipping norm C, σ calibrated by the RDP accountant so that the planned
 * steps spend ε = 3 at δ = 1e-5.
 * @param data - the demo data.
 * @param sizes - model and DP recipe.
 * @param seed - weight, noise and sampling seed.
 * @param progress - the display.
 * @returns the model, its epochs (RDP ε after each) and σ, q, steps.
 * @example
 * ```ts
 * const dp = await trainDpSgd(data, FULL_SIZES, 0, trainingProgress(io, 'DP-SGD', …));
 * ```
 */
export async function trainDpSgd(data: DemoData, sizes: DemoSizes, seed: number, progress: TrainingProgress): Promise<TrainedTarget> {
  const start = performance.now();
  const { population: p } = data;
  const model = demoModel(p.exampleShape, p.numClasses, sizes.hiddenUnits, seed);
  const optimizer = tf.train.adam(sizes.dpLearningRate);
  const sampleRate = Math.min(1, sizes.dpBatchSize / data.train.size);
  const priv = makePrivate({
    model,
    optimizer,
    loss: 'sparseCategoricalCrossentropy',
    maxGradNorm: sizes.maxGradNorm,
    sampleRate,
    datasetSize: data.train.size,
    targetEpsilon: DEMO_PRIVACY.targetEpsilon,
    delta: DEMO_PRIVACY.delta,
    epochs: sizes.dpEpochs,
    seed,
  });
  const { x, y, xTest } = tensors(data);
  const epochs: EpochRecord[] = [];
  let steps = 0;
  try {
    await priv.fit(x, y, {
      epochs: sizes.dpEpochs,
      delta: DEMO_PRIVACY.delta,
      callbacks: {
        onBatchEnd: (step, logs) => {
          steps = step + 1;
          progress.step(logs.loss);
        },
        onEpochEnd: (epoch, logs) => {
          const record = { epoch: epoch + 1, step: steps, loss: logs.loss, accuracy: heldOutAccuracy(model, xTest, data.test.y), epsilon: logs.epsilon };
          epochs.push(record);
          progress.epoch(epoch, record);
        },
      },
    });
  } finally {
    progress.stop();
    tf.dispose([x, y, xTest]);
  }
  return { model, epochs, seconds: (performance.now() - start) / 1000, dp: { noiseMultiplier: priv.noiseMultiplier, sampleRate, steps, randomness: priv.randomness } };
}

/**
 * The PLD accountant's ε after each of the given step counts of one DP-SGD run (the same events the
 * RDP accountant was fed during training: Poisson-sampled Gaussian steps), composed incrementally.
 * @param dp - σ and q of the run.
 * @param stepsAt - cumulative step counts, ascending.
 * @param delta - δ.
 * @returns ε at each.
 * @example
 * ```ts
 * pldEpsilonAt({ noiseMultiplier: 3, sampleRate: 0.12 }, [9, 17, 25], 1e-5);
 * ```
 */
export function pldEpsilonAt(dp: { noiseMultiplier: number; sampleRate: number }, stepsAt: readonly number[], delta: number): number[] {
  const accountant = new PldAccountant();
  const event = poissonSampled(dp.sampleRate, gaussian(dp.noiseMultiplier));
  let composed = 0;
  return stepsAt.map((s) => {
    if (s > composed) accountant.compose(event, s - composed);
    composed = s;
    return accountant.getEpsilon(delta);
  });
}
