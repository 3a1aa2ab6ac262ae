/**
 * The DP-SGD step (Abadi et al. 2016, Alg. 1), wrapping — not reimplementing — a tfjs optimizer
 * (the design of Opacus' `DPOptimizer`): clip each example's gradient to `maxGradNorm` and sum
 * (`clipAndAccumulate`), add N(0, σ²C²) to the sum (`addNoise`), divide by the EXPECTED batch size
 * q·N (`scaleGradients`; dividing by the drawn size leaks the batch size, Opacus #819), and hand the
 * result to the wrapped optimizer's `applyGradients`. Each step is announced to `onStep` listeners;
 * accounting subscribes there, so this module does not know about accountants.
 *
 * With per-layer clipping (bounds C_l) the clipped sum's L2 sensitivity is C = √(Σ_l C_l²), and the noise
 * is N(0, σ²C²) on every coordinate, as in Opacus' `DPPerLayerOptimizer` (McMahan et al. 2018, §3): the
 * accounting of a Gaussian step with multiplier σ is unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../accountant/index.js';
import { clippedLayers, clippingMode, embeddingPaddingIds, flatBound, paddingRows, perLayerBounds, type ClippingMode } from '../kernels/_internals/clippingPlan.js';
import { clippedGradients, type ClippedGradients } from '../kernels/clippedGradients.js';
import type { LossSpec } from '../kernels/perExampleLoss.js';
import { gaussianNoise } from './gaussianNoise.js';

/** Options of {@link DpOptimizer}. */
export interface DpOptimizerOptions {
  /** The model whose trainable weights are updated. */
  readonly model: tf.LayersModel;
  /** Any tfjs optimizer; its `applyGradients` does the update. */
  readonly optimizer: tf.Optimizer;
  /** Per-example loss. */
  readonly loss: LossSpec;
  /**
   * Clipping norm C > 0; with `clipping: 'per-layer'`, one bound per layer with trainable weights (in
   * `model.trainableWeights` order), or one C split equally as C/√L.
   */
  readonly maxGradNorm: number | readonly number[];
  /**
   * Clip each example's whole gradient (`'flat'`) or each layer's part separately (`'per-layer'`; see
   * `clippedGradients`). @defaultValue 'flat'
   */
  readonly clipping?: ClippingMode;
  /**
   * Embedding padding ids by layer name: the padding row gets no gradient and no noise, so its weights
   * never change (see `clippedGradients`; `maskZero` does not imply one). Zeroing the noise there costs
   * no privacy: that coordinate of the released update is the constant 0 whatever the data.
   * @defaultValue no padding ids
   */
  readonly embeddingPaddingIds?: Readonly<Record<string, number>>;
  /** σ ≥ 0: the noise standard deviation is σ·C (σ·√(Σ_l C_l²) with per-layer clipping). */
  readonly noiseMultiplier: number;
  /** q·N: the noisy sum is divided by it, whatever the drawn batch size. */
  readonly expectedBatchSize: number;
  /** Seed of the noise RNG. @defaultValue a random seed */
  readonly seed?: number;
  /** Draw noise from the CSPRNG (see `gaussianNoise`). @defaultValue false */
  readonly secureNoise?: boolean;
  /** Train weighted layers without a rule by a per-example loop (see `clippedGradients`). @defaultValue false */
  readonly allowSlowLayers?: boolean;
}

/** What a step listener is told. */
export interface StepInfo {
  /** 0-based index of the step just applied. */
  readonly step: number;
  /** σ used. */
  readonly noiseMultiplier: number;
  /** Number of examples in the batch (not private; for logs). */
  readonly batchSize: number;
}

/** Result of one step. `loss` is the batch's mean loss before the update: a statistic of private data, for monitoring only. */
export interface StepResult {
  readonly loss: number;
  readonly batchSize: number;
}

/**
 * DP-SGD around a tfjs optimizer.
 * @example
 * ```ts
 * const dp = new DpOptimizer({ model, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy',
 *   maxGradNorm: 1, noiseMultiplier: 1.1, expectedBatchSize: 256 });
 * dp.onStep(() => accountant.compose(poissonSampled(q, gaussian(1.1))));
 * dp.step(xBatch, yBatch);
 * ```
 */
export class DpOptimizer {
  readonly options: DpOptimizerOptions;
  private readonly listeners: ((info: StepInfo) => void)[] = [];
  private steps = 0;
  private readonly seed: number;
  /**
   * L2 sensitivity of the clipped sum to adding or removing one example: C (flat), √(Σ_l C_l²)
   * (per-layer). The noise standard deviation is σ times it.
   */
  readonly sensitivity: number;

  /**
   * @throws PrivkitError `INVALID_ARGUMENT` for C ≤ 0, per-layer bounds that do not match the model's
   *   layers, a bad padding id, σ < 0 or an expected batch size ≤ 0.
   */
  constructor(options: DpOptimizerOptions) {
    const { maxGradNorm, noiseMultiplier, expectedBatchSize } = options;
    this.sensitivity =
      clippingMode(options.clipping) === 'per-layer'
        ? perLayerBounds(clippedLayers(options.model).map((l) => l.name), maxGradNorm).sensitivity
        : flatBound(maxGradNorm);
    if (options.embeddingPaddingIds !== undefined) embeddingPaddingIds(options.model, options.embeddingPaddingIds); // fail early
    if (!(noiseMultiplier >= 0 && Number.isFinite(noiseMultiplier))) {
      throw new PrivkitError('INVALID_ARGUMENT', `\`noiseMultiplier\` must be in [0, ∞); got ${String(noiseMultiplier)}.`);
    }
    if (!(expectedBatchSize > 0 && Number.isFinite(expectedBatchSize))) {
      throw new PrivkitError('INVALID_ARGUMENT', `\`expectedBatchSize\` must be in (0, ∞); got ${String(expectedBatchSize)}.`);
    }
    this.options = options;
    this.seed = options.seed ?? crypto.getRandomValues(new Uint32Array(1))[0];
  }

  /** Seed of the noise RNG (given or drawn); with the step count it determines the noise. */
  get noiseSeed(): number {
    return this.seed;
  }

  /** Number of steps applied so far. */
  get stepCount(): number {
    return this.steps;
  }

  /** Restores the step counter (checkpoint resume), so that the noise sequence continues. */
  setStepCount(steps: number): void {
    this.steps = steps;
  }

  /**
   * Subscribes to applied steps.
   * @returns a function that unsubscribes.
   */
  onStep(listener: (info: StepInfo) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /**
   * One DP-SGD step on a batch the caller drew. The guarantee the accountant reports assumes the batch
   * was drawn by Poisson sampling with the declared rate (see `poissonBatches`). An empty batch still
   * adds noise and counts as a step.
   * @param maxPhysicalBatchSize - clip in chunks of at most this many examples (virtual steps). @defaultValue ∞
   * @throws PrivkitError `INVALID_ARGUMENT` for mismatched x/y or a non-finite gradient (nothing is applied).
   */
  step(x: tf.Tensor, y: tf.Tensor, maxPhysicalBatchSize = Infinity): StepResult {
    const batchSize = x.shape[0];
    if (x.shape[0] !== y.shape[0]) {
      throw new PrivkitError('INVALID_ARGUMENT', `x and y must have the same batch size; got ${x.shape[0]} and ${y.shape[0]}.`);
    }
    // Virtual steps: clip and sum physical chunks of at most maxPhysicalBatchSize examples, then add the
    // noise once; memory stays bounded and the result is the same step.
    const chunk = Math.max(1, Math.min(batchSize, maxPhysicalBatchSize));
    let sums: tf.Tensor[] | null = null;
    let lossSum = 0;
    for (let start = 0; start < batchSize || sums === null; start += chunk) {
      const size = Math.min(chunk, batchSize - start);
      const xs = batchSize <= chunk ? x : tf.slice(x, start, size);
      const ys = batchSize <= chunk ? y : tf.slice(y, start, size);
      const clipped = this.clipAndAccumulate(xs, ys);
      lossSum += size > 0 ? tf.tidy(() => tf.sum(clipped.losses).dataSync()[0]) : 0;
      const previous: tf.Tensor[] | null = sums;
      sums = previous === null ? clipped.grads : clipped.grads.map((g, i) => tf.add(previous[i], g));
      if (previous !== null) tf.dispose([...previous, ...clipped.grads]);
      tf.dispose([clipped.perExampleNorms, clipped.clipFactors, clipped.losses]);
      if (clipped.perLayerNorms !== undefined) clipped.perLayerNorms.dispose();
      if (xs !== x) tf.dispose([xs, ys]);
      if (size <= 0) break;
    }
    const summed = sums as tf.Tensor[];
    const loss = batchSize > 0 ? lossSum / batchSize : 0;
    const noisy = this.addNoise(summed);
    const scaled = this.scaleGradients(noisy);
    tf.dispose([...summed, ...noisy]);
    try {
      const finite = tf.tidy(() => scaled.every((g) => tf.all(tf.isFinite(g)).dataSync()[0] === 1));
      if (!finite) {
        throw new PrivkitError('INVALID_ARGUMENT', 'A gradient is NaN or infinite (check the inputs and the loss); the step was not applied.');
      }
      const vars = this.options.model.trainableWeights.map((w) => w.read() as tf.Variable);
      const named: tf.NamedTensorMap = {};
      vars.forEach((v, i) => (named[v.name] = scaled[i]));
      this.options.optimizer.applyGradients(named);
    } finally {
      tf.dispose(scaled);
    }
    const info: StepInfo = { step: this.steps, noiseMultiplier: this.options.noiseMultiplier, batchSize };
    this.steps++;
    for (const l of this.listeners) l(info);
    return { loss, batchSize };
  }

  /** Σ_i clip(∇θ L_i) over the batch (the caller disposes the result). */
  clipAndAccumulate(x: tf.Tensor, y: tf.Tensor): ClippedGradients {
    const { model, loss, maxGradNorm, allowSlowLayers, clipping, embeddingPaddingIds: padding } = this.options;
    return clippedGradients(model, x, y, {
      loss,
      maxGradNorm,
      allowSlowLayers: allowSlowLayers ?? false,
      ...(clipping === undefined ? {} : { clipping }),
      ...(padding === undefined ? {} : { embeddingPaddingIds: padding }),
    });
  }

  /**
   * Adds N(0, (σC)²) to each summed gradient (C = {@link DpOptimizer.sensitivity}); new tensors. An
   * Embedding padding row gets no noise: its clipped sum is exactly 0 for every batch, so releasing 0
   * there is post-processing of a fixed coordinate and costs no privacy; the other coordinates' noise is
   * drawn exactly as without padding ids.
   */
  addNoise(grads: tf.Tensor[]): tf.Tensor[] {
    const std = this.options.noiseMultiplier * this.sensitivity;
    const padding = this.options.embeddingPaddingIds === undefined ? null : paddingRows(this.options.model, this.options.embeddingPaddingIds);
    return grads.map((g, i) =>
      tf.tidy(() => {
        if (std === 0) return tf.clone(g);
        // A distinct seed per step and per tensor: the sequence is reproducible from `seed`.
        const source = this.options.secureNoise ? ('secure' as const) : { seed: (this.seed + this.steps * 1_000_003 + i * 7919) % 2 ** 32 };
        let noise = gaussianNoise(g.shape, std, source);
        const row = padding?.get(i);
        if (row !== undefined) {
          const keep = new Float32Array(g.shape[0]).fill(1);
          keep[row] = 0;
          noise = tf.mul(noise, tf.tensor2d(keep, [g.shape[0], 1]));
        }
        return tf.add(g, noise);
      }),
    );
  }

  /** Divides by the expected batch size q·N; new tensors. */
  scaleGradients(grads: tf.Tensor[]): tf.Tensor[] {
    return grads.map((g) => tf.div(g, this.options.expectedBatchSize));
  }
}
