/**
 * LiRA's per-example test statistic: the logit-scaled confidence on the true label.
 */
import { rowLiraStatistic } from './_internals/rowLogits.js';
import { invalid, requireArrayLike, show } from '../../accountant/index.js';

/**
 * φ = log(p_y / (1 − p_y)) = log p_y − log Σ_{y'≠y} p_{y'} for p = softmax(logits), the "logit
 * scaling" of Carlini et al. 2022, "Membership Inference Attacks From First Principles" (IEEE S&P,
 * arXiv 2112.03570), §IV-C, which makes the model's confidence approximately Gaussian across shadow
 * models. Computed as z_y − log Σ_{y'≠y} e^{z_{y'}} with the sum shifted by its own maximum: the
 * softmax normaliser cancels and 1 − p_y is never formed, so φ stays exact when p_y → 1 (Carlini's
 * `score.py` takes log(p + 1e-45) instead, which saturates there). Shift-invariant in the logits.
 * @param logits - one row of ≥ 2 finite logits (or log-probabilities).
 * @param label - the true class, 0 ≤ label < logits.length.
 * @returns φ, a finite real for finite logits.
 * @throws PrivkitError `INVALID_ARGUMENT` for `logits` that is not an array of at least 2 finite
 *   numbers, or a label out of range.
 * @example
 * ```ts
 * liraStatistic([Math.log(0.9), Math.log(0.05), Math.log(0.05)], 0); // log(0.9 / 0.1) ≈ 2.197
 * ```
 */
export function liraStatistic(logits: ArrayLike<number>, label: number): number {
  requireArrayLike('logits', logits);
  const k = logits.length;
  if (!(k >= 2)) invalid(`\`logits\` must have at least 2 classes; got ${show(k)}.`, { field: 'logits' });
  for (let c = 0; c < k; c++) {
    const z = logits[c];
    if (typeof z !== 'number' || !Number.isFinite(z)) invalid(`\`logits[${c}]\` must be a finite number; got ${show(z)}.`, { field: 'logits', index: c, value: z });
  }
  if (!Number.isInteger(label) || label < 0 || label >= k) {
    invalid(`\`label\` must be an integer in [0, ${k}); got ${show(label)}.`, { field: 'label', value: label });
  }
  return rowLiraStatistic(logits, 0, k, label);
}
