/**
 * The two halves of {@link auditDpTraining}: the auditor's design (which canaries, which of them are
 * in) and the training run that the canaries go through — the user's `makePrivate` + `fit`, nothing
 * re-implemented — with the canary scores. Split so that a test can hold the audit's training beside a
 * user's on the same data.
 */
import * as tf from '@tensorflow/tfjs';
import { makePrivate, registerWasmKernels, type FitHistory, type PrivateTraining, type Randomness } from '../../../src/index.js';
import type { AuditDpTrainingOptions, CanaryType } from '../auditDpTraining.js';
import { trainWithGradientCanaries } from './gradientCanaries.js';
import { seededUniform } from '../../../accountant/index.js';

/** The auditor's choices, made before training (all from `seed`). */
export interface CanaryDesign {
  readonly canaryType: CanaryType;
  /** The m canary inputs (row-major, m × example size) and labels (input-space canaries). */
  readonly canaryX: Float32Array;
  readonly canaryY: Int32Array;
  /** 1 for each canary in the run, each an independent fair coin. */
  readonly included: Uint8Array;
  /**
   * The rows `fit` trains on: the pool (without the mislabel canaries' sources), then the included
   * input-space canaries. Gradient canaries are not rows: they join the steps through the hooks.
   */
  readonly trainX: Float32Array;
  readonly trainY: Float32Array;
  readonly trainRows: number;
}

/**
 * Draws the canaries and the fair coins that include them (see {@link auditDpTraining}); `options`
 * already validated.
 * @returns the design.
 */
export function designCanaries(options: AuditDpTrainingOptions): CanaryDesign {
  const { data, canaries: m } = options;
  const canaryType = options.canaryType ?? 'mislabel';
  const n = data.y.length;
  const size = data.exampleShape.reduce((a, b) => a * b, 1);
  const u = seededUniform(((options.seed ?? 0) ^ 0x5bd1e995) >>> 0);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const canaryX = new Float32Array(m * size);
  const canaryY = new Int32Array(m);
  for (let c = 0; c < m; c++) {
    if (canaryType === 'mislabel') {
      const src = order[c];
      canaryX.set(data.x.subarray(src * size, (src + 1) * size), c * size);
      canaryY[c] = (data.y[src] + 1 + Math.floor(u() * (data.numClasses - 1))) % data.numClasses; // a wrong label
    } else {
      for (let k = 0; k < size; k++) canaryX[c * size + k] = u();
      canaryY[c] = Math.floor(u() * data.numClasses);
    }
  }
  const included = Uint8Array.from({ length: m }, () => (u() < 0.5 ? 1 : 0));
  const pool = canaryType === 'mislabel' ? order.subarray(m) : order;
  const rowCanaries = canaryType === 'gradient' ? 0 : included.reduce((a, b) => a + b, 0);
  const trainRows = pool.length + rowCanaries;
  const trainX = new Float32Array(trainRows * size);
  const trainY = new Float32Array(trainRows);
  let row = 0;
  for (const i of pool) {
    trainX.set(data.x.subarray(i * size, (i + 1) * size), row * size);
    trainY[row++] = data.y[i];
  }
  for (let c = 0; c < m && rowCanaries > 0; c++) {
    if (included[c] === 0) continue;
    trainX.set(canaryX.subarray(c * size, (c + 1) * size), row * size);
    trainY[row++] = canaryY[c];
  }
  return { canaryType, canaryX, canaryY, included, trainX, trainY, trainRows };
}

/** A finished training run of the audit; `dispose` frees its model and optimizer. */
export interface CanaryRun {
  /** One score per canary (higher = more likely IN). */
  readonly scores: Float64Array;
  /** The run's accountant's ε at δ (`priv.getEpsilon`); ∞ without noise. */
  readonly claimedEpsilon: number;
  /** σ used; null for the non-private baseline. */
  readonly noiseMultiplier: number | null;
  /** The DP run's randomness; null when no DP step ran (the non-private input-canary baseline). */
  readonly randomness: Randomness | null;
  /** Examples trained on: the rows plus, for gradient canaries, the included canaries. */
  readonly trainingSize: number;
  /** The trained model. */
  readonly model: tf.LayersModel;
  /** The DP run (its optimizer, sampler, accountant); null for the non-private baseline. */
  readonly priv: PrivateTraining | null;
  /** `fit`'s history; null for the non-private baseline. */
  readonly history: FitHistory | null;
  dispose(): void;
}

/**
 * Trains a fresh model on the design's rows with `makePrivate` + `fit`, exactly as a user would
 * (sample rate batchSize/rows, datasetSize = rows, the seed unless `randomness: 'secure'`), with the
 * gradient canaries added through the optimizer's stage hooks; then scores the canaries. The
 * non-private baseline (`noiseMultiplier: null`) with input canaries trains with tfjs' own `fit`.
 * @returns the run; the caller disposes it.
 */
export async function trainWithCanaries(options: AuditDpTrainingOptions, design: CanaryDesign): Promise<CanaryRun> {
  const { data } = options;
  const m = design.included.length;
  const model = options.model();
  const optimizer = (options.optimizer ?? 'sgd') === 'adam' ? tf.train.adam(options.learningRate) : tf.train.sgd(options.learningRate);
  const dispose = () => {
    model.dispose();
    optimizer.dispose();
  };
  const x = tf.tensor(design.trainX, [design.trainRows, ...data.exampleShape]);
  const y = tf.tensor1d(design.trainY);
  const onEpochEnd = (e: number, logs: { loss: number; epsilon: number }) => options.onEpoch?.(e, logs);
  const privately = (rows: number): PrivateTraining =>
    makePrivate({
      model,
      optimizer,
      loss: 'sparseCategoricalCrossentropy',
      maxGradNorm: options.maxGradNorm,
      sampleRate: Math.min(1, options.batchSize / rows),
      datasetSize: rows,
      ...(options.noiseMultiplier === undefined
        ? { targetEpsilon: options.targetEpsilon, delta: options.delta, epochs: options.epochs }
        : { noiseMultiplier: options.noiseMultiplier ?? 0 }),
      ...((options.randomness ?? 'seeded') === 'secure' ? {} : { seed: options.seed ?? 0 }),
    });
  try {
    if (design.canaryType === 'gradient') {
      // σ null: 0, the noiseless DP step (gradient canaries need the step's hooks).
      const priv = privately(design.trainRows);
      const run = await trainWithGradientCanaries(priv, x, y, design.included, {
        epochs: options.epochs,
        delta: options.delta,
        seed: options.seed ?? 0,
        onEpoch: onEpochEnd,
      });
      return {
        scores: run.scores,
        claimedEpsilon: priv.getEpsilon(options.delta),
        noiseMultiplier: priv.noiseMultiplier,
        randomness: priv.randomness,
        trainingSize: design.trainRows + design.included.reduce((a, b) => a + b, 0),
        model,
        priv,
        history: run.history,
        dispose,
      };
    }
    let priv: PrivateTraining | null = null;
    let history: FitHistory | null = null;
    if (options.noiseMultiplier === null) {
      registerWasmKernels(); // tfjs' own gradients on wasm need the gap kernels
      model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy' });
      await model.fit(x, y, {
        epochs: options.epochs,
        batchSize: options.batchSize,
        shuffle: true,
        verbose: 0,
        callbacks: { onEpochEnd: async (e, logs) => options.onEpoch?.(e, { loss: Number(logs?.loss ?? NaN), epsilon: Infinity }) },
      });
    } else {
      priv = privately(design.trainRows);
      history = await priv.fit(x, y, { epochs: options.epochs, delta: options.delta, callbacks: { onEpochEnd } });
    }
    // Score: log-probability of the canary label (members were fitted to it).
    const scores = tf.tidy(() => {
      const p = model.predict(tf.tensor(design.canaryX, [m, ...data.exampleShape])) as tf.Tensor;
      const picked = tf.sum(tf.mul(p, tf.oneHot(tf.tensor1d(design.canaryY, 'int32'), data.numClasses)), 1);
      return tf.log(tf.maximum(picked, 1e-30));
    });
    const s = Float64Array.from(scores.dataSync());
    scores.dispose();
    return {
      scores: s,
      claimedEpsilon: priv === null ? Infinity : priv.getEpsilon(options.delta),
      noiseMultiplier: priv === null ? null : priv.noiseMultiplier,
      randomness: priv === null ? null : priv.randomness,
      trainingSize: design.trainRows,
      model,
      priv,
      history,
      dispose,
    };
  } catch (e) {
    dispose();
    throw e;
  } finally {
    tf.dispose([x, y]);
  }
}
