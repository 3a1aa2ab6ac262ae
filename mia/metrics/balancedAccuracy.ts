/** Balanced accuracy of the best threshold of a membership-inference attack. */
import type { RocCurve } from './rocCurve.js';
import { requireRoc } from './_internals/validate.js';

/**
 * The balanced accuracy of the best threshold: max over the ROC points of (TPR + (1 − FPR)) / 2, the
 * mean of the accuracies on members and on non-members, which equals ½ + advantage / 2 (see
 * `membershipAdvantage`, Yeom et al. 2018). It is the attack accuracy the LiRA evaluation reports
 * (Carlini et al. 2022, arXiv 2112.03570; tensorflow/privacy `research/mi_lira_2021/plot.py`:
 * `np.max(1 - (fpr + (1 - tpr)) / 2)`), and does not depend on the ratio of members to
 * non-members. Like the advantage, the threshold is chosen with the labels in hand.
 *
 * @param roc - a curve from `rocCurve`.
 * @returns balanced accuracy in [0.5, 1] for a curve that contains (0, 0).
 * @throws PrivkitError `INVALID_ARGUMENT` when `roc` is not a curve.
 * @example
 * ```ts
 * balancedAccuracy(rocCurve([0.9, 0.8, 0.8, 0.1], [1, 0, 1, 0])); // 0.75
 * ```
 */
export function balancedAccuracy(roc: RocCurve): number {
  const curve = requireRoc('roc', roc);
  let best = -Infinity;
  for (let k = 0; k < curve.fpr.length; k++) best = Math.max(best, (curve.tpr[k] + (1 - curve.fpr[k])) / 2);
  return best;
}
