/**
 * The Gaussian fits LiRA makes from shadow models (Carlini et al. 2022, arXiv 2112.03570, §IV-C and
 * Algorithm 1), shared by the online and offline attacks.
 *
 * Per example i and view v, over the shadows where i is IN (or OUT): μ = the median of φ, as in
 * Carlini's reference code (`research/mi_lira_2021/plot.py`, `np.median`); σ either per example
 * (the population standard deviation about the mean, `np.std`) or "fixed": one σ per view and side,
 * the standard deviation of all that side's φ values of all examples pooled, as that code does with
 * `fix_variance=True` (`np.std(dat_in)`). The paper uses the fixed variance below 64 shadow models.
 */
import type { AttackData, AttackName } from '../AttackData.js';
import type { LiraOptions } from '../lira.js';
import { rowLiraStatistic } from './rowLogits.js';
import { invalid, requireOneOf, requireOptions, requirePositive } from '../../../accountant/index.js';

/** How σ is estimated; see the module comment. */
export type LiraVarianceMode = 'fixed' | 'per-example';

/** φ of every example under every view of one model: `phi[v][i]`. */
export function modelStatistics(views: readonly ArrayLike<number>[], data: AttackData): Float64Array[] {
  const { numExamples: n, numClasses: k, labels } = data;
  return views.map((z) => {
    const phi = new Float64Array(n);
    for (let i = 0; i < n; i++) phi[i] = rowLiraStatistic(z, i * k, k, labels[i]);
    return phi;
  });
}

/** The fitted Gaussians of one side (IN or OUT): `mu[v * n + i]`, `sigma[v * n + i]`. */
export interface SideFit {
  readonly mu: Float64Array;
  readonly sigma: Float64Array;
}

/** Number of shadows where example i is on `side` (1 = IN, 0 = OUT). */
export function sideCounts(data: AttackData, side: 0 | 1): Int32Array {
  const counts = new Int32Array(data.numExamples);
  for (const shadow of data.shadows) {
    const mask = shadow.inMask;
    for (let i = 0; i < counts.length; i++) if (mask[i] === side) counts[i]++;
  }
  return counts;
}

/**
 * Throws INVALID_ARGUMENT naming the first example that is on `side` for fewer than `need` shadows.
 * `requirement` completes the sentence "… needs every example …"; `remedy` says what to do.
 */
export function requireSideCounts(
  data: AttackData,
  counts: Int32Array,
  side: 0 | 1,
  need: number,
  attack: AttackName,
  requirement: string,
  remedy: string,
): void {
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] < need) {
      const word = side === 1 ? 'IN' : 'OUT';
      invalid(
        `example ${i} is ${word} for ${counts[i]} of ${data.shadows.length} shadow models; ${requirement}; ${remedy}.`,
        { attack, example: i, side: word, count: counts[i], needed: need },
      );
    }
  }
}

function median(sorted: Float64Array): number {
  const m = sorted.length;
  const h = m >> 1;
  return m % 2 === 1 ? sorted[h] : 0.5 * (sorted[h - 1] + sorted[h]);
}

/**
 * Fits μ (median) and σ (per example or fixed, floored at `minStd`) for every example and view from
 * the shadows where the example is on `side`. Counts must already have been checked (≥ 1 per example,
 * ≥ 2 for 'per-example').
 */
export function fitSide(
  data: AttackData,
  shadowPhi: readonly Float64Array[][],
  side: 0 | 1,
  variance: LiraVarianceMode,
  minStd: number,
): SideFit {
  const n = data.numExamples;
  const numViews = data.target.views.length;
  const mu = new Float64Array(numViews * n);
  const sigma = new Float64Array(numViews * n);
  const scratch = new Float64Array(data.shadows.length);
  for (let v = 0; v < numViews; v++) {
    let pooledSum = 0;
    let pooledCount = 0;
    for (let i = 0; i < n; i++) {
      let m = 0;
      for (let s = 0; s < data.shadows.length; s++) {
        if (data.shadows[s].inMask[i] === side) scratch[m++] = shadowPhi[s][v][i];
      }
      const values = scratch.subarray(0, m);
      let mean = 0;
      for (let j = 0; j < m; j++) mean += values[j];
      pooledSum += mean;
      pooledCount += m;
      mean /= m;
      if (variance === 'per-example') {
        let ss = 0;
        for (let j = 0; j < m; j++) ss += (values[j] - mean) * (values[j] - mean);
        sigma[v * n + i] = Math.max(Math.sqrt(ss / m), minStd);
      }
      values.sort();
      mu[v * n + i] = median(values);
    }
    if (variance === 'fixed') {
      // Second pass about the grand mean (two-pass variance: no cancellation).
      const grand = pooledSum / pooledCount;
      let ss = 0;
      for (let s = 0; s < data.shadows.length; s++) {
        const mask = data.shadows[s].inMask;
        const phi = shadowPhi[s][v];
        for (let i = 0; i < n; i++) if (mask[i] === side) ss += (phi[i] - grand) * (phi[i] - grand);
      }
      sigma.fill(Math.max(Math.sqrt(ss / pooledCount), minStd), v * n, (v + 1) * n);
    }
  }
  return { mu, sigma };
}

/** The number of shadow models from which the default variance is per example (Carlini et al. 2022, §IV-C). */
const PER_EXAMPLE_VARIANCE_FROM = 64;

/** Resolves the options shared by the online and offline attacks. */
export function resolveLiraOptions(data: AttackData, options: LiraOptions): { variance: LiraVarianceMode; minStd: number } {
  requireOptions('options', options);
  const variance =
    options.variance === undefined
      ? data.shadows.length < PER_EXAMPLE_VARIANCE_FROM
        ? 'fixed'
        : 'per-example'
      : requireOneOf('variance', options.variance, ['fixed', 'per-example'] as const);
  const minStd = options.minStd === undefined ? 1e-6 : requirePositive('minStd', options.minStd);
  return { variance, minStd };
}


/**
 * Per-example scores averaged over the query views, as Carlini et al. 2022 average per-view LiRA
 * scores: `term(phi, j)` scores the target's statistic φ of view v for example i, where j = v·n + i
 * indexes the fitted per-view parameters.
 */
export function meanOverViews(targetPhi: readonly Float64Array[], n: number, term: (phi: number, j: number) => number): Float64Array {
  const numViews = targetPhi.length;
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let v = 0; v < numViews; v++) sum += term(targetPhi[v][i], v * n + i);
    scores[i] = sum / numViews;
  }
  return scores;
}
