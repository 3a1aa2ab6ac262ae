/**
 * The exact empirical ROC curve of a membership-inference attack: every (FPR, TPR) pair that a
 * threshold on the attack's score can reach, without smoothing or interpolation.
 */
import { rocFromSplit, splitScores } from './_internals/tieGroups.js';

/**
 * An ROC curve as three parallel arrays, one entry per point, ordered by decreasing threshold (so
 * FPR and TPR are non-decreasing). Point k is what the rule "predict member when score ≥
 * `thresholds[k]`" achieves; `thresholds[0]` is `+Infinity` and stands for "predict no one" (0, 0).
 */
export interface RocCurve {
  /** False-positive rate: the fraction of non-members predicted member. */
  readonly fpr: Float64Array;
  /** True-positive rate: the fraction of members predicted member. */
  readonly tpr: Float64Array;
  /** The score threshold of each point; strictly decreasing after the first. */
  readonly thresholds: Float64Array;
}

/**
 * The exact empirical ROC curve: scores sorted descending, one point per distinct score, from (0, 0)
 * at threshold `+Infinity` to (1, 1) at the lowest score. Examples with equal scores change
 * prediction together, so a tie between members and non-members is a single diagonal step, not a
 * staircase that depends on the input order (Fawcett 2006, "An introduction to ROC analysis",
 * Pattern Recognition Letters 27:861–874). Higher score = more likely a member. `±Infinity` scores
 * are allowed; a `+Infinity` score gives a second point with threshold `+Infinity`.
 *
 * @param scores - one attack score per example; no NaN.
 * @param isMember - `true`/`1` for members, `false`/`0` for non-members; same length as `scores`.
 * @returns the curve, with at most `scores.length + 1` points.
 * @throws PrivkitError `INVALID_ARGUMENT` when the lengths differ, a score is NaN (the message names
 *   the first such index), an `isMember` entry is not true/false/1/0, or there is not at least one
 *   member and one non-member.
 * @example
 * ```ts
 * const roc = rocCurve([0.9, 0.8, 0.8, 0.1], [1, 0, 1, 0]);
 * // roc.fpr = [0, 0, 0.5, 1], roc.tpr = [0, 0.5, 1, 1], roc.thresholds = [Infinity, 0.9, 0.8, 0.1]
 * ```
 */
export function rocCurve(scores: ArrayLike<number>, isMember: ArrayLike<boolean | number>): RocCurve {
  return rocFromSplit(splitScores(scores, isMember));
}
