/**
 * Offline LiRA: Carlini et al. 2022, "Membership Inference Attacks From First Principles" (arXiv
 * 2112.03570), §IV-C, the variant that needs only shadow models trained without the example.
 */
import type { AttackData, AttackResult } from './AttackData.js';
import { validateAttackData } from './validateAttackData.js';
import type { LiraOptions } from './lira.js';
import { requireShadowModels } from './_internals/shadowCount.js';
import { fitSide, meanOverViews, modelStatistics, requireSideCounts, resolveLiraOptions, sideCounts } from './_internals/liraFit.js';
import { logNdtrUpper } from '../../accountant/index.js';

/**
 * Offline LiRA. Per example and view, N(μ_out, σ_out²) is fitted on φ over the shadows trained
 * without the example (μ = median, σ per `variance`) and the target's φ is tested one-sided against
 * it (§IV-C: Λ = 1 − Pr[Z > φ], Z ∼ N(μ_out, σ_out²); a member's φ lies high). With
 * t = (φ − μ_out)/σ_out and the one-sided p-value p = Pr[Z > φ] = 1 − Φ(t), the score is
 * −log p = −log(1 − Φ(t)): an increasing function of t, hence of Λ = Φ(t) (the same ranking as
 * log Φ(t)), that keeps full resolution deep in the member tail, where Φ(t) rounds to 1 beyond t ≈ 8.3
 * but −log p ≈ t²/2 stays exact (computed with erfc / the scaled erfcx). Averaged over views, each view
 * with its own μ, σ, as Carlini's code averages per-augmentation scores.
 * @param data - target and shadow logits; every example must be OUT for ≥ 1 shadow ('per-example'
 *   variance: ≥ 2).
 * @param options - see {@link LiraOptions} (default variance: 'fixed' below 64 shadow models).
 * @returns `{ name: 'lira-offline', scores }`, scores ≥ 0 (−log of a p-value); higher = more likely a member.
 * @throws PrivkitError `INVALID_ARGUMENT` with no shadow model, for an example that is OUT for too few
 *   shadows (naming it), for bad options, and from {@link validateAttackData}.
 * @example
 * ```ts
 * const { scores } = liraOffline(data); // scores[i] = 6.9 ⇔ p-value 0.001 for example i
 * ```
 */
export function liraOffline(data: AttackData, options: LiraOptions = {}): AttackResult {
  validateAttackData(data);
  requireShadowModels('lira-offline', data);
  const { variance, minStd } = resolveLiraOptions(data, options);
  const need = variance === 'per-example' ? 2 : 1;
  const outCounts = sideCounts(data, 0);
  requireSideCounts(
    data,
    outCounts,
    0,
    need,
    'lira-offline',
    variance === 'per-example'
      ? "`variance: 'per-example'` needs every example OUT for at least 2 shadow models"
      : 'offline LiRA needs every example OUT for at least 1 shadow model',
    variance === 'per-example'
      ? "train more shadow models (each example OUT for about half of them) or use `variance: 'fixed'`"
      : 'train more shadow models (each example OUT for about half of them)',
  );
  const shadowPhi = data.shadows.map((s) => modelStatistics(s.logits.views, data));
  const fitOut = fitSide(data, shadowPhi, 0, variance, minStd);
  const targetPhi = modelStatistics(data.target.views, data);
  const scores = meanOverViews(targetPhi, data.numExamples, (phi, j) => -logNdtrUpper((phi - fitOut.mu[j]) / fitOut.sigma[j]));
  return { name: 'lira-offline', scores };
}
