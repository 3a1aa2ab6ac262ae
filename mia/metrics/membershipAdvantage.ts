/** Yeom et al.'s membership advantage of a threshold attack. */
import type { RocCurve } from './rocCurve.js';
import { requireRoc } from './_internals/validate.js';

/**
 * The membership advantage of the best threshold: max over the ROC points of TPR − FPR (Yeom et al.
 * 2018, "Privacy Risk in Machine Learning: Analyzing the Connection to Overfitting", IEEE CSF,
 * arXiv 1709.01604, where the advantage of an adversary is Pr[says member | member] −
 * Pr[says member | non-member]). It is the largest vertical gap between the ROC curve and the
 * diagonal (Youden's J). Only points of the curve are considered: each is achievable by one
 * deterministic threshold, and a tie segment's interior is never better than its ends.
 *
 * The threshold is picked after seeing the membership labels, so on a finite sample this is an
 * optimistic estimate of the advantage of a fixed threshold.
 *
 * @param roc - a curve from `rocCurve`.
 * @returns advantage in [0, 1]; 0 for an attack no better than chance or worse (the (0, 0) point
 *   always qualifies, and a reversed attack is not flipped).
 * @throws PrivkitError `INVALID_ARGUMENT` when `roc` is not a curve.
 * @example
 * ```ts
 * membershipAdvantage(rocCurve([0.9, 0.8, 0.8, 0.1], [1, 0, 1, 0])); // 0.5
 * ```
 */
export function membershipAdvantage(roc: RocCurve): number {
  const curve = requireRoc('roc', roc);
  let best = -Infinity;
  for (let k = 0; k < curve.fpr.length; k++) best = Math.max(best, curve.tpr[k] - curve.fpr[k]);
  return best;
}
