/**
 * The loss-threshold attack of Yeom, Giacomelli, Fredrikson & Jha, "Privacy Risk in Machine
 * Learning: Analyzing the Connection to Overfitting", IEEE CSF 2018, §3 (the threshold adversary:
 * predict "member" when the target's loss on the example is small).
 */
import type { AttackData, AttackResult } from './AttackData.js';
import { validateAttackData } from './validateAttackData.js';
import { requireShadowModels } from './_internals/shadowCount.js';
import { rowLogSoftmax } from './_internals/rowLogits.js';

/**
 * Scores each example by the target model's negative cross-entropy loss on it,
 * score_i = −mean_v ℓ_v(i) with ℓ_v(i) = −log softmax(z_v,i)_{y_i} = log Σ_c e^{z_c} − z_{y_i}
 * (Yeom et al. 2018, §3), computed with a max-shifted log-sum-exp so no logit overflows. Lower loss →
 * higher score → more likely a member. Reads no shadow models.
 * @param data - the attack input; only `target`, `labels` are read.
 * @returns `{ name: 'loss', scores }`, scores ≤ 0.
 * @throws PrivkitError `INVALID_ARGUMENT` from {@link validateAttackData}.
 * @example
 * ```ts
 * const { scores } = lossAttack({
 *   numExamples: 1, numClasses: 2, labels: Int32Array.of(0),
 *   target: { views: [Float32Array.of(Math.log(3), 0)] }, shadows: [],
 * });
 * // scores[0] = log(3/4)
 * ```
 */
export function lossAttack(data: AttackData): AttackResult {
  validateAttackData(data);
  requireShadowModels('loss', data);
  const { numExamples: n, numClasses: k, labels } = data;
  const views = data.target.views;
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (const z of views) sum += rowLogSoftmax(z, i * k, k, labels[i]);
    scores[i] = sum / views.length;
  }
  return { name: 'loss', scores };
}
