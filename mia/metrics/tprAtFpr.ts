/** The true-positive rate an attack reaches at a fixed, low false-positive rate. */
import type { RocCurve } from './rocCurve.js';
import { requireFraction } from '../../accountant/index.js';
import { requireRoc } from './_internals/validate.js';

/**
 * The TPR at a target FPR: the largest TPR among the ROC points whose FPR is ≤ `fpr`. No
 * interpolation: each point of an empirical ROC curve is the outcome of one deterministic threshold,
 * so this is a TPR an attacker can actually reach while keeping the FPR within the target. A tie
 * block whose diagonal straddles the target (it starts below it and ends above) is not counted, since
 * taking the block means exceeding the target FPR; interpolating along it would credit a randomised
 * threshold, and would report a higher TPR than any threshold achieves. The result is therefore
 * conservative and never depends on the order of tied inputs.
 *
 * This is the convention of the LiRA evaluation code (Carlini et al. 2022, "Membership Inference
 * Attacks From First Principles", arXiv 2112.03570; tensorflow/privacy
 * `research/mi_lira_2021/plot.py`: `tpr[np.where(fpr < x)[0][-1]]`), except that a point exactly
 * at the target FPR counts here (≤, not <): that threshold meets the target.
 *
 * @param roc - a curve from `rocCurve` (or `downsampleRoc`, on which the result is ≤ the
 *   full curve's, equal at the FPRs it kept).
 * @param fpr - the target false-positive rate, in [0, 1].
 * @returns TPR in [0, 1]; 0 when only the (0, 0) point qualifies.
 * @throws PrivkitError `INVALID_ARGUMENT` when `fpr` is outside [0, 1] or NaN, or `roc` is not a
 *   curve (unequal lengths, values outside [0, 1], FPR or TPR decreasing).
 * @example
 * ```ts
 * const roc = rocCurve(scores, isMember);
 * tprAtFpr(roc, 0.001); // TPR at 0.1% FPR
 * ```
 */
export function tprAtFpr(roc: RocCurve, fpr: number): number {
  const target = requireFraction('fpr', fpr);
  const curve = requireRoc('roc', roc);
  let best = 0;
  for (let k = 0; k < curve.fpr.length; k++) {
    if (curve.fpr[k] <= target && curve.tpr[k] > best) best = curve.tpr[k];
  }
  return best;
}
