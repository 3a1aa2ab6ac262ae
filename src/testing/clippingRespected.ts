/**
 * The clipping law of DP-SGD (Abadi et al. 2016, Alg. 1) as a fast-check property: each example moves
 * the pre-noise sum of a step by at most the clipping norm C, the L2 sensitivity the noise is scaled by.
 * It is measured from the outside, as a leave-one-out difference ‖S(B) − S(B ∖ {i})‖₂, so it checks any
 * step — privkit's or a user's own — without trusting its reported norms.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { PrivkitError, requireFunction, requireNonNegative, requireOptions } from '../../accountant/index.js';
import type { PrivateTraining } from '../makePrivate.js';
import type { DpOptimizer } from '../optimizer/DpOptimizer.js';
import { batchTensors, exampleBatches, type LabelledExample, type ValueRange } from './dataArbitraries.js';
import { buildModel, modelSpecs, type ModelSpec } from './modelSpecs.js';
import { rangeOf } from './dataArbitraries.js';
import { MAX_RECORDS, requireArbitrary, requireCount } from './_internals/validate.js';

/** A user's DP step, opened up: its clipping bound and the sum it would add noise to. */
export interface PreNoiseStep {
  /** The bound C on one example's contribution (the L2 sensitivity the noise is calibrated to). */
  readonly maxGradNorm: number;
  /**
   * The clipped gradient sum of the batch, before noise: one tensor or one per weight. Called on
   * non-empty batches; the property disposes what it returns. It must not update the model.
   */
  preNoiseSum(x: tf.Tensor, y: tf.Tensor): tf.Tensor | readonly tf.Tensor[];
}

/** What {@link clippingRespected}'s factory may return: privkit's `makePrivate` result, a `DpOptimizer`, or a user's {@link PreNoiseStep}. */
export type ClippingSubject = PrivateTraining | DpOptimizer | PreNoiseStep;

/**
 * Options of {@link clippingRespected}.
 * @example
 * ```ts
 * const options: ClippingRespectedOptions = { models: modelSpecs({ architectures: ['mlp'] }), maxBatchSize: 4 };
 * ```
 */
export interface ClippingRespectedOptions {
  /** The models to try. @defaultValue `modelSpecs({ maxHiddenLayers: 1, maxUnits: 4 })` */
  readonly models?: fc.Arbitrary<ModelSpec>;
  /** Largest batch. @defaultValue 5 */
  readonly maxBatchSize?: number;
  /** Input values: wide, so that per-example gradients exceed small clipping norms. @defaultValue { min: -10, max: 10 } */
  readonly inputRange?: ValueRange;
  /** Relative slack for float32 sums. @defaultValue 1e-3 */
  readonly relativeTolerance?: number;
}

/** The model and batch a run of {@link clippingRespected} drew. */
export interface ClippingCase {
  readonly spec: ModelSpec;
  readonly batch: LabelledExample[];
}

/** Duck-typed rather than `instanceof`, so that two copies of privkit (say src and dist) still recognise each other. */
function isDpOptimizer(s: unknown): s is DpOptimizer {
  return typeof s === 'object' && s !== null && typeof (s as DpOptimizer).clipAndAccumulate === 'function' && typeof (s as DpOptimizer).sensitivity === 'number';
}

function isPrivateTraining(s: ClippingSubject): s is PrivateTraining {
  return typeof s === 'object' && s !== null && isDpOptimizer((s as PrivateTraining).dpOptimizer);
}

/** The subject as (bound, pre-noise sum as a flat vector). */
function opened(subject: ClippingSubject): { bound: number; sum: (x: tf.Tensor, y: tf.Tensor) => Float64Array } {
  const flat = (ts: tf.Tensor | readonly tf.Tensor[]): Float64Array => {
    const list = Array.isArray(ts) ? (ts as readonly tf.Tensor[]) : [ts as tf.Tensor];
    const parts = list.map((t) => t.dataSync());
    const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    tf.dispose(list as tf.Tensor[]);
    return out;
  };
  const dp = isPrivateTraining(subject) ? subject.dpOptimizer : isDpOptimizer(subject) ? subject : null;
  if (dp !== null) {
    return {
      bound: dp.sensitivity,
      sum: (x, y) => {
        const c = dp.clipAndAccumulate(x, y);
        tf.dispose([c.perExampleNorms, c.clipFactors, c.losses]);
        if (c.perLayerNorms !== undefined) c.perLayerNorms.dispose();
        return flat(c.grads);
      },
    };
  }
  const step = subject as PreNoiseStep;
  if (!(typeof step.preNoiseSum === 'function' && step.maxGradNorm > 0)) {
    throw new PrivkitError('INVALID_ARGUMENT', 'The factory must return a makePrivate result, a DpOptimizer, or { maxGradNorm > 0, preNoiseSum(x, y) }.');
  }
  return { bound: step.maxGradNorm, sum: (x, y) => flat(step.preNoiseSum(x, y)) };
}

/**
 * A fast-check property: for random small models ({@link modelSpecs}) and batches with wide input values,
 * removing any one example changes the step's pre-noise sum by at most its clipping norm C in L2
 * (C·(1 + relativeTolerance) + 1e-6). With privkit's `makePrivate`/`DpOptimizer` the sum is
 * `clipAndAccumulate`'s and C is the optimizer's `sensitivity` (√(Σ C_l²) with per-layer clipping).
 * Pick a small C (say 0.1): a step that forgets to clip is only caught where gradients exceed C.
 * The loss is categorical cross-entropy on one-hot labels; models end in a softmax.
 * @param factory - builds the subject for a fresh model (called once per run; the model is disposed after).
 * @param options - models, batch size, input range, tolerance; see {@link ClippingRespectedOptions}.
 * @returns a property for `fc.assert`; a failure names the example, its contribution, C, the model and the batch.
 * @throws PrivkitError `INVALID_ARGUMENT` for a `factory` that is not a function, a batch size outside
 *   [1, 10⁶], a tolerance that is not a finite number ≥ 0, an input range that is not finite with
 *   min ≤ max, or `models` that is not an arbitrary (and, inside the property, a factory result of the
 *   wrong kind).
 * @example
 * ```ts
 * fc.assert(clippingRespected((model) => makePrivate({ model, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy',
 *   maxGradNorm: 0.1, noiseMultiplier: 1, sampleRate: 0.01, datasetSize: 1000 })), { numRuns: 10 });
 * ```
 */
export function clippingRespected(factory: (model: tf.LayersModel, spec: ModelSpec) => ClippingSubject, options: ClippingRespectedOptions = {}): fc.IProperty<[ClippingCase]> {
  requireFunction('factory', factory);
  requireOptions('options', options);
  const maxBatchSize = requireCount('maxBatchSize', options.maxBatchSize ?? 5, 1, MAX_RECORDS);
  const rtol = requireNonNegative('relativeTolerance', options.relativeTolerance ?? 1e-3, true);
  const range = options.inputRange ?? { min: -10, max: 10 };
  rangeOf(range, 'inputRange.');
  if (options.models !== undefined) requireArbitrary('models', options.models);
  const models = options.models ?? modelSpecs({ maxHiddenLayers: 1, maxUnits: 4 });
  const cases = models.chain((spec) => exampleBatches(spec, { ...range, minSize: 1, maxSize: maxBatchSize }).map((batch): ClippingCase => ({ spec, batch })));
  return fc.property(cases, ({ spec, batch }) => {
    const model = buildModel(spec);
    try {
      const { bound, sum } = opened(factory(model, spec));
      const sumOf = (examples: readonly LabelledExample[]): Float64Array => {
        const { x, y } = batchTensors(examples, spec);
        try {
          let out: Float64Array = new Float64Array(0);
          tf.tidy(() => {
            out = sum(x, y); // tensors the subject leaves behind are freed with the scope
          });
          return out;
        } finally {
          tf.dispose([x, y]);
        }
      };
      const full = sumOf(batch);
      batch.forEach((_, i) => {
        const rest = batch.filter((_e, j) => j !== i);
        const without = rest.length === 0 ? new Float64Array(full.length) : sumOf(rest);
        let s = 0;
        for (let j = 0; j < full.length; j++) s += (full[j] - without[j]) ** 2;
        const contribution = Math.sqrt(s);
        if (!(contribution <= bound * (1 + rtol) + 1e-6)) {
          throw new Error(
            `Example ${i} of ${batch.length} moves the pre-noise sum by ‖S(B) − S(B∖{${i}})‖₂ = ${contribution} > maxGradNorm ${bound}.\n` +
              `  model: ${fc.stringify(spec)}\n  example: ${fc.stringify(batch[i])}`,
          );
        }
      });
    } finally {
      model.dispose();
    }
  });
}
