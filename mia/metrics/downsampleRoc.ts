/** Thins an ROC curve for plotting on log-log axes, keeping its shape where privacy is decided. */
import type { RocCurve } from './rocCurve.js';
import { invalid, show } from '../../accountant/index.js';
import { requireRoc } from './_internals/validate.js';

/**
 * A subset of the points of `roc`, at most `maxPoints`, spread log-uniformly in FPR, so that the
 * curve keeps its shape on the log-log axes on which membership-inference attacks are compared
 * (Carlini et al. 2022, "Membership Inference Attacks From First Principles", arXiv 2112.03570):
 * a uniform thinning would spend almost every point at high FPR and lose the low-FPR region.
 *
 * The grid runs from the first non-zero FPR (1 / #non-members, unless that first step is a tie)
 * to 1. For each grid value g the last point with FPR ≤ g is kept: the top of the curve at that
 * FPR, so `tprAtFpr` on the result equals `tprAtFpr` on the full curve at every kept FPR and is
 * never larger in between (points are only dropped, never moved). Always kept: (0, 0), the top of
 * the segment at FPR 0, the first point with non-zero FPR, and the last point. The grid is as fine as
 * the budget allows (a grid value that lands on an already kept point costs nothing, which happens
 * often at low FPR, where the curve has few points).
 *
 * @param roc - a curve from `rocCurve`, ordered by non-decreasing FPR.
 * @param maxPoints - the most points to keep, an integer ≥ 4. @defaultValue 400
 * @returns a new curve; a copy of `roc` when it already has ≤ `maxPoints` points.
 * @throws PrivkitError `INVALID_ARGUMENT` when `maxPoints` is not an integer ≥ 4 or `roc` is not a curve.
 * @example
 * ```ts
 * const small = downsampleRoc(rocCurve(scores, isMember)); // ≤ 400 points for the HTML report
 * ```
 */
export function downsampleRoc(roc: RocCurve, maxPoints = 400): RocCurve {
  if (typeof maxPoints !== 'number' || !Number.isInteger(maxPoints) || maxPoints < 4) {
    invalid(`\`maxPoints\` must be an integer ≥ 4; got ${show(maxPoints)}.`, { field: 'maxPoints', value: maxPoints });
  }
  const curve = requireRoc('roc', roc);
  const n = curve.fpr.length;
  if (n <= maxPoints) return pick(curve, Array.from({ length: n }, (_, k) => k));

  const fpr = curve.fpr;
  const firstPositive = fpr.findIndex((f) => f > 0);
  const mandatory = [0, n - 1];
  if (firstPositive > 0) mandatory.push(firstPositive - 1, firstPositive);
  else if (firstPositive < 0) mandatory.push(n - 1); // every FPR is 0: only the top matters.
  const fprMin = firstPositive < 0 ? 0 : fpr[firstPositive];

  // The number of kept points grows (almost always) with the grid size, so search for the largest
  // grid that fits; every accepted grid was checked, so the result never exceeds the budget.
  let best = keptIndices(fpr, mandatory, fprMin, 1, maxPoints) as number[];
  let lo = 1;
  let hi = n;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const kept = keptIndices(fpr, mandatory, fprMin, mid, maxPoints);
    if (kept !== null) {
      best = kept;
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return pick(curve, best);
}

/**
 * Sorted distinct indices: `mandatory` plus, for each of `size` log-spaced FPRs in [fprMin, 1], the
 * last point at or below it; null as soon as there are more than `cap`.
 */
function keptIndices(
  fpr: Float64Array,
  mandatory: readonly number[],
  fprMin: number,
  size: number,
  cap: number,
): number[] | null {
  const keep = new Set<number>(mandatory);
  if (fprMin > 0) {
    const logMin = Math.log(fprMin);
    let k = 0;
    for (let g = 0; g < size; g++) {
      // The first grid value is exactly fprMin and the last exactly 1, free of rounding.
      const target = g === size - 1 ? 1 : g === 0 ? fprMin : Math.exp(logMin * (1 - g / (size - 1)));
      while (k + 1 < fpr.length && fpr[k + 1] <= target) k++;
      keep.add(k);
      if (keep.size > cap) return null;
    }
  }
  return [...keep].sort((a, b) => a - b);
}

function pick(curve: RocCurve, indices: readonly number[]): RocCurve {
  const take = (values: ArrayLike<number>): Float64Array => Float64Array.from(indices, (k) => values[k]);
  return { fpr: take(curve.fpr), tpr: take(curve.tpr), thresholds: take(curve.thresholds) };
}
