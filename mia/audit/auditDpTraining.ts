import * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../accountant/index.js';
import { makePrivate } from '../../src/makePrivate.js';
import { seededUniform } from '../../src/optimizer/poissonBatches.js';
import type { MembershipData } from '../shadow/ShadowTrainingOptions.js';
import { auditOneRun, type OneRunAudit } from './auditOneRun.js';
import { trainWithGradientCanaries } from './_internals/gradientCanaries.js';

/**
 * Canaries for classifiers: input-space (`mislabel`: a pool example with a wrong label; `ood`: a noise
 * image with a random label) or gradient-space (`gradient`: a Dirac gradient of norm C on its own
 * coordinate, scored white-box from the noisy sums — Nasr et al. 2023).
 */
export type CanaryType = 'mislabel' | 'ood' | 'gradient';

/** Options of {@link auditDpTraining}. */
export interface AuditDpTrainingOptions {
  /** Builds a fresh, untrained model (softmax over `data.numClasses`). */
  readonly model: () => tf.LayersModel;
  /** The training pool; canaries are built from it (mislabel) or beside it (ood). */
  readonly data: MembershipData;
  /** Number of canaries m; each is included with probability ½. */
  readonly canaries: number;
  /** @defaultValue 'mislabel' */
  readonly canaryType?: CanaryType;
  readonly epochs: number;
  /** Expected batch size B (Poisson sampling at q = B/N). */
  readonly batchSize: number;
  readonly learningRate: number;
  /** @defaultValue 'sgd' */
  readonly optimizer?: 'sgd' | 'adam';
  /** Clipping norm C. */
  readonly maxGradNorm: number;
  /** σ; `null` trains without DP (plain minibatch training, ε = ∞) — the baseline an audit must catch. */
  readonly noiseMultiplier?: number | null;
  /** Calibrate σ to this ε instead. */
  readonly targetEpsilon?: number;
  readonly delta: number;
  /** @defaultValue 0.95 */
  readonly confidence?: number;
  /** @defaultValue 0 */
  readonly seed?: number;
  readonly onEpoch?: (epoch: number, logs: { loss: number; epsilon: number }) => void;
}

/** The result of {@link auditDpTraining}: the accountant's claim beside the measured lower bound. */
export interface DpTrainingAudit extends OneRunAudit {
  readonly claimedEpsilon: number;
  readonly delta: number;
  readonly canaryType: CanaryType;
  readonly noiseMultiplier: number | null;
  /** Examples trained on (pool + included canaries). */
  readonly trainingSize: number;
}

/**
 * One-run audit of a DP-SGD training run (Steinke, Nasr & Jagielski 2023): m input-space canaries —
 * `mislabel`: pool examples given a random wrong label and removed from the pool; `ood`: uniform-noise
 * inputs with random labels (out of distribution) — are each included in the training set with
 * probability ½ (seeded); the model is trained with DP-SGD (makePrivate, Poisson sampling) or, with
 * `noiseMultiplier: null`, without; each canary is scored by the trained model's log-probability of its
 * canary label (higher = more likely included), and {@link auditOneRun} turns the guesses into an ε
 * lower bound valid at `confidence`, shown next to the accountant's ε.
 * @param options - model factory, data, canaries, training recipe, privacy.
 * @returns the audit.
 * @throws PrivkitError `INVALID_ARGUMENT` for m outside [2, pool size / 2] (mislabel) or bad recipe values.
 * @example
 * ```ts
 * const a = await auditDpTraining({ model: () => mlp(), data, canaries: 1000, epochs: 10, batchSize: 256,
 *   learningRate: 0.5, maxGradNorm: 1, targetEpsilon: 4, delta: 1e-5 });
 * console.log(a.claimedEpsilon, a.epsilonLowerBound);
 * ```
 */
export async function auditDpTraining(options: AuditDpTrainingOptions): Promise<DpTrainingAudit> {
  const { data, canaries: m } = options;
  const canaryType = options.canaryType ?? 'mislabel';
  const n = data.y.length;
  const size = data.exampleShape.reduce((a, b) => a * b, 1);
  const maxCanaries = canaryType === 'mislabel' ? Math.floor(n / 2) : 1_000_000;
  if (!Number.isInteger(m) || m < 2 || m > maxCanaries) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`canaries\` must be an integer in [2, ${maxCanaries}] (at most half the ${n} examples for mislabel canaries); got ${m}.`);
  }
  if (data.numClasses < 2) throw new PrivkitError('INVALID_ARGUMENT', `canaries need at least 2 classes; got ${data.numClasses}.`);
  const u = seededUniform(((options.seed ?? 0) ^ 0x5bd1e995) >>> 0);
  // Canaries: examples and labels, and which are included.
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const cx = new Float32Array(m * size);
  const cy = new Int32Array(m);
  for (let c = 0; c < m; c++) {
    if (canaryType === 'mislabel') {
      const src = order[c];
      cx.set(data.x.subarray(src * size, (src + 1) * size), c * size);
      cy[c] = (data.y[src] + 1 + Math.floor(u() * (data.numClasses - 1))) % data.numClasses; // a wrong label
    } else {
      for (let k = 0; k < size; k++) cx[c * size + k] = u();
      cy[c] = Math.floor(u() * data.numClasses);
    }
  }
  const included = Uint8Array.from({ length: m }, () => (u() < 0.5 ? 1 : 0));
  const pool = canaryType === 'mislabel' ? order.subarray(m) : order;
  const inCount = included.reduce((a, b) => a + b, 0);
  // Gradient canaries are not rows of x: they join the batches inside the training loop.
  const inputCanaries = canaryType === 'gradient' ? 0 : inCount;
  const total = pool.length + inputCanaries;
  const tx = new Float32Array(total * size);
  const ty = new Float32Array(total);
  let row = 0;
  for (const i of pool) {
    tx.set(data.x.subarray(i * size, (i + 1) * size), row * size);
    ty[row++] = data.y[i];
  }
  for (let c = 0; c < m && inputCanaries > 0; c++) {
    if (included[c] === 0) continue;
    tx.set(cx.subarray(c * size, (c + 1) * size), row * size);
    ty[row++] = cy[c];
  }
  const model = options.model();
  const x = tf.tensor(tx, [total, ...data.exampleShape]);
  const y = tf.tensor1d(ty);
  const optimizer = (options.optimizer ?? 'sgd') === 'adam' ? tf.train.adam(options.learningRate) : tf.train.sgd(options.learningRate);
  let claimedEpsilon = Infinity;
  let noiseMultiplier: number | null = null;
  // The DP-SGD wrapper over N examples: σ given (null: 0, for gradient canaries without noise) or calibrated.
  const privately = (N: number) =>
    makePrivate({
      model,
      optimizer,
      loss: 'sparseCategoricalCrossentropy',
      maxGradNorm: options.maxGradNorm,
      sampleRate: Math.min(1, options.batchSize / N),
      datasetSize: N,
      ...(options.noiseMultiplier === undefined
        ? { targetEpsilon: options.targetEpsilon, delta: options.delta, epochs: options.epochs }
        : { noiseMultiplier: options.noiseMultiplier ?? 0 }),
      seed: options.seed ?? 0,
    });
  try {
    if (canaryType === 'gradient') {
      const N = total + inCount;
      const priv = privately(N);
      noiseMultiplier = priv.noiseMultiplier;
      const run = trainWithGradientCanaries(priv, x, y, included, {
        epochs: options.epochs,
        delta: options.delta,
        seed: options.seed ?? 0,
        accountant: 'rdp',
        onEpoch: options.onEpoch,
      });
      claimedEpsilon = run.epsilon;
      const audit = auditOneRun({ scores: run.scores, included, delta: options.delta, confidence: options.confidence ?? 0.95 });
      return { ...audit, claimedEpsilon, delta: options.delta, canaryType, noiseMultiplier, trainingSize: N };
    }
    if (options.noiseMultiplier === null) {
      model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy' });
      await model.fit(x, y, {
        epochs: options.epochs,
        batchSize: options.batchSize,
        shuffle: true,
        verbose: 0,
        callbacks: { onEpochEnd: async (e, logs) => options.onEpoch?.(e, { loss: Number(logs?.loss ?? NaN), epsilon: Infinity }) },
      });
    } else {
      const priv = privately(total);
      noiseMultiplier = priv.noiseMultiplier;
      await priv.fit(x, y, { epochs: options.epochs, delta: options.delta, callbacks: { onEpochEnd: (e, logs) => options.onEpoch?.(e, logs) } });
      claimedEpsilon = priv.getEpsilon(options.delta);
    }
    // Score: log-probability of the canary label (members were fitted to it).
    const scores = tf.tidy(() => {
      const p = model.predict(tf.tensor(cx, [m, ...data.exampleShape])) as tf.Tensor;
      const picked = tf.sum(tf.mul(p, tf.oneHot(tf.tensor1d(cy, 'int32'), data.numClasses)), 1);
      return tf.log(tf.maximum(picked, 1e-30));
    });
    const s = Float64Array.from(scores.dataSync());
    scores.dispose();
    const audit = auditOneRun({ scores: s, included, delta: options.delta, confidence: options.confidence ?? 0.95 });
    return { ...audit, claimedEpsilon, delta: options.delta, canaryType, noiseMultiplier, trainingSize: total };
  } finally {
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  }
}
