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
  restoreAccountant,
  gaussian,
  poissonSampled,
  type AccountantKind,
  type PrivacyAccountant,
} from '../accountant/index.js';
import type { ClippingMode } from './kernels/clippedGradients.js';
import type { LossSpec } from './kernels/perExampleLoss.js';
import { DpOptimizer, type DpOptimizerOptions, type StepResult } from './optimizer/DpOptimizer.js';
import { PoissonSampler } from './optimizer/poissonBatches.js';
import type { Randomness } from './optimizer/randomness.js';
import { defaultFitProgress, type FitProgress, type FitProgressFactory } from './optimizer/fitProgress.js';
import { badCheckpoint, checkTrainingState, stepEvent, trainingState, type PrivateTrainingState } from './optimizer/trainingState.js';

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
  /**
   * A seed makes noise and batch sampling reproducible — an experiment mode, not for release: anyone
   * who learns the seed (from a shared checkpoint, or by search) can regenerate every noise draw and
   * every batch, and the guarantee is void. Without one, both come from the CSPRNG. An integer in
   * [0, 2³²). @defaultValue none: secure randomness
   */
  readonly seed?: number;
  /** Train weighted layers without a per-example rule by a per-example loop. @defaultValue false */
  readonly allowSlowLayers?: boolean;
}

/** A model being trained with DP-SGD. */
export interface PrivateTraining {
  /** The settings it was made with (σ resolved). */
  readonly options: MakePrivateOptions & { readonly noiseMultiplier: number; readonly accountant: AccountantKind };
  /**
   * `'secure'` (the default: CSPRNG noise and batches) or `'seeded'` (a `seed` was given: reproducible,
   * not for release). Recorded in checkpoints and reports.
   */
  readonly randomness: Randomness;
  /** The batch sampler `fit` draws from (its state is checkpointed when seeded). */
  readonly sampler: PoissonSampler;
  /**
   * A snapshot of everything a checkpoint holds — weights, optimizer state, ledger, step count and
   * (seeded runs only) the generator states — taken at one instant, so the ledger always covers every
   * step applied to the weights. Browser-safe; `saveCheckpoint` of `privkit/node` writes it to
   * disk and `restorePrivate` continues from it.
   */
  state(): Promise<PrivateTrainingState>;
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
  /**
   * 1: one line per epoch with step, loss and ε — on stderr in Node, on the console elsewhere.
   * @defaultValue 0
   */
  readonly verbose?: 0 | 1;
  /**
   * A display of the run (e.g. `fitProgressBar` of `privkit/node`: a live bar in a terminal); shown
   * whatever `verbose` is. @defaultValue none (or the per-epoch lines with `verbose: 1`)
   */
  readonly progress?: FitProgressFactory;
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
  if (options === null || typeof options !== 'object') throw new PrivkitError('INVALID_ARGUMENT', `makePrivate needs an options object; got ${String(options)}.`);
  if ('secureNoise' in options) {
    throw new PrivkitError(
      'INVALID_ARGUMENT',
      '`secureNoise` is gone: noise and batches are secure (CSPRNG) unless a `seed` is given, which makes them reproducible (for experiments only).',
    );
  }
  const { sampleRate, datasetSize } = options;
  if (!(typeof sampleRate === 'number' && sampleRate > 0 && sampleRate <= 1)) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`sampleRate\` must be in (0, 1]; got ${String(sampleRate)}.`);
  }
  if (!(Number.isSafeInteger(datasetSize) && datasetSize >= 1)) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`datasetSize\` must be an integer ≥ 1; got ${String(datasetSize)}.`);
  }
  const accountantKind = options.accountant ?? 'rdp';
  if (accountantKind !== 'rdp' && accountantKind !== 'pld') {
    throw new PrivkitError('INVALID_ARGUMENT', `\`accountant\` must be 'rdp' or 'pld'; got ${JSON.stringify(accountantKind)}.`);
  }
  let noiseMultiplier = options.noiseMultiplier;
  if (noiseMultiplier !== undefined && options.targetEpsilon !== undefined) {
    throw new PrivkitError(
      'INVALID_ARGUMENT',
      `Give \`noiseMultiplier\` (${String(noiseMultiplier)}) or \`targetEpsilon\` (${String(options.targetEpsilon)}) to calibrate it, not both.`,
    );
  }
  if (noiseMultiplier === undefined) {
    const { targetEpsilon, delta, epochs } = options;
    if (targetEpsilon === undefined || delta === undefined || epochs === undefined) {
      throw new PrivkitError('INVALID_ARGUMENT', 'Give `noiseMultiplier`, or `targetEpsilon`, `delta` and `epochs` to calibrate it.');
    }
    checkEpochs(epochs, sampleRate);
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
    ...(options.allowSlowLayers === undefined ? {} : { allowSlowLayers: options.allowSlowLayers }),
    ...(options.clipping === undefined ? {} : { clipping: options.clipping }),
    ...(options.embeddingPaddingIds === undefined ? {} : { embeddingPaddingIds: options.embeddingPaddingIds }),
  });
  const accountant = createAccountant(accountantKind);
  const randomness = dpOptimizer.randomness;
  // The sampler's stream is independent of the noise's: seeded from another mix of the seed.
  const sampler = new PoissonSampler(datasetSize, sampleRate, options.seed === undefined ? 'secure' : { seed: (options.seed ^ 0x9e3779b9) >>> 0 });
  const event = noiseMultiplier > 0 ? poissonSampled(sampleRate, gaussian(noiseMultiplier)) : null;
  // What the ledger holds, kept as it is composed (the budget reads this, not the settable step counter):
  // how many steps of this run's event, and whether anything else was composed into it.
  const ledger = { ownSteps: 0, foreign: false };
  const stepEventJson = JSON.stringify(event ?? { kind: 'nonPrivate' });
  const composeRaw = accountant.compose.bind(accountant);
  accountant.compose = (e, count = 1) => {
    composeRaw(e, count);
    if (JSON.stringify(e) === stepEventJson) ledger.ownSteps += count;
    else ledger.foreign = true;
    return accountant;
  };
  dpOptimizer.onStep(() => {
    if (event === null) accountant.compose({ kind: 'nonPrivate' });
    else accountant.compose(event);
  });
  const fit = async (x: tf.Tensor, y: tf.Tensor, fitOptions: FitOptions): Promise<FitHistory> => {
    for (const [name, t] of [['x', x], ['y', y]] as const) {
      if (!(t instanceof tf.Tensor)) throw new PrivkitError('INVALID_ARGUMENT', `\`${name}\` must be a tf.Tensor holding the whole training set; got ${typeof t}.`);
    }
    if (fitOptions === null || typeof fitOptions !== 'object') throw new PrivkitError('INVALID_ARGUMENT', `fit needs options { epochs, delta }; got ${String(fitOptions)}.`);
    const n = x.shape[0];
    if (n !== datasetSize) {
      throw new PrivkitError('INVALID_ARGUMENT', `x has ${n} examples but \`datasetSize\` is ${datasetSize}; the noise is scaled by q·N, so they must agree.`);
    }
    if (y.shape[0] !== n) throw new PrivkitError('INVALID_ARGUMENT', `x and y must have the same number of examples; got ${n} and ${y.shape[0]}.`);
    dpOptimizer.checkInputs(x, y); // shapes, targets and loss before the first step
    const { epochs, delta, targetEpsilon, maxPhysicalBatchSize } = fitOptions;
    checkEpochs(epochs, sampleRate);
    if (!(typeof delta === 'number' && delta > 0 && delta < 1)) throw new PrivkitError('INVALID_ARGUMENT', `\`delta\` must be in (0, 1); got ${String(delta)}.`);
    if (targetEpsilon !== undefined && !(typeof targetEpsilon === 'number' && targetEpsilon > 0 && Number.isFinite(targetEpsilon))) {
      throw new PrivkitError('INVALID_ARGUMENT', `\`targetEpsilon\` must be in (0, ∞); got ${String(targetEpsilon)}.`);
    }
    if (maxPhysicalBatchSize !== undefined && !(maxPhysicalBatchSize === Infinity || (Number.isSafeInteger(maxPhysicalBatchSize) && maxPhysicalBatchSize >= 1))) {
      throw new PrivkitError('INVALID_ARGUMENT', `\`maxPhysicalBatchSize\` must be an integer ≥ 1; got ${String(maxPhysicalBatchSize)}.`);
    }
    if (fitOptions.verbose !== undefined && fitOptions.verbose !== 0 && fitOptions.verbose !== 1) {
      throw new PrivkitError('INVALID_ARGUMENT', `\`verbose\` must be 0 or 1; got ${String(fitOptions.verbose)}.`);
    }
    if (fitOptions.progress !== undefined && typeof fitOptions.progress !== 'function') {
      throw new PrivkitError('INVALID_ARGUMENT', `\`progress\` must be a function (e.g. fitProgressBar of privkit/node); got ${typeof fitOptions.progress}.`);
    }
    // The budget is read off the accountant's ledger, not the optimizer's (settable) step counter. While
    // the ledger holds only this run's event it is a step count (maxSteps); once it holds anything else
    // (events a caller composed), each step is checked on a copy of the accountant with that step added.
    let allowedSteps = Infinity;
    if (targetEpsilon !== undefined) {
      allowedSteps =
        noiseMultiplier === 0
          ? 0
          : maxStepsOrZero({ noiseMultiplier: noiseMultiplier as number, sampleRate, delta, targetEpsilon, accountant: accountantKind });
    }
    const withinBudget = (): boolean => {
      if (targetEpsilon === undefined) return true;
      if (!ledger.foreign) return ledger.ownSteps + 1 <= allowedSteps;
      const copy = restoreAccountant(accountant.toJSON());
      copy.compose(event ?? { kind: 'nonPrivate' });
      return copy.getEpsilon(delta) <= targetEpsilon;
    };
    const totalSteps = Math.ceil(epochs / sampleRate);
    const history: FitHistory = { loss: [], epsilon: [], steps: 0 };
    const user = fitOptions.callbacks ?? {};
    // verbose: one line per epoch (stderr in Node, the console elsewhere), or the caller's display.
    let progress: FitProgress | null = null;
    if (fitOptions.verbose === 1 || fitOptions.progress !== undefined) {
      const make = fitOptions.progress ?? defaultFitProgress;
      progress = make({ totalSteps, epochs, delta, epsilon: () => accountant.getEpsilon(delta) });
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
      if (!withinBudget()) {
        throw new PrivkitError(
          'BUDGET_EXCEEDED',
          `Stopped before step ${dpOptimizer.stepCount + 1}: it would take ε above targetEpsilon = ${targetEpsilon} at δ = ${delta} (ε now ${accountant.getEpsilon(delta)}).`,
          { history, epsilon: accountant.getEpsilon(delta), steps: dpOptimizer.stepCount },
        );
      }
      const idx = sampler.next();
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
    randomness,
    sampler,
    state: () => trainingState(handle),
    dpOptimizer,
    accountant,
    noiseMultiplier,
    sampleRate,
    step: (x, y) => dpOptimizer.step(x, y),
    getEpsilon: (delta) => accountant.getEpsilon(delta),
    fit,
  };
  return handle;
}

/** Epochs ∈ (0, ∞), and few enough that ⌈epochs/q⌉ steps is a safe integer. */
function checkEpochs(epochs: unknown, sampleRate: number): asserts epochs is number {
  if (!(typeof epochs === 'number' && epochs > 0 && Number.isFinite(epochs) && Number.isSafeInteger(Math.ceil(epochs / sampleRate)))) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`epochs\` must be in (0, ∞) with ⌈epochs/q⌉ steps a safe integer; got ${String(epochs)}.`);
  }
}

/**
 * Continues a run from its {@link PrivateTraining.state} (browser-safe; `loadPrivate` of `privkit/node` reads
 * one from disk). Every part is checked first — the ledger must account for exactly the steps applied to the
 * weights, with this run's event; shapes must fit the model; a secure state carries no seeds — and
 * only then are the weights, optimizer state, ledger, step count and (seeded) generator states set.
 * A secure run resumes with fresh secure randomness; a seeded one exactly where it stopped.
 * @param state - the state (untrusted: e.g. parsed from a file).
 * @param parts - a model of the same architecture, a fresh optimizer of the same kind, and the loss
 *   when it was a function.
 * @returns the run, ready to continue.
 * @throws PrivkitError `BAD_CHECKPOINT` for a state whose parts do not belong together,
 *   `BAD_MODEL_FILE` for weights that do not fit `model`, `INVALID_ARGUMENT` for a missing custom loss.
 * @example
 * ```ts
 * const snapshot = await priv.state();
 * const again = await restorePrivate(snapshot, { model: freshModel, optimizer: tf.train.adam(1e-3) });
 * ```
 */
export async function restorePrivate(
  state: PrivateTrainingState,
  parts: { model: tf.LayersModel; optimizer: tf.Optimizer; loss?: LossSpec },
): Promise<PrivateTraining> {
  const s = checkTrainingState(state, parts.model, parts.optimizer);
  const o = s.settings;
  const loss = parts.loss ?? (o.loss as LossSpec | null);
  if (loss === null) throw new PrivkitError('INVALID_ARGUMENT', 'This run was trained with a custom loss function; pass it as `loss`.');
  if (parts.loss !== undefined && o.loss !== null && parts.loss !== o.loss) {
    throw new PrivkitError('INVALID_ARGUMENT', `This run was trained with the loss '${o.loss}'; got ${typeof parts.loss === 'string' ? `'${parts.loss}'` : 'a function'}.`);
  }
  let priv: PrivateTraining;
  try {
    priv = makePrivate({
      model: parts.model,
      optimizer: parts.optimizer,
      loss,
      maxGradNorm: o.maxGradNorm,
      clipping: o.clipping,
      ...(o.embeddingPaddingIds === undefined ? {} : { embeddingPaddingIds: o.embeddingPaddingIds }),
      noiseMultiplier: o.noiseMultiplier,
      sampleRate: o.sampleRate,
      datasetSize: o.datasetSize,
      accountant: o.accountant,
      allowSlowLayers: o.allowSlowLayers,
      ...(s.seeded === null ? {} : { seed: s.seeded.noiseSeed }),
    });
  } catch (e) {
    if (e instanceof PrivkitError && e.code === 'INVALID_ARGUMENT') throw badCheckpoint(`its settings are invalid: ${e.message}`);
    throw e;
  }
  // Everything is checked: now set the parts, the optimizer's first (if tfjs refuses it, the model is untouched).
  if (s.optimizer.length > 0) {
    const named = s.optimizer.map((w) => ({ name: w.name, tensor: tf.tensor(w.values, [...w.shape], w.dtype) }));
    try {
      await parts.optimizer.setWeights(named); // tfjs copies them into its own variables
    } finally {
      tf.dispose(named.map((n) => n.tensor));
    }
  }
  const weights = s.weights.map((w) => tf.tensor(w.values, [...w.shape], w.dtype));
  parts.model.setWeights(weights);
  tf.dispose(weights);
  if (s.steps > 0) priv.accountant.compose(stepEvent(o), s.steps);
  priv.dpOptimizer.setStepCount(s.steps);
  if (s.seeded !== null) priv.sampler.restore(s.seeded.sampler);
  return priv;
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
