/**
 * `makePrivate`: wraps a tfjs model and optimizer for DP-SGD and keeps the privacy ledger.
 * The optimizer announces each step; the accountant subscribes (neither imports the other).
 */
import * as tf from '@tensorflow/tfjs';
import {
  PrivkitError,
  calibrateNoiseMultiplier,
  createAccountant,
  maxSteps,
  gaussian,
  poissonSampled,
  type AccountantKind,
  type PrivacyAccountant,
} from '../accountant/index.js';
import type { ClippingMode } from './kernels/clippedGradients.js';
import type { LossSpec } from './kernels/perExampleLoss.js';
import { DpOptimizer, type DpOptimizerOptions, type StepResult } from './optimizer/DpOptimizer.js';
import { poissonBatches } from './optimizer/poissonBatches.js';

/** Options of {@link makePrivate}. Privacy-critical values are required and named. */
export interface MakePrivateOptions {
  /** The model to train (a chain of supported layers). */
  readonly model: tf.LayersModel;
  /** Any tfjs optimizer; wrapped, not reimplemented. */
  readonly optimizer: tf.Optimizer;
  /** Per-example loss: a name or (yTrue, yPred) => [B]. */
  readonly loss: LossSpec;
  /**
   * Clipping norm C > 0; with `clipping: 'per-layer'`, one bound per layer with trainable weights, or
   * one C split equally as C/√L (see {@link DpOptimizerOptions.maxGradNorm}).
   */
  readonly maxGradNorm: number | readonly number[];
  /** `'flat'` or `'per-layer'` clipping (see {@link DpOptimizerOptions.clipping}). @defaultValue 'flat' */
  readonly clipping?: ClippingMode;
  /**
   * Embedding padding ids by layer name: those rows are neither trained nor noised (see
   * {@link DpOptimizerOptions.embeddingPaddingIds}). @defaultValue no padding ids
   */
  readonly embeddingPaddingIds?: Readonly<Record<string, number>>;
  /** Poisson sampling rate q in (0, 1]. */
  readonly sampleRate: number;
  /** N, the number of training examples: noise is divided by q·N. */
  readonly datasetSize: number;
  /** σ ≥ 0. Give it, or `targetEpsilon` + `delta` + `epochs` to calibrate it. */
  readonly noiseMultiplier?: number;
  /** Target ε for calibration. */
  readonly targetEpsilon?: number;
  /** δ for calibration. */
  readonly delta?: number;
  /** Planned epochs for calibration: steps = ⌈epochs/q⌉. */
  readonly epochs?: number;
  /** Accountant. @defaultValue 'rdp' */
  readonly accountant?: AccountantKind;
  /** Noise RNG seed. @defaultValue random */
  readonly seed?: number;
  /** CSPRNG noise (slower). @defaultValue false */
  readonly secureNoise?: boolean;
  /** Train weighted layers without a per-example rule by a per-example loop. @defaultValue false */
  readonly allowSlowLayers?: boolean;
}

/** Where the batch sampler of `fit` is: its seed and how many batches it has drawn. */
export interface SamplerState {
  seed: number;
  drawn: number;
}

/** A model being trained with DP-SGD. */
export interface PrivateTraining {
  /** The settings it was made with (σ resolved). */
  readonly options: MakePrivateOptions & { readonly noiseMultiplier: number; readonly accountant: AccountantKind };
  /** The batch sampler's state (checkpointed, so a resumed run draws the batches an unbroken one would). */
  readonly sampler: SamplerState;
  /**
   * Writes a checkpoint (Node): model weights, optimizer state, accountant ledger, noise and sampler
   * state; `privacy.json` is written last, atomically, and marks the checkpoint complete.
   */
  save(dir: string): Promise<void>;
  /** The wrapped optimizer (its `onStep` hook, `stepCount`). */
  readonly dpOptimizer: DpOptimizer;
  /** The accountant fed by every step. */
  readonly accountant: PrivacyAccountant;
  /** σ in use (given or calibrated). */
  readonly noiseMultiplier: number;
  /** q. */
  readonly sampleRate: number;
  /**
   * One DP-SGD step on a batch the caller drew. The reported ε assumes the batch was drawn by Poisson
   * sampling at `sampleRate` (use `poissonBatches`); fixed-size shuffled batches void the guarantee.
   */
  step(x: tf.Tensor, y: tf.Tensor): StepResult;
  /** ε after the steps so far. */
  getEpsilon(delta: number): number;
  /**
   * Trains on (x, y) with Poisson-sampled batches (each example joins each step with probability q;
   * empty batches still add noise and count), ⌈epochs/q⌉ steps. With `targetEpsilon`, stops with
   * `BUDGET_EXCEEDED` before the first step that would take ε above it.
   */
  fit(x: tf.Tensor, y: tf.Tensor, options: FitOptions): Promise<FitHistory>;
}

/** Callbacks of {@link PrivateTraining.fit}, tfjs-style; each may return a promise. */
export interface FitCallbacks {
  onBatchEnd?(step: number, logs: { loss: number; batchSize: number }): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: { loss: number; epsilon: number }): void | Promise<void>;
  onTrainEnd?(logs: FitHistory): void | Promise<void>;
}

/** Options of {@link PrivateTraining.fit}. */
export interface FitOptions {
  /** Epochs: the run has ⌈epochs/q⌉ steps. */
  readonly epochs: number;
  /** δ at which ε is reported (and the budget checked). */
  readonly delta: number;
  /** Budget: training stops before the step that would exceed it. */
  readonly targetEpsilon?: number;
  /** Clip in chunks of at most this many examples. @defaultValue no limit */
  readonly maxPhysicalBatchSize?: number;
  readonly callbacks?: FitCallbacks;
  /** 1: a progress bar with loss and ε on stderr (a line per epoch when stderr is not a terminal). @defaultValue 0 */
  readonly verbose?: 0 | 1;
}

/** Per-epoch mean loss and ε after the epoch; `steps` taken in this call. */
export interface FitHistory {
  loss: number[];
  epsilon: number[];
  steps: number;
}

/**
 * Wraps a model and an optimizer for DP-SGD.
 * @param options - see {@link MakePrivateOptions}.
 * @returns the private training handle.
 * @throws PrivkitError `INVALID_ARGUMENT` for bad settings (C ≤ 0, σ < 0, q ∉ (0, 1], N < 1, missing σ
 *   and calibration targets).
 * @example
 * ```ts
 * const priv = makePrivate({ model, optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy',
 *   maxGradNorm: 1, noiseMultiplier: 1.1, sampleRate: 256 / 60000, datasetSize: 60000 });
 * const { loss } = priv.step(xBatch, yBatch);
 * priv.getEpsilon(1e-5);
 * ```
 */
export function makePrivate(options: MakePrivateOptions): PrivateTraining {
  const { sampleRate, datasetSize } = options;
  if (!(sampleRate > 0 && sampleRate <= 1)) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`sampleRate\` must be in (0, 1]; got ${String(sampleRate)}.`);
  }
  if (!(Number.isInteger(datasetSize) && datasetSize >= 1)) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`datasetSize\` must be an integer ≥ 1; got ${String(datasetSize)}.`);
  }
  const accountantKind = options.accountant ?? 'rdp';
  let noiseMultiplier = options.noiseMultiplier;
  if (noiseMultiplier === undefined) {
    const { targetEpsilon, delta, epochs } = options;
    if (targetEpsilon === undefined || delta === undefined || epochs === undefined) {
      throw new PrivkitError('INVALID_ARGUMENT', 'Give `noiseMultiplier`, or `targetEpsilon`, `delta` and `epochs` to calibrate it.');
    }
    if (!(epochs > 0 && Number.isFinite(epochs))) throw new PrivkitError('INVALID_ARGUMENT', `\`epochs\` must be in (0, ∞); got ${String(epochs)}.`);
    const steps = Math.ceil(epochs / sampleRate);
    noiseMultiplier = calibrateNoiseMultiplier({ targetEpsilon, delta, sampleRate, steps, accountant: accountantKind });
  }
  const dpOptimizer = new DpOptimizer({
    model: options.model,
    optimizer: options.optimizer,
    loss: options.loss,
    maxGradNorm: options.maxGradNorm,
    noiseMultiplier,
    expectedBatchSize: sampleRate * datasetSize,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.secureNoise === undefined ? {} : { secureNoise: options.secureNoise }),
    ...(options.allowSlowLayers === undefined ? {} : { allowSlowLayers: options.allowSlowLayers }),
    ...(options.clipping === undefined ? {} : { clipping: options.clipping }),
    ...(options.embeddingPaddingIds === undefined ? {} : { embeddingPaddingIds: options.embeddingPaddingIds }),
  });
  const accountant = createAccountant(accountantKind);
  const sampler: SamplerState = { seed: (dpOptimizer.noiseSeed ^ 0x9e3779b9) >>> 0, drawn: 0 };
  const event = noiseMultiplier > 0 ? poissonSampled(sampleRate, gaussian(noiseMultiplier)) : null;
  dpOptimizer.onStep(() => {
    if (event === null) accountant.compose({ kind: 'nonPrivate' });
    else accountant.compose(event);
  });
  const fit = async (x: tf.Tensor, y: tf.Tensor, fitOptions: FitOptions): Promise<FitHistory> => {
    const n = x.shape[0];
    if (n !== datasetSize) {
      throw new PrivkitError('INVALID_ARGUMENT', `x has ${n} examples but \`datasetSize\` is ${datasetSize}; the noise is scaled by q·N, so they must agree.`);
    }
    if (y.shape[0] !== n) throw new PrivkitError('INVALID_ARGUMENT', `x and y must have the same number of examples; got ${n} and ${y.shape[0]}.`);
    const { epochs, delta, targetEpsilon } = fitOptions;
    if (!(epochs > 0 && Number.isFinite(epochs))) throw new PrivkitError('INVALID_ARGUMENT', `\`epochs\` must be in (0, ∞); got ${String(epochs)}.`);
    // The ledger holds only this run's steps, all the same event, so the budget is a step count.
    let allowedSteps = Infinity;
    if (targetEpsilon !== undefined) {
      allowedSteps =
        noiseMultiplier === 0
          ? 0
          : maxStepsOrZero({ noiseMultiplier: noiseMultiplier as number, sampleRate, delta, targetEpsilon, accountant: accountantKind });
    }
    const totalSteps = Math.ceil(epochs / sampleRate);
    const batches = poissonBatches(n, sampleRate, sampler.seed);
    for (let k = 0; k < sampler.drawn; k++) batches.next(); // continue where the last run stopped
    const history: FitHistory = { loss: [], epsilon: [], steps: 0 };
    const user = fitOptions.callbacks ?? {};
    // verbose: a progress bar (or per-epoch lines) on stderr in Node; per-epoch console lines elsewhere.
    let progress: { callbacks: FitCallbacks; stop(): void } | null = null;
    if (fitOptions.verbose === 1) {
      if (typeof process !== 'undefined' && process.stderr !== undefined) {
        const { createFitProgress } = await import('./node/fitProgress.js');
        const stderr = process.stderr;
        progress = createFitProgress((s) => void stderr.write(s), stderr.isTTY ? stderr.columns : undefined, {
          totalSteps,
          epochs,
          delta,
          epsilon: () => accountant.getEpsilon(delta),
        });
      } else {
        progress = {
          callbacks: { onEpochEnd: (e, logs) => console.log(`epoch ${e + 1}: loss ${logs.loss.toFixed(4)}, ε ${logs.epsilon.toFixed(4)}`) },
          stop: () => {},
        };
      }
    }
    const cb: FitCallbacks = {
      onBatchEnd: async (s, logs) => {
        await progress?.callbacks.onBatchEnd?.(s, logs);
        await user.onBatchEnd?.(s, logs);
      },
      onEpochEnd: async (e, logs) => {
        await progress?.callbacks.onEpochEnd?.(e, logs);
        await user.onEpochEnd?.(e, logs);
      },
      onTrainEnd: async (logs) => user.onTrainEnd?.(logs),
    };
    try {
    let epochLoss = 0;
    let epochSteps = 0;
    let epoch = 0;
    for (let s = 0; s < totalSteps; s++) {
      if (dpOptimizer.stepCount + 1 > allowedSteps) {
        throw new PrivkitError(
          'BUDGET_EXCEEDED',
          `Stopped before step ${dpOptimizer.stepCount + 1}: it would take ε above targetEpsilon = ${targetEpsilon} at δ = ${delta} (ε now ${accountant.getEpsilon(delta)}).`,
          { history, epsilon: accountant.getEpsilon(delta), steps: dpOptimizer.stepCount },
        );
      }
      const idx = batches.next().value;
      sampler.drawn++;
      const indices = tf.tensor1d(idx, 'int32');
      const xb = tf.gather(x, indices);
      const yb = tf.gather(y, indices);
      let result: StepResult;
      try {
        result = dpOptimizer.step(xb, yb, fitOptions.maxPhysicalBatchSize);
      } finally {
        tf.dispose([indices, xb, yb]);
      }
      history.steps++;
      epochLoss += result.loss;
      epochSteps++;
      await cb.onBatchEnd?.(s, result);
      if (s + 1 === totalSteps || Math.ceil((epoch + 1) / sampleRate) === s + 1) {
        const eps = accountant.getEpsilon(delta);
        history.loss.push(epochLoss / epochSteps);
        history.epsilon.push(eps);
        await cb.onEpochEnd?.(epoch, { loss: epochLoss / epochSteps, epsilon: eps });
        epoch++;
        epochLoss = 0;
        epochSteps = 0;
      }
    }
    await cb.onTrainEnd?.(history);
    return history;
    } finally {
      progress?.stop();
    }
  };

  const handle: PrivateTraining = {
    options: { ...options, noiseMultiplier, accountant: accountantKind },
    sampler,
    dpOptimizer,
    accountant,
    noiseMultiplier,
    sampleRate,
    step: (x, y) => dpOptimizer.step(x, y),
    getEpsilon: (delta) => accountant.getEpsilon(delta),
    fit,
    // Loaded on demand: the file-system code stays out of the browser-safe import graph.
    save: async (dir) => (await import('./node/checkpoint.js')).saveCheckpoint(handle, dir),
  };
  return handle;
}

/**
 * Resumes DP training from a checkpoint written by `save` (Node): restores the weights into `model`,
 * the optimizer state into `optimizer`, the accountant ledger, the noise and sampler positions.
 * Training then continues exactly as if it had not stopped.
 * @param dir - the checkpoint folder.
 * @param parts - a model of the same architecture, a fresh optimizer of the same kind, and the loss
 *   when it was a function (named losses are stored).
 * @throws PrivkitError `BAD_MODEL_FILE` for a missing or damaged checkpoint.
 * @example
 * ```ts
 * const resumed = await loadPrivate('checkpoints/run1', { model, optimizer: tf.train.adam(1e-3) });
 * ```
 */
export async function loadPrivate(
  dir: string,
  parts: { model: tf.LayersModel; optimizer: tf.Optimizer; loss?: LossSpec },
): Promise<PrivateTraining> {
  return (await import('./node/checkpoint.js')).loadCheckpoint(dir, parts);
}

/** maxSteps, with 0 when even one step exceeds the target. */
function maxStepsOrZero(options: Parameters<typeof maxSteps>[0]): number {
  try {
    return maxSteps(options);
  } catch (e) {
    if (e instanceof PrivkitError && e.code === 'UNREACHABLE_TARGET') return 0;
    throw e;
  }
}
