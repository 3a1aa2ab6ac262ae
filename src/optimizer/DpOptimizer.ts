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
import { paddingRows, type ClippingMode } from '../kernels/_internals/clippingPlan.js';
import { planClipping, weightsSignature, type ClippingPlan } from '../kernels/ClippingPlan.js';
import { checkBatch, clipBatch, type ClippedGradients } from '../kernels/clippedGradients.js';
import type { LossSpec } from '../kernels/perExampleLoss.js';
import { registerWasmKernels } from '../kernels/wasm/registerWasmKernels.js';
import { gaussianNoise } from './gaussianNoise.js';
import type { Randomness } from './randomness.js';

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
  /**
   * A seed makes the noise reproducible (xoshiro128** from it): for experiments, never for release —
   * anyone who learns the seed can regenerate every noise draw. Without one, the noise comes from the
   * CSPRNG, each value the sum of four Gaussians (see `gaussianNoise`). An integer in [0, 2³²).
   * @defaultValue none: secure noise
   */
  readonly seed?: number;
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

/** What a stage hook is told. */
export interface StageInfo {
  /** 0-based index of the step being taken. */
  readonly step: number;
  /** Examples in the batch. */
  readonly batchSize: number;
}

/**
 * Hooks into the stages of a step (Opacus' step hooks): an audit or a monitor sees inside the real
 * step instead of re-implementing it. Tensors handed to a hook belong to the step: read them, do not
 * dispose or keep them.
 */
export interface StepHooks {
  /**
   * After clipping, before noise: the clipped sum Σ_i c_i ∇θ L_i, one tensor per trainable weight. It
   * may return tensors of the same shapes to ADD to the sum (the step disposes them), e.g. an audit's
   * gradient canaries. What a hook adds is outside the clipping: it must be the contribution of
   * examples the accountant counts, at most the sensitivity each, or the reported ε is void.
   */
  clippedSum?(sum: readonly tf.Tensor[], info: StageInfo): readonly tf.Tensor[] | void;
  /** After noise, before scaling: the noisy sum (what DP releases each step). */
  noisySum?(noisy: readonly tf.Tensor[], info: StageInfo): void;
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
  private readonly hooks: StepHooks[] = [];
  private steps = 0;
  private readonly seed: number | null;
  private plan: ClippingPlan;
  /**
   * L2 sensitivity of the clipped sum to adding or removing one example: C (flat), √(Σ_l C_l²)
   * (per-layer). The noise standard deviation is σ times it.
   */
  readonly sensitivity: number;

  /**
   * Plans the clipping of the whole model once: a model privkit cannot train exactly is refused here,
   * not at the first step.
   * @throws PrivkitError `INVALID_ARGUMENT` for C ≤ 0, per-layer bounds that do not match the model's
   *   layers, a bad padding id, σ < 0, an expected batch size ≤ 0, a bad seed or loss;
   *   `UNSUPPORTED_LAYER` for a layer or model shape privkit cannot clip exactly.
   */
  constructor(options: DpOptimizerOptions) {
    registerWasmKernels(); // so that the user's own (non-private) training on wasm works too
    if (options === null || typeof options !== 'object') throw new PrivkitError('INVALID_ARGUMENT', `DpOptimizer needs an options object; got ${String(options)}.`);
    if ('secureNoise' in options) {
      throw new PrivkitError(
        'INVALID_ARGUMENT',
        '`secureNoise` is gone: noise is secure (CSPRNG) unless a `seed` is given, which makes it reproducible (for experiments only).',
      );
    }
    const { noiseMultiplier, expectedBatchSize, seed } = options;
    const optimizer = options.optimizer as unknown;
    if (optimizer === null || typeof optimizer !== 'object' || typeof (optimizer as tf.Optimizer).applyGradients !== 'function') {
      throw new PrivkitError('INVALID_ARGUMENT', `\`optimizer\` must be a tfjs optimizer (tf.train.sgd, tf.train.adam, …); got ${String(optimizer)}.`);
    }
    this.plan = planClipping(options.model, options);
    this.sensitivity = this.plan.sensitivity;
    if (!(typeof noiseMultiplier === 'number' && noiseMultiplier >= 0 && Number.isFinite(noiseMultiplier))) {
      throw new PrivkitError('INVALID_ARGUMENT', `\`noiseMultiplier\` must be in [0, ∞); got ${String(noiseMultiplier)}.`);
    }
    if (!(Number.isFinite(noiseMultiplier * this.sensitivity) && Math.fround(noiseMultiplier * this.sensitivity) < 3.4e38)) {
      throw new PrivkitError(
        'INVALID_ARGUMENT',
        `\`noiseMultiplier\` × sensitivity = ${noiseMultiplier * this.sensitivity} overflows float32 noise; σ·C must be below 3.4e38.`,
      );
    }
    if (!(typeof expectedBatchSize === 'number' && expectedBatchSize > 0 && Number.isFinite(expectedBatchSize))) {
      throw new PrivkitError('INVALID_ARGUMENT', `\`expectedBatchSize\` must be in (0, ∞); got ${String(expectedBatchSize)}.`);
    }
    if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) {
      throw new PrivkitError('INVALID_ARGUMENT', `\`seed\` must be an integer in [0, 2^32); got ${String(seed)}.`);
    }
    this.options = options;
    this.seed = seed ?? null;
  }

  /** `'seeded'` when a seed was given (reproducible; not for release), else `'secure'`. */
  get randomness(): Randomness {
    return this.seed === null ? 'secure' : 'seeded';
  }

  /** The noise seed of a seeded optimizer (with the step count it determines the noise); null when secure. */
  get noiseSeed(): number | null {
    return this.seed;
  }

  /** Number of steps applied so far. */
  get stepCount(): number {
    return this.steps;
  }

  /** The layers that take the per-example loop (`allowSlowLayers`), by name: known at construction. */
  get slowLayers(): readonly string[] {
    return this.plan.slowLayers;
  }

  /**
   * Restores the step counter (checkpoint resume), so that a seeded noise sequence continues.
   * @throws PrivkitError `INVALID_ARGUMENT` unless an integer in [0, 2^53).
   */
  setStepCount(steps: number): void {
    if (!Number.isSafeInteger(steps) || steps < 0) throw new PrivkitError('INVALID_ARGUMENT', `the step count must be an integer ≥ 0; got ${String(steps)}.`);
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
   * Adds stage hooks (see {@link StepHooks}).
   * @returns a function that removes them.
   */
  addHooks(hooks: StepHooks): () => void {
    this.hooks.push(hooks);
    return () => {
      const i = this.hooks.indexOf(hooks);
      if (i >= 0) this.hooks.splice(i, 1);
    };
  }

  /**
   * Checks inputs and targets against the model and the loss (see `clipBatch`) without stepping:
   * `fit` checks the whole training set with it before the first step.
   * @throws PrivkitError `INVALID_ARGUMENT` naming the shapes.
   */
  checkInputs(x: tf.Tensor, y: tf.Tensor): void {
    const checked = checkBatch(this.currentPlan(), x, y);
    if (checked !== y) checked.dispose();
  }

  /** The plan, rebuilt if the model's trainable weights changed since (a layer frozen or unfrozen). */
  private currentPlan(): ClippingPlan {
    if (this.plan.signature !== weightsSignature(this.options.model)) this.plan = planClipping(this.options.model, this.options);
    return this.plan;
  }

  /**
   * One DP-SGD step on a batch the caller drew. The guarantee the accountant reports assumes the batch
   * was drawn by Poisson sampling with the declared rate (see `poissonBatches`). An empty batch still
   * adds noise and counts as a step. Weight regularizers (kernel/bias) are added after the noise: their
   * gradient depends on no example, so that is post-processing (as TF-Privacy does).
   * @param maxPhysicalBatchSize - clip in chunks of at most this many examples (virtual steps), an
   *   integer ≥ 1. @defaultValue ∞
   * @throws PrivkitError `INVALID_ARGUMENT` for bad tensors or shapes, a bad chunk size, or a
   *   non-finite gradient (nothing is applied, nothing counted, nothing leaked).
   */
  step(x: tf.Tensor, y: tf.Tensor, maxPhysicalBatchSize = Infinity): StepResult {
    if (!(maxPhysicalBatchSize === Infinity || (Number.isSafeInteger(maxPhysicalBatchSize) && maxPhysicalBatchSize >= 1))) {
      throw new PrivkitError('INVALID_ARGUMENT', `\`maxPhysicalBatchSize\` must be an integer ≥ 1 (or Infinity); got ${String(maxPhysicalBatchSize)}.`);
    }
    const plan = this.currentPlan();
    this.checkInputs(x, y); // every shape error before any work
    const batchSize = x.shape[0];
    const info: StageInfo = { step: this.steps, batchSize };
    // Virtual steps: clip and sum physical chunks of at most maxPhysicalBatchSize examples, then add the
    // noise once; memory stays bounded and the result is the same step.
    const chunk = Math.max(1, Math.min(batchSize, maxPhysicalBatchSize));
    let sums: tf.Tensor[] | null = null;
    let lossSum = 0;
    try {
      for (let start = 0; start < batchSize || sums === null; start += chunk) {
        const size = Math.min(chunk, batchSize - start);
        const xs = batchSize <= chunk ? x : tf.slice(x, start, size);
        const ys = batchSize <= chunk ? y : tf.slice(y, start, size);
        let clipped: ClippedGradients;
        try {
          clipped = clipBatch(plan, xs, ys);
        } finally {
          if (xs !== x) tf.dispose([xs, ys]);
        }
        lossSum += size > 0 ? tf.tidy(() => tf.sum(clipped.losses).dataSync()[0]) : 0;
        const previous: tf.Tensor[] | null = sums;
        sums = previous === null ? clipped.grads : clipped.grads.map((g, i) => tf.add(previous[i], g));
        if (previous !== null) tf.dispose([...previous, ...clipped.grads]);
        tf.dispose([clipped.perExampleNorms, clipped.clipFactors, clipped.losses]);
        if (clipped.perLayerNorms !== undefined) clipped.perLayerNorms.dispose();
        if (size <= 0) break;
      }
      for (const h of this.hooks) {
        const extra: readonly tf.Tensor[] | void = h.clippedSum?.(sums as tf.Tensor[], info);
        if (extra === undefined || extra === null) continue;
        const current = sums as tf.Tensor[];
        if (extra.length !== current.length || extra.some((t, i) => !tf.util.arraysEqual(t.shape, current[i].shape))) {
          tf.dispose([...extra]);
          throw new PrivkitError('INVALID_ARGUMENT', 'A `clippedSum` hook must return one tensor per trainable weight, of the same shapes.');
        }
        sums = current.map((g, i) => tf.add(g, extra[i]));
        tf.dispose([...current, ...extra]);
      }
    } catch (e) {
      if (sums !== null) tf.dispose(sums);
      throw e;
    }
    const summed = sums as tf.Tensor[];
    const loss = batchSize > 0 ? lossSum / batchSize : 0;
    const noisy = this.addNoise(summed);
    tf.dispose(summed);
    let scaled: tf.Tensor[];
    try {
      for (const h of this.hooks) h.noisySum?.(noisy, info);
      scaled = this.scaleGradients(noisy);
    } finally {
      tf.dispose(noisy);
    }
    try {
      const model = this.options.model;
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      // Each layer's own penalties (a Sequential's container list is empty until tfjs compiles it).
      // Only trained layers: a frozen layer's penalty has no gradient here (tfjs' variableGrads refuses it).
      const penalties = (): tf.Scalar[] => model.layers.filter((l) => l.trainable && l.trainableWeights.length > 0).flatMap((l) => l.calculateLosses());
      const count = tf.tidy(() => penalties().length);
      if (count > 0) {
        // Weight regularizers: ∇R(θ) depends on no example, so adding it after the noise is post-processing.
        const { grads } = tf.variableGrads(() => tf.addN(penalties()) as tf.Scalar, vars);
        const withPenalty = scaled.map((g, i) => (grads[vars[i].name] === undefined ? tf.clone(g) : tf.add(g, grads[vars[i].name])));
        tf.dispose([...scaled, ...Object.values(grads)]);
        scaled = withPenalty;
      }
      const finite = tf.tidy(() => scaled.every((g) => tf.all(tf.isFinite(g)).dataSync()[0] === 1));
      if (!finite) {
        const weightsFinite = tf.tidy(() => vars.every((v) => tf.all(tf.isFinite(v)).dataSync()[0] === 1));
        throw new PrivkitError(
          'INVALID_ARGUMENT',
          weightsFinite
            ? 'A gradient is NaN or infinite (check the inputs, the targets and the loss); the step was not applied.'
            : "The model's weights are NaN or infinite: training diverged (a learning rate too large?); the step was not applied.",
          { reason: weightsFinite ? 'non-finite-gradient' : 'diverged' },
        );
      }
      const named: tf.NamedTensorMap = {};
      vars.forEach((v, i) => (named[v.name] = scaled[i]));
      this.options.optimizer.applyGradients(named);
    } finally {
      tf.dispose(scaled);
    }
    const stepInfo: StepInfo = { step: this.steps, noiseMultiplier: this.options.noiseMultiplier, batchSize };
    this.steps++;
    for (const l of this.listeners) l(stepInfo);
    return { loss, batchSize };
  }

  /** Σ_i clip(∇θ L_i) over the batch (the caller disposes the result). */
  clipAndAccumulate(x: tf.Tensor, y: tf.Tensor): ClippedGradients {
    return clipBatch(this.currentPlan(), x, y);
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
        // Seeded: one stream per (seed, step, tensor), keyed by all of them (no two coincide).
        const source = this.seed === null ? ('secure' as const) : { key: [this.seed, this.steps % 2 ** 32, Math.floor(this.steps / 2 ** 32), i] };
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
