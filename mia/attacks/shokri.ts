/**
 * The shadow-model attack of Shokri, Stronati, Song & Shmatikov, "Membership Inference Attacks
 * Against Machine Learning Models", IEEE S&P 2017, §IV: attack classifiers trained on shadow models'
 * outputs (labelled IN/OUT by the shadow's training set), one per output class, applied to the
 * target's output.
 */
import type { AttackData, AttackResult, ModelLogits } from './AttackData.js';
import { validateAttackData } from './validateAttackData.js';
import { requireShadowModels } from './_internals/shadowCount.js';
import { trainAttackModel } from './_internals/attackModel.js';
import type { AttackModel } from './_internals/attackModel.js';
import { rowLiraStatistic, rowLogSumExp } from './_internals/rowLogits.js';
import { invalid, requireInteger, requireOptions, requirePositive, seededUniform } from '../../accountant/index.js';

/** Options of {@link shokri}. */
export interface ShokriOptions {
  /** Seed of the attack models' initialisation and of the training-row subsample. @defaultValue 0 */
  readonly seed?: number;
  /**
   * Width of the attack model's hidden tanh layer; 0 gives logistic regression. Shokri et al. use a
   * fully connected network; one small hidden layer is enough on these five features (and keeps
   * training a few seconds for 10 classes × 5 000 rows).
   * @defaultValue 8
   */
  readonly hiddenUnits?: number;
  /** Full-batch Adam steps per attack model. @defaultValue 200 */
  readonly epochs?: number;
  /** Adam step size. @defaultValue 0.01 */
  readonly learningRate?: number;
  /** L2 penalty on the weights (not the biases), added to the mean cross-entropy. @defaultValue 1e-4 */
  readonly l2?: number;
  /**
   * A class gets its own attack model only with at least this many IN rows and this many OUT rows
   * (row = one shadow's output on one example of that class); otherwise its examples are scored by
   * the global model trained on all classes' rows.
   * @defaultValue 10
   */
  readonly minClassRows?: number;
  /** Each attack model trains on at most this many rows (a seeded uniform subsample). @defaultValue 5000 */
  readonly maxTrainingRows?: number;
}

/** Number of sorted probabilities in the features (ML-Leaks: the top 3 posteriors suffice). */
const TOP = 3;

/**
 * Features of one model's output on example i, averaged over views: [φ, log p_y, p_(1), …, p_(m)],
 * φ the LiRA logit of the true class, p_(j) the j-th largest softmax probability, m = min(3, k).
 */
function writeFeatures(model: ModelLogits, i: number, k: number, y: number, out: Float64Array, offset: number, scratch: Float64Array): void {
  const m = Math.min(TOP, k);
  const dim = 2 + m;
  out.fill(0, offset, offset + dim);
  const views = model.views;
  for (const z of views) {
    const o = i * k;
    const lse = rowLogSumExp(z, o, k);
    out[offset] += rowLiraStatistic(z, o, k, y);
    out[offset + 1] += z[o + y] - lse;
    for (let c = 0; c < k; c++) scratch[c] = -Math.exp(z[o + c] - lse); // negated: ascending sort = descending p
    scratch.sort();
    for (let j = 0; j < m; j++) out[offset + 2 + j] -= scratch[j];
  }
  for (let f = 0; f < dim; f++) out[offset + f] /= views.length;
}

/** A seeded sample of `limit` of `count` indices (all of them when count ≤ limit), in increasing order. */
function subsample(indices: Int32Array, limit: number, rand: () => number): Int32Array {
  if (indices.length <= limit) return indices;
  const copy = Int32Array.from(indices);
  for (let j = 0; j < limit; j++) {
    const r = j + Math.floor(rand() * (copy.length - j));
    const t = copy[j];
    copy[j] = copy[r];
    copy[r] = t;
  }
  return copy.subarray(0, limit).sort();
}

/**
 * Shokri et al.'s attack. Each (shadow s, example i) pair gives a training row: the features of
 * s's output on i, labelled IN when `inMask[i] = 1`. As in the paper (§IV, one attack model per class),
 * the rows of examples of class c train attack model c, which scores the target's output on the
 * examples of class c; score = its predicted P(IN).
 *
 * Choices, not fixed by the paper: the features are [φ, log p_y, top-3 sorted probabilities]
 * (sorting makes them class-agnostic, as in Salem et al. 2019 "ML-Leaks", §III; φ and log p_y spread
 * out the near-1 confidences where members and non-members differ), averaged over query views; the
 * attack model is a one-hidden-layer tanh network (or logistic regression), trained full-batch with
 * Adam from a seed, in plain TypeScript — deterministic, no tfjs. A class with fewer than
 * `minClassRows` IN or OUT rows falls back to a global model trained on every class's rows.
 * @param data - target and shadow logits; the shadows' rows must include both IN and OUT.
 * @param options - see {@link ShokriOptions}.
 * @returns `{ name: 'shokri', scores }`, scores in (0, 1); higher = more likely a member.
 * @throws PrivkitError `INVALID_ARGUMENT` with no shadow model, when every shadow row is IN (or every
 *   one OUT), for bad options, and from {@link validateAttackData}.
 * @example
 * ```ts
 * const { scores } = shokri(data, { seed: 1 });
 * ```
 */
export function shokri(data: AttackData, options: ShokriOptions = {}): AttackResult {
  validateAttackData(data);
  requireShadowModels('shokri', data);
  requireOptions('options', options);
  const seed = options.seed === undefined ? 0 : requireInteger('seed', options.seed, 0, 0xffffffff);
  const hiddenUnits = options.hiddenUnits === undefined ? 8 : requireInteger('hiddenUnits', options.hiddenUnits, 0, 1024);
  const epochs = options.epochs === undefined ? 200 : requireInteger('epochs', options.epochs, 1);
  const learningRate = options.learningRate === undefined ? 0.01 : requirePositive('learningRate', options.learningRate);
  const l2 = options.l2 === undefined ? 1e-4 : options.l2 === 0 ? 0 : requirePositive('l2', options.l2);
  const minClassRows = options.minClassRows === undefined ? 10 : requireInteger('minClassRows', options.minClassRows, 1);
  const maxTrainingRows = options.maxTrainingRows === undefined ? 5000 : requireInteger('maxTrainingRows', options.maxTrainingRows, 2);

  const { numExamples: n, numClasses: k, labels, shadows } = data;
  const dim = 2 + Math.min(TOP, k);
  const scratch = new Float64Array(k);
  const numRows = shadows.length * n;
  const x = new Float64Array(numRows * dim);
  const y = new Uint8Array(numRows);
  for (let s = 0; s < shadows.length; s++) {
    for (let i = 0; i < n; i++) {
      const r = s * n + i;
      writeFeatures(shadows[s].logits, i, k, labels[i], x, r * dim, scratch);
      y[r] = shadows[s].inMask[i];
    }
  }
  // Rows per class, and IN/OUT counts.
  const classRows: number[][] = Array.from({ length: k }, () => []);
  const classIn = new Int32Array(k);
  for (let r = 0; r < numRows; r++) {
    const c = labels[r % n];
    classRows[c].push(r);
    classIn[c] += y[r];
  }
  let totalIn = 0;
  for (let c = 0; c < k; c++) totalIn += classIn[c];
  if (totalIn === 0 || totalIn === numRows) {
    invalid(
      `shokri needs shadow rows labelled both IN and OUT to train on; all ${numRows} rows of the ${shadows.length} ` +
        `shadow model${shadows.length === 1 ? '' : 's'} are ${totalIn === 0 ? 'OUT' : 'IN'} (every inMask is all ${totalIn === 0 ? 0 : 1}).`,
      { attack: 'shokri', rows: numRows, inRows: totalIn },
    );
  }

  const train = (rows: Int32Array, modelSeed: number): AttackModel => {
    const rand = seededUniform(modelSeed);
    const picked = subsample(rows, maxTrainingRows, rand);
    const xs = new Float64Array(picked.length * dim);
    const ys = new Uint8Array(picked.length);
    for (let j = 0; j < picked.length; j++) {
      xs.set(x.subarray(picked[j] * dim, picked[j] * dim + dim), j * dim);
      ys[j] = y[picked[j]];
    }
    return trainAttackModel(xs, ys, picked.length, dim, { hiddenUnits, epochs, learningRate, l2, rand });
  };
  let global: AttackModel | undefined;
  const models: AttackModel[] = [];
  for (let c = 0; c < k; c++) {
    const rows = classRows[c];
    const nIn = classIn[c];
    if (rows.length === 0) continue; // no example of this class to score
    if (nIn >= minClassRows && rows.length - nIn >= minClassRows) {
      models[c] = train(Int32Array.from(rows), (seed ^ Math.imul(c + 1, 0x9e3779b9)) >>> 0);
    } else {
      global ??= train(Int32Array.from({ length: numRows }, (_, r) => r), seed);
      models[c] = global;
    }
  }

  const scores = new Float64Array(n);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    writeFeatures(data.target, i, k, labels[i], row, 0, scratch);
    scores[i] = models[labels[i]].predict(row, 0);
  }
  return { name: 'shokri', scores };
}
