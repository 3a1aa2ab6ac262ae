/**
 * Row-wise log-space arithmetic on logits, in float64, for the attacks' per-example statistics.
 *
 * A row is `numClasses` logits starting at `offset` in a flat view (`views[v][i * numClasses + c]`).
 * Every log-sum-exp is shifted by the row's maximum so that no exponential overflows (privkit's
 * `logSumExp`), and the LiRA statistic never forms 1 − p_y (which cancels catastrophically when
 * p_y → 1).
 */
import { logSumExp } from '../../../accountant/index.js';

/** log Σ_c exp(z[offset + c]) over c < k, max-shifted. */
export function rowLogSumExp(z: ArrayLike<number>, offset: number, k: number): number {
  return logSumExp(z, offset, offset + k);
}

/** log softmax(z)_y = z_y − log Σ_c exp z_c. */
export function rowLogSoftmax(z: ArrayLike<number>, offset: number, k: number, y: number): number {
  return z[offset + y] - rowLogSumExp(z, offset, k);
}

/**
 * φ = log p_y − log Σ_{c≠y} p_c = z_y − log Σ_{c≠y} exp z_c (the softmax normaliser cancels; Carlini
 * et al. 2022, "Membership Inference Attacks From First Principles", §4.2 "logit scaling").
 * Shifted by the maximum over c ≠ y, so it is exact when p_y → 1 (no 1 − p_y is formed).
 */
export function rowLiraStatistic(z: ArrayLike<number>, offset: number, k: number, y: number): number {
  let m = -Infinity;
  for (let c = 0; c < k; c++) if (c !== y && z[offset + c] > m) m = z[offset + c];
  let s = 0;
  for (let c = 0; c < k; c++) if (c !== y) s += Math.exp(z[offset + c] - m);
  return z[offset + y] - (m + Math.log(s));
}
