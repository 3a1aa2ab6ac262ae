import type * as tf from '@tensorflow/tfjs';
import { PrivkitError, type Randomness } from '../../src/index.js';
import type { MembershipData } from '../shadow/ShadowTrainingOptions.js';
import { auditOneRun, type OneRunAudit } from './auditOneRun.js';
import { designCanaries, trainWithCanaries } from './_internals/canaryTraining.js';

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
  /**
   * Seeds the auditor's choices (canaries, their coins, gradient canaries' coordinates and batches)
   * and, unless `randomness: 'secure'`, the training's noise and batches. @defaultValue 0
   */
  readonly seed?: number;
  /**
   * The training's noise and Poisson batches: `'seeded'` (from `seed`: the audit is reproducible; it
   * exercises the seeded generator) or `'secure'` (the CSPRNG, the default of a user's run; the audit
   * is then not reproducible, the auditor's choices still come from `seed`). @defaultValue 'seeded'
   */
  readonly randomness?: Randomness;
  /** Called after each epoch of the run with its mean loss and the accountant's ε at `delta` (∞ without DP). */
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
  /**
   * The training's randomness: `'seeded'` by default (audits are reproducible experiments), `'secure'`
   * when asked; null for the non-private baseline with input canaries (tfjs' own `fit`).
   */
  readonly randomness: Randomness | null;
}

/**
 * One-run audit of a DP-SGD training run (Steinke, Nasr & Jagielski 2023): m canaries are each
 * included in the run with probability ½ (seeded), the model is trained, each canary is scored, and
 * {@link auditOneRun} turns the guesses into an ε lower bound valid at `confidence`, shown next to the
 * accountant's ε.
 *
 * The training is the one users run: `makePrivate` + `fit` (the real `DpOptimizer.step`, its Poisson
 * sampler, finiteness check, epoch boundaries, `onStep` listeners and accountant; `claimedEpsilon` is
 * that run's `getEpsilon(delta)`). With the same seed, a user's `makePrivate({ …, seed }).fit` on the
 * same rows gives bit-identical weights.
 * - `mislabel` (pool examples given a random wrong label and removed from the pool) and `ood`
 *   (uniform-noise inputs with random labels): the included canaries are rows of the training set; the
 *   run samples at q = batchSize / rows with datasetSize = rows; a canary's score is the trained
 *   model's log-probability of its canary label. With `noiseMultiplier: null` they train without DP
 *   (tfjs' own `fit`, ε = ∞): the baseline an audit must catch.
 * - `gradient`: white-box Dirac canaries of norm C added to the clipped sum by the optimizer's
 *   `clippedSum` hook, each included canary joining each step with probability q like a
 *   Poisson-sampled example, and scored from the noisy sums (Nasr et al. 2023). The run is over the
 *   pool (q = batchSize / pool, datasetSize = pool): the noisy sum is divided by q·pool although q·(pool
 *   + included) examples are expected per step — a constant learning-rate factor, applied after the
 *   noise, that changes no privacy. `noiseMultiplier: null` means σ = 0.
 * @param options - model factory, data, canaries, training recipe, privacy.
 * @returns the audit.
 * @throws PrivkitError `INVALID_ARGUMENT` for m outside [2, pool size / 2] (mislabel) or above the model's
 *   largest weight's size (gradient), both `noiseMultiplier` and `targetEpsilon`, a bad `randomness` or
 *   recipe value; whatever the run's `fit` throws (a diverging run's non-finite gradient, …).
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
  if (canaryType !== 'mislabel' && canaryType !== 'ood' && canaryType !== 'gradient') {
    throw new PrivkitError('INVALID_ARGUMENT', `\`canaryType\` must be 'mislabel', 'ood' or 'gradient'; got ${JSON.stringify(canaryType)}.`);
  }
  const n = data.y.length;
  const maxCanaries = canaryType === 'mislabel' ? Math.floor(n / 2) : 1_000_000;
  if (!Number.isInteger(m) || m < 2 || m > maxCanaries) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`canaries\` must be an integer in [2, ${maxCanaries}] (at most half the ${n} examples for mislabel canaries); got ${m}.`);
  }
  if (data.numClasses < 2) throw new PrivkitError('INVALID_ARGUMENT', `canaries need at least 2 classes; got ${data.numClasses}.`);
  if (options.noiseMultiplier !== undefined && options.targetEpsilon !== undefined) {
    throw new PrivkitError(
      'INVALID_ARGUMENT',
      `Give \`noiseMultiplier\` (${String(options.noiseMultiplier)}) or \`targetEpsilon\` (${String(options.targetEpsilon)}), not both.`,
    );
  }
  if (!(typeof options.batchSize === 'number' && options.batchSize > 0 && Number.isFinite(options.batchSize))) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`batchSize\` must be in (0, ∞) (the expected batch size); got ${String(options.batchSize)}.`);
  }
  const randomness = options.randomness ?? 'seeded';
  if (randomness !== 'seeded' && randomness !== 'secure') {
    throw new PrivkitError('INVALID_ARGUMENT', `\`randomness\` must be 'seeded' or 'secure'; got ${JSON.stringify(randomness)}.`);
  }
  const design = designCanaries(options);
  const run = await trainWithCanaries(options, design);
  try {
    const audit = auditOneRun({ scores: run.scores, included: design.included, delta: options.delta, confidence: options.confidence ?? 0.95 });
    return {
      ...audit,
      claimedEpsilon: run.claimedEpsilon,
      delta: options.delta,
      canaryType,
      noiseMultiplier: run.noiseMultiplier,
      trainingSize: run.trainingSize,
      randomness: run.randomness,
    };
  } finally {
    run.dispose();
  }
}
