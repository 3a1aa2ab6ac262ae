/**
 * `makePrivate`: wraps a tfjs model and optimizer for DP-SGD and keeps the privacy ledger.
 * The optimizer announces each step; the accountant subscribes (neither imports the other).
 */
import type * as tf from '@tensorflow/tfjs';
import {
  PrivkitError,
  calibrateNoiseMultiplier,
  createAccountant,
  gaussian,
  poissonSampled,
  type AccountantKind,
  type PrivacyAccountant,
} from '../accountant/index.js';
import type { LossSpec } from './kernels/perExampleLoss.js';
import { DpOptimizer, type StepResult } from './optimizer/DpOptimizer.js';

/** Options of {@link makePrivate}. Privacy-critical values are required and named. */
export interface MakePrivateOptions {
  /** The model to train (a chain of supported layers). */
  readonly model: tf.LayersModel;
  /** Any tfjs optimizer; wrapped, not reimplemented. */
  readonly optimizer: tf.Optimizer;
  /** Per-example loss: a name or (yTrue, yPred) => [B]. */
  readonly loss: LossSpec;
  /** Clipping norm C > 0. */
  readonly maxGradNorm: number;
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
}

/** A model being trained with DP-SGD. */
export interface PrivateTraining {
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
  });
  const accountant = createAccountant(accountantKind);
  const event = noiseMultiplier > 0 ? poissonSampled(sampleRate, gaussian(noiseMultiplier)) : null;
  dpOptimizer.onStep(() => {
    if (event === null) accountant.compose({ kind: 'nonPrivate' });
    else accountant.compose(event);
  });
  return {
    dpOptimizer,
    accountant,
    noiseMultiplier,
    sampleRate,
    step: (x, y) => dpOptimizer.step(x, y),
    getEpsilon: (delta) => accountant.getEpsilon(delta),
  };
}
