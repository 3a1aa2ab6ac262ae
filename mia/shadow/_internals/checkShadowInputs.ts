/**
 * The argument checks of the shadow-model pipeline (population, training recipe, jobs, contexts,
 * models, stores), run before any tensor is made or any shadow trained, so that a bad input is one
 * typed INVALID_ARGUMENT that names it — not a tfjs error from deep inside training, an endless loop
 * (a batch size of 0), or a silently different audit (an unknown optimizer or query view).
 */
import * as tf from '@tensorflow/tfjs';
import type { ShadowStore } from '../ShadowStore.js';
import type { MembershipData, QueryAugmentation, ShadowTrainingOptions } from '../ShadowTrainingOptions.js';
import type { ShadowJob, ShadowTrainingContext } from '../trainShadowModel.js';
import { invalid, requireInteger, requireOneOf, requireOptions, requirePositive, requireSeed, show } from '../../../accountant/index.js';

/** Rows of a population are indexed by int32 throughout the auditor (masks, batches, gathers). */
export const MAX_EXAMPLES = 2 ** 31 - 1;

/**
 * The most shadow models an audit takes. Far above any published setting (Carlini et al. 2022 use at
 * most 256); a count beyond it is a typo, and its IN masks alone would not fit in memory.
 */
export const MAX_SHADOW_MODELS = 65_536;

/** The query views a shadow or target can be asked for. */
export const QUERY_AUGMENTATIONS: readonly QueryAugmentation[] = ['none', 'flip'];

/** Throws unless `model` is a tfjs LayersModel (duck-typed: layers, inputs, outputs, predict). */
export function requireModel(name: string, model: unknown): asserts model is tf.LayersModel {
  const m = model as Partial<tf.LayersModel> | null;
  const ok =
    m !== null &&
    typeof m === 'object' &&
    Array.isArray(m.layers) &&
    m.layers.length > 0 &&
    Array.isArray(m.inputs) &&
    Array.isArray(m.outputs) &&
    typeof m.predict === 'function';
  if (!ok) invalid(`\`${name}\` must be a tfjs LayersModel; got ${show(model)}.`, { field: name });
}

/** Throws unless `value` is a tensor of rank ≥ `minRank`. */
export function requireTensor(name: string, value: unknown, minRank: number, what: string): asserts value is tf.Tensor {
  if (!(value instanceof tf.Tensor) || value.rank < minRank) {
    const got = value instanceof tf.Tensor ? `a tensor shaped [${value.shape.join(', ')}]` : show(value);
    invalid(`\`${name}\` must be a tensor ${what}; got ${got}.`, { field: name });
  }
}

/** Throws unless `augmentation` is one of {@link QUERY_AUGMENTATIONS}. */
export function checkAugmentation(name: string, augmentation: unknown): QueryAugmentation {
  return requireOneOf(name, augmentation, QUERY_AUGMENTATIONS);
}

/** Throws unless `augmentation` fits examples shaped `exampleShape`: 'flip' mirrors images [h, w, c]. */
export function checkViewsFit(augmentation: QueryAugmentation, exampleShape: readonly number[]): void {
  if (augmentation === 'flip' && exampleShape.length !== 3) {
    invalid(`augmentation 'flip' needs image examples [height, width, channels]; got examples shaped [${exampleShape.join(', ')}].`, { field: 'augmentation' });
  }
}

/**
 * `exampleShape` and `numClasses` of a population: a non-empty list of positive integers, and an
 * integer ≥ `minClasses` (2 for an audit; {@link checkModelMatchesData} takes 1 and names a
 * one-class mismatch through the model's output shape).
 */
export function checkDataShape(data: unknown, minClasses = 2): asserts data is MembershipData {
  if (data === null || typeof data !== 'object') {
    invalid(`\`data\` must be a MembershipData { x, y, exampleShape, numClasses }; got ${show(data)}.`, { field: 'data' });
  }
  const { exampleShape, numClasses } = data as Partial<MembershipData>;
  if (!Array.isArray(exampleShape) || exampleShape.length === 0 || !exampleShape.every((d) => Number.isSafeInteger(d) && d > 0)) {
    invalid(`\`data.exampleShape\` must be a non-empty array of positive integers; got ${show(exampleShape)}.`, { field: 'data.exampleShape' });
  }
  requireInteger('data.numClasses', numClasses, minClasses);
}

/**
 * A whole population: its shape (see {@link checkDataShape}); `y`, at least 2 labels, each an integer
 * in [0, numClasses); `x`, a Float32Array of y.length × ∏ exampleShape finite values.
 * @returns the number of examples.
 */
export function checkMembershipData(data: unknown): number {
  checkDataShape(data);
  const { x, y, exampleShape, numClasses } = data;
  if (y === null || typeof y !== 'object' || typeof y.length !== 'number') {
    invalid(`\`data.y\` (the labels) must be an Int32Array; got ${show(y)}.`, { field: 'data.y' });
  }
  const n = y.length;
  if (n < 2) invalid(`the population must have at least 2 examples; got ${n} (\`data.y\` has ${n} labels).`, { field: 'data.y' });
  if (n > MAX_EXAMPLES) invalid(`the population must have at most ${MAX_EXAMPLES} examples; got ${n}.`, { field: 'data.y' });
  for (let i = 0; i < n; i++) {
    const label = y[i];
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      invalid(`\`labels[${i}]\` must be an integer in [0, ${numClasses}); got ${show(label)}.`, { field: 'data.y', index: i, value: label });
    }
  }
  const size = exampleShape.reduce((a, b) => a * b, 1);
  if (!(x instanceof Float32Array)) invalid(`\`data.x\` must be a Float32Array; got ${show(x)}.`, { field: 'data.x' });
  if (x.length !== n * size) {
    invalid(
      `\`data.x\` must hold ${n} examples × ${size} values (\`data.y\` has ${n} labels, examples shaped [${exampleShape.join(', ')}]) = ${n * size}; got ${x.length}.`,
      { field: 'data.x' },
    );
  }
  for (let p = 0; p < x.length; p++) {
    if (!Number.isFinite(x[p])) {
      invalid(`\`data.x\` must be finite; got ${show(x[p])} in example ${Math.floor(p / size)} (value ${p % size}).`, { field: 'data.x', index: p });
    }
  }
  return n;
}

/** Checks a shadow count: an integer in [1, {@link MAX_SHADOW_MODELS}]. */
export function checkShadowCount(count: unknown): number {
  requireInteger('shadowModels', count, 1);
  if ((count as number) > MAX_SHADOW_MODELS) invalid(`\`shadowModels\` must be at most ${MAX_SHADOW_MODELS}; got ${show(count)}.`, { field: 'shadowModels', value: count });
  return count as number;
}

/**
 * A shadow training recipe: `epochs` and `batchSize` integers ≥ 1, `learningRate` finite > 0,
 * `optimizer` 'adam' or 'sgd', and `dp` (when given) with finite `noiseMultiplier` ≥ 0 and
 * `maxGradNorm` > 0.
 */
export function checkTrainingOptions(name: string, train: unknown): asserts train is ShadowTrainingOptions {
  requireOptions(name, train);
  const t = train as Partial<Record<keyof ShadowTrainingOptions, unknown>>;
  requireInteger(`${name}.epochs`, t.epochs, 1);
  requireInteger(`${name}.batchSize`, t.batchSize, 1);
  requirePositive(`${name}.learningRate`, t.learningRate);
  if (t.optimizer !== undefined && t.optimizer !== null) requireOneOf(`${name}.optimizer`, t.optimizer, ['adam', 'sgd'] as const);
  if (t.dp !== undefined && t.dp !== null) {
    requireOptions(`${name}.dp`, t.dp);
    const { noiseMultiplier, maxGradNorm } = t.dp as Partial<Record<'noiseMultiplier' | 'maxGradNorm', unknown>>;
    if (typeof noiseMultiplier !== 'number' || !(noiseMultiplier >= 0) || noiseMultiplier === Infinity) {
      invalid(`\`${name}.dp.noiseMultiplier\` must be a finite number ≥ 0; got ${show(noiseMultiplier)}.`, { field: `${name}.dp.noiseMultiplier` });
    }
    requirePositive(`${name}.dp.maxGradNorm`, maxGradNorm);
  }
}

/**
 * A shadow training context: a topology object, `x` a tensor [n, …], `y` an int32 tensor [n], and a
 * recipe (see {@link checkTrainingOptions}).
 * @returns n, the number of population examples.
 */
export function checkContext(name: string, ctx: unknown): number {
  requireOptions(name, ctx);
  const c = ctx as Partial<Record<keyof ShadowTrainingContext, unknown>>;
  if (c.topology === null || typeof c.topology !== 'object') invalid(`\`${name}.topology\` must be a Keras topology object; got ${show(c.topology)}.`, { field: `${name}.topology` });
  requireTensor(`${name}.x`, c.x, 2, '[n, ...exampleShape] of all population examples');
  const n = c.x.shape[0];
  if (!(c.y instanceof tf.Tensor) || c.y.rank !== 1 || c.y.dtype !== 'int32' || c.y.shape[0] !== n) {
    const got = c.y instanceof tf.Tensor ? `a ${c.y.dtype} tensor shaped [${c.y.shape.join(', ')}]` : show(c.y);
    invalid(`\`${name}.y\` must be an int32 tensor [${n}] of labels (one per row of \`${name}.x\`); got ${got}.`, { field: `${name}.y` });
  }
  checkTrainingOptions(`${name}.train`, c.train);
  if (c.onEpoch !== undefined && typeof c.onEpoch !== 'function') invalid(`\`${name}.onEpoch\` must be a function; got ${show(c.onEpoch)}.`, { field: `${name}.onEpoch` });
  return n;
}

/** A shadow job for a population of `n`: an index ≥ 0, a seed, and a 0/1 Uint8Array mask of length n. */
export function checkJob(name: string, job: unknown, n: number): asserts job is ShadowJob {
  requireOptions(name, job);
  const j = job as Partial<Record<keyof ShadowJob, unknown>>;
  requireInteger(`${name}.index`, j.index, 0);
  requireSeed(`${name}.seed`, j.seed);
  const mask = j.mask;
  if (!(mask instanceof Uint8Array) || mask.length !== n) {
    const got = mask instanceof Uint8Array ? `length ${mask.length}` : show(mask);
    invalid(`\`${name}.mask\` must be a Uint8Array of ${n} entries (one per population example); got ${got}.`, { field: `${name}.mask` });
  }
  for (let i = 0; i < n; i++) {
    if (mask[i] > 1) invalid(`\`${name}.mask[${i}]\` must be 0 or 1; got ${mask[i]}.`, { field: `${name}.mask`, index: i });
  }
}

/** A list of shadow jobs (see {@link checkJob}). */
export function checkJobs(name: string, jobs: unknown, n: number): asserts jobs is readonly ShadowJob[] {
  if (!Array.isArray(jobs)) invalid(`\`${name}\` must be an array of shadow jobs; got ${show(jobs)}.`, { field: name });
  jobs.forEach((job, k) => checkJob(`${name}[${k}]`, job, n));
}

/** Throws unless `store` has `load` and `save` functions. */
export function checkStore(name: string, store: unknown): asserts store is ShadowStore {
  const s = store as Partial<ShadowStore> | null;
  if (s === null || typeof s !== 'object' || typeof s.load !== 'function' || typeof s.save !== 'function') {
    invalid(`\`${name}\` must be a ShadowStore { load, save }; got ${show(store)}.`, { field: name });
  }
}

/** `batchModels` when given: an integer ≥ 1 (no silent clamp of 0 or −1 to 1). */
export function checkBatchModels(name: string, batchModels: unknown): number | undefined {
  if (batchModels === undefined || batchModels === null) return undefined;
  return requireInteger(name, batchModels, 1);
}

