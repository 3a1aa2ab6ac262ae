/** Area under the ROC curve of a membership-inference attack, computed exactly. */
import { aucFromSplit, splitScores } from './_internals/tieGroups.js';

/**
 * The area under the empirical ROC curve, as the Mann–Whitney statistic: the fraction of
 * (member, non-member) pairs in which the member scores higher, a tie counting ½ (Hanley & McNeil
 * 1982, "The meaning and use of the area under a ROC curve", Radiology 143:29–36). It equals the
 * trapezoid area under `rocCurve`, including its diagonal tie segments. O(n log n): one sort per
 * class and one pass over the tie groups.
 *
 * AUC summarises the whole curve and says little about the low-FPR region that matters for privacy
 * (Carlini et al. 2022, arXiv 2112.03570); report it next to `tprAtFpr`.
 *
 * @param scores - one attack score per example; higher = more likely a member; no NaN.
 * @param isMember - `true`/`1` for members, `false`/`0` for non-members; same length as `scores`.
 * @returns AUC in [0, 1]: 1 = every member outscores every non-member, 0.5 = chance, 0 = reversed.
 * @throws PrivkitError `INVALID_ARGUMENT` on the same inputs as `rocCurve`.
 * @example
 * ```ts
 * auc([0.9, 0.8, 0.8, 0.1], [1, 0, 1, 0]); // 0.875: pairs 1 + 1 + ½ + 1 out of 4
 * ```
 */
export function auc(scores: ArrayLike<number>, isMember: ArrayLike<boolean | number>): number {
  return aucFromSplit(splitScores(scores, isMember));
}
