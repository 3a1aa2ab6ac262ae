/**
 * Online LiRA: Carlini, Chien, Nasr, Song, Terzis & Tramèr, "Membership Inference Attacks From First
 * Principles", IEEE S&P 2022 (arXiv 2112.03570), Algorithm 1 and §IV-C.
 */
import type { AttackData, AttackResult } from './AttackData.js';
import { validateAttackData } from './validateAttackData.js';
import { requireShadowModels } from './_internals/shadowCount.js';
import { fitSide, meanOverViews, modelStatistics, requireSideCounts, resolveLiraOptions, sideCounts } from './_internals/liraFit.js';
import { logNormalPdf } from '../../accountant/index.js';

/** Options of {@link lira} and {@link liraOffline}. */
export interface LiraOptions {
  /**
   * How σ is estimated. 'per-example': the standard deviation (about the mean, divisor m as numpy's
   * `np.std`) of φ over the shadows where the example is IN (resp. OUT); needs ≥ 2 per side.
   * 'fixed': one σ per side and view, the standard deviation of all examples' IN (resp. OUT) φ values
   * pooled, as Carlini's reference code with `fix_variance=True` (which, in its online variant, also
   * reuses the IN σ for OUT; here OUT gets its own). The paper (§IV-C) uses the fixed variance when
   * there are few shadow models.
   * @defaultValue 'fixed' with fewer than 64 shadow models, else 'per-example' (Carlini et al. 2022, §IV-C).
   */
  readonly variance?: 'fixed' | 'per-example';
  /**
   * Floor on every σ, so that a σ of 0 (identical φ across shadows, or a single value pooled) gives
   * large but finite scores instead of NaN or ±Infinity. Carlini's code adds 1e-30 to σ, which can
   * still overflow the squared z-score; 1e-6 is about float32's resolution of φ.
   * @defaultValue 1e-6
   */
  readonly minStd?: number;
}

/**
 * Online LiRA. Per example and view, φ = {@link liraStatistic} of the target's logits; from the
 * shadows, N(μ_in, σ_in²) fitted on the models trained with the example and N(μ_out, σ_out²) on those
 * trained without it (μ = median, σ per `variance`). The score is the log likelihood ratio
 * (Algorithm 1, line "Λ = p(conf_obs | N(μ_in, σ_in²)) / p(conf_obs | N(μ_out, σ_out²))"):
 * log N(φ; μ_in, σ_in) − log N(φ; μ_out, σ_out), averaged over the query views (each view with its
 * own μ, σ), as Carlini's code averages the per-augmentation scores (`score.mean(1)`).
 * @param data - target and shadow logits; every example must be IN for ≥ 1 shadow and OUT for ≥ 1
 *   ('per-example' variance: ≥ 2 each).
 * @param options - see {@link LiraOptions}.
 * @returns `{ name: 'lira', scores }`; higher = more likely a member.
 * @throws PrivkitError `INVALID_ARGUMENT` with fewer than 2 shadow models, for an example lacking IN
 *   or OUT shadows (naming it), for bad options, and from {@link validateAttackData}.
 * @example
 * ```ts
 * const { scores } = lira(data); // data: AttackData with ≥ 2 shadows, each example IN for about half
 * ```
 */
export function lira(data: AttackData, options: LiraOptions = {}): AttackResult {
  validateAttackData(data);
  requireShadowModels('lira', data);
  const { variance, minStd } = resolveLiraOptions(data, options);
  const need = variance === 'per-example' ? 2 : 1;
  const requirement =
    variance === 'per-example'
      ? "`variance: 'per-example'` needs every example IN for at least 2 shadow models and OUT for at least 2"
      : 'online LiRA needs every example IN for at least 1 shadow model and OUT for at least 1';
  const remedy =
    variance === 'per-example'
      ? "train more shadow models (each example IN for about half of them) or use `variance: 'fixed'`"
      : 'train more shadow models (each example IN for about half of them), or use lira-offline';
  const inCounts = sideCounts(data, 1);
  const outCounts = sideCounts(data, 0);
  requireSideCounts(data, inCounts, 1, need, 'lira', requirement, remedy);
  requireSideCounts(data, outCounts, 0, need, 'lira', requirement, remedy);

  const shadowPhi = data.shadows.map((s) => modelStatistics(s.logits.views, data));
  const fitIn = fitSide(data, shadowPhi, 1, variance, minStd);
  const fitOut = fitSide(data, shadowPhi, 0, variance, minStd);
  const targetPhi = modelStatistics(data.target.views, data);
  const scores = meanOverViews(targetPhi, data.numExamples, (phi, j) =>
    logNormalPdf(phi, fitIn.mu[j], fitIn.sigma[j]) - logNormalPdf(phi, fitOut.mu[j], fitOut.sigma[j]),
  );
  return { name: 'lira', scores };
}
