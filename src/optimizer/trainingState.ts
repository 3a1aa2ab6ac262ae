/**
 * The state of a DP training run, as plain data (browser-safe): what a checkpoint holds. It is taken
 * at one instant, so the ledger always accounts for every step applied to the weights, and restored
 * only after every part has been checked to belong with the others (step counts agree with the
 * ledger, the ledger holds only this run's event, shapes fit the model, numbers are finite, a secure
 * run carries no seeds). Anything else is `BAD_CHECKPOINT`: a checkpoint must never load with fewer
 * accounted steps than its weights have seen.
 */
import * as tf from '@tensorflow/tfjs';
import { PrivkitError, gaussian, poissonSampled, type AccountantKind, type AccountantState, type DpEvent } from '../../accountant/index.js';
import type { ClippingMode } from '../kernels/_internals/clippingPlan.js';
import type { PrivateTraining } from '../makePrivate.js';
import { describeValue, isGeneratorState, type Randomness } from './randomness.js';

/** A tensor as plain data. */
export interface TensorState {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32';
  readonly values: Float32Array | Int32Array;
}

/** The settings a run was made with (what `makePrivate` needs again, σ resolved). */
export interface TrainingSettings {
  readonly maxGradNorm: number | readonly number[];
  readonly clipping: ClippingMode;
  readonly embeddingPaddingIds?: Readonly<Record<string, number>>;
  readonly noiseMultiplier: number;
  readonly sampleRate: number;
  readonly datasetSize: number;
  /** A named loss, or null for a function (to be passed again on restore). */
  readonly loss: string | null;
  readonly accountant: AccountantKind;
  readonly allowSlowLayers: boolean;
}

/** Everything a checkpoint holds (see `PrivateTraining.state`). */
export interface PrivateTrainingState {
  readonly format: 'privkit-dp-training';
  readonly version: 2;
  readonly settings: TrainingSettings;
  readonly randomness: Randomness;
  /** DP steps applied to `weights` (each one a composed event in `accountant`). */
  readonly steps: number;
  readonly accountant: AccountantState;
  /** Seeded runs only: the noise seed and the batch sampler's generator state; null when secure. */
  readonly seeded: { readonly noiseSeed: number; readonly sampler: readonly number[] } | null;
  /** The model's weights, in `model.weights` order. */
  readonly weights: readonly TensorState[];
  /** The wrapped optimizer's state (`optimizer.getWeights()`). */
  readonly optimizer: readonly TensorState[];
  /** The wrapped optimizer's tfjs class name (`'Adam'`, `'SGD'`, …): its state fits only that kind. */
  readonly optimizerClass: string;
}

function asState(name: string, t: tf.Tensor): TensorState {
  if (t.dtype !== 'float32' && t.dtype !== 'int32') {
    throw new PrivkitError('INVALID_ARGUMENT', `Cannot checkpoint "${name}": dtype ${t.dtype} (float32 and int32 only).`);
  }
  const values = t.dataSync();
  return { name, shape: [...t.shape], dtype: t.dtype, values: t.dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values) };
}

/**
 * A snapshot of a run. The optimizer's state is read first (tfjs' `getWeights` is async); then the
 * weights, the ledger, the step count and the generator states are read together, synchronously, so
 * no step can fall between them.
 * @param priv - the run.
 * @returns the state (its arrays are copies).
 */
export async function trainingState(priv: PrivateTraining): Promise<PrivateTrainingState> {
  const o = priv.options;
  // tfjs' getWeights reads the iteration count before it awaits and the variables after: a step taken
  // in between (a caller that did not await) would mix two instants, so read again until none was.
  let optimizer: TensorState[] = [];
  for (let attempt = 0; ; attempt++) {
    const before = priv.dpOptimizer.stepCount;
    const optimizerWeights = await o.optimizer.getWeights();
    optimizer = optimizerWeights.map(({ name, tensor }) => asState(name, tensor));
    // getWeights makes a new scalar for the iteration count; the rest are the optimizer's own variables.
    for (const { tensor } of optimizerWeights) if (!(tensor instanceof tf.Variable)) tensor.dispose();
    if (priv.dpOptimizer.stepCount === before) break;
    if (attempt === 3) throw new PrivkitError('INVALID_ARGUMENT', 'Steps kept running while the state was read: await each step (or fit) before state() or save().');
  }
  const weights = o.model.weights.map((w) => asState(w.originalName ?? w.name, w.read()));
  const seed = priv.dpOptimizer.noiseSeed;
  const samplerState = priv.sampler.state();
  return {
    format: 'privkit-dp-training',
    version: 2,
    settings: {
      maxGradNorm: typeof o.maxGradNorm === 'number' ? o.maxGradNorm : [...o.maxGradNorm],
      clipping: o.clipping ?? 'flat',
      ...(o.embeddingPaddingIds === undefined ? {} : { embeddingPaddingIds: { ...o.embeddingPaddingIds } }),
      noiseMultiplier: priv.noiseMultiplier,
      sampleRate: priv.sampleRate,
      datasetSize: o.datasetSize,
      loss: typeof o.loss === 'string' ? o.loss : null,
      accountant: o.accountant,
      allowSlowLayers: o.allowSlowLayers ?? false,
    },
    randomness: priv.randomness,
    steps: priv.dpOptimizer.stepCount,
    accountant: JSON.parse(JSON.stringify(priv.accountant.toJSON())) as AccountantState,
    seeded: seed === null || samplerState === null ? null : { noiseSeed: seed, sampler: samplerState },
    weights,
    optimizer,
    optimizerClass: o.optimizer.getClassName(),
  };
}

/** A `BAD_CHECKPOINT` error. */
export function badCheckpoint(why: string, details?: Record<string, unknown>): PrivkitError {
  return new PrivkitError('BAD_CHECKPOINT', `Not a usable privkit checkpoint: ${why}`, details);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The one event each step of a run with these settings composes. */
export function stepEvent(settings: Pick<TrainingSettings, 'noiseMultiplier' | 'sampleRate'>): DpEvent {
  return settings.noiseMultiplier > 0 ? poissonSampled(settings.sampleRate, gaussian(settings.noiseMultiplier)) : { kind: 'nonPrivate' };
}

/**
 * Whether untrusted parsed JSON `got` equals `expected` (same keys, equal values). The recursion
 * follows `expected` (a step event: two levels), so a hostile, deeply nested `got` costs nothing.
 */
function sameData(expected: unknown, got: unknown): boolean {
  if (typeof expected !== 'object' || expected === null) return Object.is(expected, got);
  if (typeof got !== 'object' || got === null || Array.isArray(got) !== Array.isArray(expected)) return false;
  const keys = Object.keys(expected);
  if (Object.keys(got).length !== keys.length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(got, k) && sameData((expected as Record<string, unknown>)[k], (got as Record<string, unknown>)[k]));
}

function checkTensors(what: string, list: unknown): TensorState[] {
  if (!Array.isArray(list)) throw badCheckpoint(`${what} is not a list of tensors.`);
  return list.map((t, i) => {
    if (!isObject(t) || typeof t.name !== 'string' || !Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      throw badCheckpoint(`${what}[${i}] is not a tensor (name, shape, dtype, values).`);
    }
    const size = (t.shape as number[]).reduce((a, b) => a * b, 1);
    const okValues = (t.dtype === 'float32' && t.values instanceof Float32Array) || (t.dtype === 'int32' && t.values instanceof Int32Array);
    if (!okValues || (t.values as Float32Array).length !== size) {
      throw badCheckpoint(`${what}[${i}] ("${t.name}") has ${okValues ? (t.values as Float32Array).length : 'no'} ${String(t.dtype)} values for shape [${(t.shape as number[]).join(', ')}].`);
    }
    const values = t.values as Float32Array | Int32Array;
    for (let k = 0; k < values.length; k++) {
      if (!Number.isFinite(values[k])) throw badCheckpoint(`${what}[${i}] ("${t.name}") holds a non-finite value.`);
    }
    return t as unknown as TensorState;
  });
}

/**
 * Checks a state's parts against each other and against the model (and optimizer) it is to be loaded
 * into, before anything is set.
 * @param state - parsed state (untrusted).
 * @param model - the model of the same architecture.
 * @param optimizer - the fresh optimizer to receive the state, if known: it must be of the kind the
 *   state was taken from (tfjs' `setWeights` of another kind throws an untyped error or misreads it).
 * @returns the state, typed.
 * @throws PrivkitError `BAD_CHECKPOINT` naming the first inconsistency; `BAD_MODEL_FILE` for weights
 *   that do not fit `model`; `INVALID_ARGUMENT` for an optimizer of another kind.
 */
export function checkTrainingState(state: unknown, model: tf.LayersModel, optimizer?: tf.Optimizer): PrivateTrainingState {
  if (!isObject(state) || state.format !== 'privkit-dp-training' || state.version !== 2) {
    throw badCheckpoint('not a version-2 privkit training state (format "privkit-dp-training").');
  }
  const s = state as unknown as PrivateTrainingState;
  if (!isObject(s.settings)) throw badCheckpoint('it has no settings.');
  const { noiseMultiplier, sampleRate, datasetSize } = s.settings;
  if (!(typeof noiseMultiplier === 'number' && noiseMultiplier >= 0 && Number.isFinite(noiseMultiplier))) throw badCheckpoint(`noiseMultiplier ${String(noiseMultiplier)} is not in [0, ∞).`);
  if (!(typeof sampleRate === 'number' && sampleRate > 0 && sampleRate <= 1)) throw badCheckpoint(`sampleRate ${String(sampleRate)} is not in (0, 1].`);
  if (!(Number.isSafeInteger(datasetSize) && datasetSize >= 1)) throw badCheckpoint(`datasetSize ${String(datasetSize)} is not an integer ≥ 1.`);
  if (!Number.isSafeInteger(s.steps) || s.steps < 0) throw badCheckpoint(`steps ${String(s.steps)} is not an integer ≥ 0.`);
  // The ledger must account for exactly the steps applied, all of this run's one event.
  if (!isObject(s.accountant) || !Array.isArray(s.accountant.ledger)) throw badCheckpoint('it has no accountant ledger.');
  if (s.accountant.accountant !== s.settings.accountant) {
    throw badCheckpoint(`the ledger is a ${String(s.accountant.accountant)} accountant's, the settings say ${String(s.settings.accountant)}.`);
  }
  const expected = stepEvent(s.settings);
  let accounted = 0;
  for (const [i, entry] of (s.accountant.ledger as unknown[]).entries()) {
    if (!isObject(entry) || !sameData(expected, entry.event) || !Number.isSafeInteger(entry.count) || (entry.count as number) < 0) {
      throw badCheckpoint(`ledger entry ${i} is not a count of this run's step event ${JSON.stringify(expected)}.`, { entry: i });
    }
    accounted += entry.count as number;
    if (!Number.isSafeInteger(accounted)) throw badCheckpoint(`the ledger's counts add up to more than 2^53 steps.`);
  }
  if (accounted !== s.steps) {
    throw badCheckpoint(`the ledger accounts for ${accounted} steps but ${s.steps} were applied to the weights.`, { accounted, steps: s.steps });
  }
  if (s.randomness === 'secure') {
    if (s.seeded !== null) throw badCheckpoint('a secure run must carry no seeds or sampler state (`seeded` must be null).');
  } else if (s.randomness === 'seeded') {
    const seeded = s.seeded as unknown;
    if (!isObject(seeded) || !(Number.isInteger(seeded.noiseSeed) && (seeded.noiseSeed as number) >= 0 && (seeded.noiseSeed as number) < 2 ** 32) || !isGeneratorState(seeded.sampler)) {
      throw badCheckpoint('a seeded run needs its noise seed (a 32-bit integer) and sampler state (four 32-bit words, not all 0).');
    }
  } else {
    throw badCheckpoint(`randomness must be "secure" or "seeded"; got ${describeValue(s.randomness)}.`);
  }
  const weights = checkTensors('weights', s.weights);
  const modelWeights = model.weights;
  if (weights.length !== modelWeights.length || weights.some((w, i) => !tf.util.arraysEqual([...w.shape], modelWeights[i].shape as number[]) || w.dtype !== modelWeights[i].dtype)) {
    throw new PrivkitError('BAD_MODEL_FILE', "The checkpoint's weights do not fit the model given (different architecture).", {
      checkpoint: weights.map((w) => `${w.dtype}[${w.shape.join(', ')}]`),
      model: modelWeights.map((w) => `${w.dtype}[${(w.shape as number[]).join(', ')}]`),
    });
  }
  const slots = checkTensors('optimizer', s.optimizer).filter((t) => t.shape.length > 0 || t.name !== 'iter');
  // tfjs optimizers keep their slots by position: k arrays of one tensor per trainable weight (Adam: m
  // then v). Each must have its weight's shape, or the first step would fail inside tfjs.
  const trainable = model.trainableWeights;
  if (slots.length > 0) {
    const bad = slots.length % trainable.length !== 0 ? 0 : slots.findIndex((t, j) => !tf.util.arraysEqual([...t.shape], trainable[j % trainable.length].shape as number[]));
    if (slots.length % trainable.length !== 0 || bad >= 0) {
      throw badCheckpoint(
        slots.length % trainable.length !== 0
          ? `the optimizer state holds ${slots.length} tensors, not a multiple of the model's ${trainable.length} trainable weights.`
          : `optimizer state "${slots[bad].name}" has shape [${slots[bad].shape.join(', ')}], but its weight has [${(trainable[bad % trainable.length].shape as number[]).join(', ')}].`,
      );
    }
  }
  // Absent in states taken before the field existed: then tfjs' own setWeights is the only check.
  if (s.optimizerClass !== undefined && typeof s.optimizerClass !== 'string') throw badCheckpoint(`optimizerClass ${describeValue(s.optimizerClass)} is not a name.`);
  if (optimizer !== undefined && s.optimizerClass !== undefined && s.optimizerClass !== optimizer.getClassName()) {
    throw new PrivkitError(
      'INVALID_ARGUMENT',
      `This run was trained with the optimizer ${s.optimizerClass}; its state cannot be loaded into ${optimizer.getClassName()}. Pass a fresh ${s.optimizerClass} optimizer.`,
      { checkpoint: s.optimizerClass, optimizer: optimizer.getClassName() },
    );
  }
  return s;
}
