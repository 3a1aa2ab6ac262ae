/**
 * RMIA: Zarifzadeh, Liu & Shokri, "Low-Cost High-Power Membership Inference Attacks", ICML 2024
 * (arXiv 2312.03262), §3: a likelihood ratio of x against population points z, each normalised by
 * its probability under reference models.
 */
import type { AttackData, AttackResult } from './AttackData.js';
import { validateAttackData } from './validateAttackData.js';
import { requireShadowModels } from './_internals/shadowCount.js';
import { invalid, logAddExp, logMeanExp, requireInRange, requireOneOf, requireOptions, requirePositive, show } from '../../accountant/index.js';
import { rowLogSoftmax } from './_internals/rowLogits.js';

/** Options of {@link rmia}. */
export interface RmiaOptions {
  /**
   * 'offline': Pr(x) from the reference models trained without x only, through the paper's linear
   * approximation Pr(x) = ½((1 + a)·Pr_OUT(x) + (1 − a)) — the low-cost setting the paper leads with,
   * and the only one privacy-meter's maintained `run_rmia` implements. 'online': Pr(x) = the mean over
   * all reference models (IN and OUT), which estimates ½(Pr_IN(x) + Pr_OUT(x)) when each example is IN
   * for about half of them.
   * @defaultValue 'offline'
   */
  readonly mode?: 'online' | 'offline';
  /**
   * γ > 0: z counts against x when LR(x, z) > γ. 2 in the paper's reproduction configs
   * (privacy-meter `research/2023_rmia`, `gamma: 2.0`, "default is 2.0"); privacy-meter's maintained
   * `run_rmia` hard-codes 1.
   * @defaultValue 2
   */
  readonly gamma?: number;
  /**
   * a ∈ [0, 1] of the offline approximation (assumes Pr_IN(x) = a·Pr_OUT(x) + (1 − a)); ignored
   * online. 0.3 is privacy-meter's default `offline_a` (`get_out_ref_signals`, `modules/mia` README);
   * the paper's CIFAR-10 configs use 0.33, and privacy-meter can tune it on a paired model
   * (`tune_offline_a`, a ∈ {0, 0.1, …, 1}). a = 1 means Pr(x) = Pr_OUT(x).
   * @defaultValue 0.3
   */
  readonly a?: number;
  /**
   * Indices (into the audited examples) of the population points z, distinct, at least 2. An example
   * in the population is never compared with itself.
   * @defaultValue all examples
   */
  readonly populationIndices?: Int32Array;
}

/** First index j with sorted[j] ≥ t (= number of entries < t). */
function countBelow(sorted: Float64Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function resolvePopulation(indices: Int32Array | undefined, n: number): Int32Array {
  if (indices === undefined) return Int32Array.from({ length: n }, (_, i) => i);
  if (!ArrayBuffer.isView(indices) && !Array.isArray(indices)) {
    invalid(`\`populationIndices\` must be an Int32Array; got ${show(indices)}.`, { field: 'populationIndices' });
  }
  const seen = new Uint8Array(n);
  for (let j = 0; j < indices.length; j++) {
    const z = indices[j];
    if (!Number.isInteger(z) || z < 0 || z >= n) {
      invalid(`\`populationIndices[${j}]\` must be an integer in [0, ${n}); got ${show(z)}.`, { field: 'populationIndices', value: z });
    }
    if (seen[z]) invalid(`\`populationIndices\` must be distinct; ${z} appears twice.`, { field: 'populationIndices', value: z });
    seen[z] = 1;
  }
  if (indices.length < 2) {
    invalid(`\`populationIndices\` must hold at least 2 examples (each x is compared with the others); got ${indices.length}.`, {
      field: 'populationIndices',
    });
  }
  return Int32Array.from(indices);
}

/**
 * log Pr(x) per example for one view: the mean reference-model probability of the true label
 * (online), or the offline approximation from OUT models. An example OUT for no reference model
 * (e.g. with a single reference model, half the examples) gets Pr_OUT estimated from its IN models by
 * inverting Pr_IN = a·Pr_OUT + (1 − a), clamped at 0, as privacy-meter's `get_out_ref_signals` does
 * for one reference model.
 */
function logReferenceProbability(data: AttackData, v: number, mode: 'online' | 'offline', a: number): Float64Array {
  const { numExamples: n, numClasses: k, labels, shadows } = data;
  const out = new Float64Array(n);
  const inValues = new Float64Array(shadows.length);
  const outValues = new Float64Array(shadows.length);
  const logOnePlusA = Math.log1p(a);
  const logOneMinusA = Math.log1p(-a);
  for (let i = 0; i < n; i++) {
    let nIn = 0;
    let nOut = 0;
    for (const shadow of shadows) {
      const lp = rowLogSoftmax(shadow.logits.views[v], i * k, k, labels[i]);
      if (shadow.inMask[i] === 1) inValues[nIn++] = lp;
      else outValues[nOut++] = lp;
    }
    if (mode === 'online') {
      for (let j = 0; j < nIn; j++) outValues[nOut + j] = inValues[j];
      out[i] = logMeanExp(outValues, nOut + nIn);
    } else if (nOut > 0) {
      out[i] = logAddExp(logOnePlusA + logMeanExp(outValues, nOut), logOneMinusA) - Math.LN2;
    } else if (a === 1) {
      out[i] = logMeanExp(inValues, nIn);
    } else if (a > 0) {
      const pIn = Math.exp(logMeanExp(inValues, nIn));
      const pOut = Math.max(0, (pIn + a - 1) / a);
      out[i] = Math.log(0.5 * ((1 + a) * pOut + (1 - a)));
    } else {
      invalid(
        `example ${i} is OUT for 0 of ${shadows.length} reference models; offline RMIA with \`a\` = 0 cannot ` +
          'estimate Pr_OUT from IN models; use a > 0, more reference models, or `mode: \'online\'`.',
        { attack: 'rmia', example: i },
      );
    }
  }
  return out;
}

/**
 * RMIA. For each view, Pr(x|θ) = the target's softmax probability of the true label, Pr(x) = its
 * average over reference (shadow) models (see {@link RmiaOptions.mode}), and for population points z
 * likewise; the pairwise likelihood ratio is LR(x, z) = (Pr(x|θ)/Pr(x)) / (Pr(z|θ)/Pr(z)) and the
 * score the fraction of population points z ≠ x with LR(x, z) > γ (Zarifzadeh et al. 2024, §3,
 * Score_MIA(x; θ) = Pr_z(LR_θ(x, z) ≥ γ); both the paper's and privacy-meter's code use the strict
 * "> γ", as here). Ratios are taken in log space (no 0/0 when a probability underflows), and the
 * fraction is counted by sorting the population's ratios and binary-searching ratio(x)/γ: O((n + |Z|)
 * log |Z|) per view instead of O(n·|Z|).
 *
 * Views: the per-view scores are averaged. The paper's code thresholds LR per view and takes a
 * majority vote over views for each (x, z) pair before averaging over z, which costs O(n·|Z|) per view;
 * the average of per-view fractions is its soft counterpart and keeps the O(n log n) count.
 * @param data - target and reference-model logits; the population is drawn from the audited examples.
 * @param options - see {@link RmiaOptions}.
 * @returns `{ name: 'rmia', scores }`, scores in [0, 1]; higher = more likely a member.
 * @throws PrivkitError `INVALID_ARGUMENT` with no shadow model, for bad options, offline with `a` = 0
 *   for an example that is OUT for no shadow (naming it), and from {@link validateAttackData}.
 * @example
 * ```ts
 * const { scores } = rmia(data, { mode: 'offline', gamma: 2, a: 0.3 });
 * ```
 */
export function rmia(data: AttackData, options: RmiaOptions = {}): AttackResult {
  validateAttackData(data);
  requireShadowModels('rmia', data);
  requireOptions('options', options);
  const mode = options.mode === undefined ? 'offline' : requireOneOf('mode', options.mode, ['online', 'offline'] as const);
  const gamma = options.gamma === undefined ? 2 : requirePositive('gamma', options.gamma);
  const a = options.a === undefined ? 0.3 : requireInRange('a', options.a, { min: 0, max: 1 });
  const { numExamples: n, numClasses: k, labels } = data;
  const population = resolvePopulation(options.populationIndices, n);
  const inPopulation = new Uint8Array(n);
  for (const z of population) inPopulation[z] = 1;
  const logGamma = Math.log(gamma);
  const numViews = data.target.views.length;
  const scores = new Float64Array(n);
  const logRatio = new Float64Array(n);
  const sorted = new Float64Array(population.length);
  for (let v = 0; v < numViews; v++) {
    const logPrX = logReferenceProbability(data, v, mode, a);
    const z = data.target.views[v];
    for (let i = 0; i < n; i++) logRatio[i] = rowLogSoftmax(z, i * k, k, labels[i]) - logPrX[i];
    for (let j = 0; j < population.length; j++) sorted[j] = logRatio[population[j]];
    sorted.sort();
    for (let i = 0; i < n; i++) {
      // LR(x, z) > γ ⇔ log ratio(z) < log ratio(x) − log γ.
      const threshold = logRatio[i] - logGamma;
      let count = countBelow(sorted, threshold);
      if (inPopulation[i] === 1 && logRatio[i] < threshold) count--; // x is not compared with itself
      scores[i] += count / (population.length - inPopulation[i]);
    }
  }
  for (let i = 0; i < n; i++) scores[i] /= numViews;
  return { name: 'rmia', scores };
}
