/**
 * Exposure by extrapolation (Carlini, Liu, Erlingsson, Kos & Song 2019, "The Secret Sharer", USENIX
 * Security, §4, estimating exposure by fitting a skew-normal to the log-perplexities of random
 * candidates): for spaces too large to enumerate, and for exposures beyond what a sample's ranks
 * resolve (a sample of k resolves at most log₂ k bits).
 */
import type { CandidateScorer, SlotScorer } from './CandidateScorer.js';
import { canaryIndex, randomCanary, type CanaryFormat } from './CanaryFormat.js';
import { chainRuleLogPerplexities, resolveScorer, scoreTexts } from './_internals/scoring.js';
import { fitSkewNormal, skewNormalLogCdf, type FitSkewNormalOptions, type SkewNormalFit } from './skewNormal.js';
import { check, seededUniform } from '../../accountant/index.js';
import { positiveIntegerOption } from './_internals/options.js';

/** An extrapolated exposure; see {@link extrapolateExposure}. */
export interface ExtrapolatedExposure {
  /** −log₂ F(Px(secret)), F the fitted skew-normal cdf; in bits, ≥ 0. */
  readonly exposure: number;
  /** The secret's log-perplexity in bits. */
  readonly targetLogPerplexity: number;
  /** The skew-normal fitted to the samples' log-perplexities. */
  readonly fit: SkewNormalFit;
  /** Number of random candidates fitted (= `fit.sampleCount`). */
  readonly sampleCount: number;
  /** KS distance between the samples and the fit (= `fit.ksStatistic`); ≲ 1.36/√n is a good fit. */
  readonly ksStatistic: number;
}

/** The exposure of a secret estimated from random candidates; see {@link exposureByExtrapolation}. */
export interface ExposureByExtrapolationResult extends ExtrapolatedExposure {
  /** log₂|R|: an exposure near or above it means the secret is the most likely candidate or close to it. */
  readonly log2SpaceSize: number;
  /** `'slotTree'`: chain rule through `nextSymbolLogProbs`; `'candidateScorer'`: `logPerplexity`. */
  readonly method: 'slotTree' | 'candidateScorer';
  /** Texts scored (`candidateScorer`) or next-character rows asked for (`slotTree`). */
  readonly evaluations: number;
}

/** Options of {@link exposureByExtrapolation}. */
export interface ExposureByExtrapolationOptions extends FitSkewNormalOptions {
  /**
   * Random candidates drawn uniformly from R (with replacement; the secret may be drawn).
   * @defaultValue 10 000
   */
  readonly samples?: number;
  /**
   * Seed of the mulberry32 generator that draws the candidates.
   * @defaultValue 0
   */
  readonly seed?: number;
  /**
   * Texts per `logPerplexity` call, or prefixes per `nextSymbolLogProbs` call.
   * @defaultValue 1024
   */
  readonly batchSize?: number;
  /**
   * Score through `nextSymbolLogProbs` (chain rule, one row per character) even when the scorer also
   * implements `logPerplexity`. Off by default: whole-canary scoring is one evaluation per text.
   * @defaultValue false
   */
  readonly useSlotScorer?: boolean;
}

/**
 * Exposure from a fitted distribution: fits a skew-normal F to `sampleLogPerplexities` (the
 * log-perplexities of candidates drawn uniformly from R) and returns −log₂ F(target), the estimated
 * −log₂ of the fraction of R at least as likely as the secret — the continuous counterpart of
 * log₂|R| − log₂ rank. The cdf is evaluated in log space ({@link skewNormalLogCdf}), so an exposure
 * of 40 or 400 bits does not underflow to Infinity. An extrapolated exposure may exceed log₂|R|; it
 * is only as good as the fit (check `ksStatistic`, and that the samples' lower tail looks skew-normal).
 *
 * @param targetLogPerplexity - the secret's log-perplexity, finite, in the samples' unit (bits).
 * @param sampleLogPerplexities - ≥ 10 finite log-perplexities of random candidates.
 * @param options - `maxShape` of the fit; see {@link FitSkewNormalOptions}.
 * @returns the exposure in bits with the fit and its KS distance.
 * @throws PrivkitError `INVALID_ARGUMENT` for a non-finite target and as {@link fitSkewNormal}.
 * @example
 * ```ts
 * const { exposure, ksStatistic } = extrapolateExposure(12.3, sampleLogPerplexities);
 * ```
 */
export function extrapolateExposure(
  targetLogPerplexity: number,
  sampleLogPerplexities: ArrayLike<number>,
  options: FitSkewNormalOptions = {},
): ExtrapolatedExposure {
  check(Number.isFinite(targetLogPerplexity), () => `\`targetLogPerplexity\` must be finite; got ${targetLogPerplexity}.`);
  const fit = fitSkewNormal(sampleLogPerplexities, options);
  const exposure = Math.max(0, -skewNormalLogCdf(targetLogPerplexity, fit) / Math.LN2);
  return { exposure, targetLogPerplexity, fit, sampleCount: fit.sampleCount, ksStatistic: fit.ksStatistic };
}

/**
 * Exposure of `secret` by extrapolation (Carlini et al. 2019, §4): draws `samples` candidates
 * uniformly from R with a seeded generator, scores them and the secret with the same scorer, fits a
 * skew-normal to the candidates' log-perplexities and returns −log₂ F(Px(secret)) via
 * {@link extrapolateExposure}. Cost: `samples` + 1 scored texts; nothing is enumerated, so any |R| works.
 *
 * @param format - a parsed format.
 * @param scorer - the model under test.
 * @param secret - the inserted canary, prefix included.
 * @param options - see {@link ExposureByExtrapolationOptions}.
 * @returns the exposure in bits, the fit, its KS distance, log₂|R| and the work done.
 * @throws PrivkitError `INVALID_ARGUMENT` when `secret` does not match `format`, for bad options, when
 *   the scorer returns malformed values, and as {@link fitSkewNormal} (e.g. a non-finite log-perplexity).
 * @example
 * ```ts
 * const format = parseCanaryFormat('my card is {d16}');
 * const { exposure, ksStatistic } = await exposureByExtrapolation(format, languageModel, secret, { samples: 10_000, seed: 1 });
 * ```
 */
export async function exposureByExtrapolation(
  format: CanaryFormat,
  scorer: CandidateScorer | SlotScorer,
  secret: string,
  options: ExposureByExtrapolationOptions = {},
): Promise<ExposureByExtrapolationResult> {
  const samples = positiveIntegerOption(options.samples, 'samples', 10_000);
  check(samples >= 10, () => `\`samples\` must be at least 10; got ${samples}.`);
  const batchSize = positiveIntegerOption(options.batchSize, 'batchSize', 1024);
  const seed = options.seed ?? 0;
  check(Number.isSafeInteger(seed), () => `\`seed\` must be an integer; got ${seed}.`);
  canaryIndex(format, secret);
  const resolved = resolveScorer(scorer, options.useSlotScorer ?? false);
  const random = seededUniform(seed);

  const values = new Float64Array(samples + 1); // [secret, samples…]
  let evaluations = 0;
  for (let start = 0; start <= samples; start += batchSize) {
    const end = Math.min(samples + 1, start + batchSize);
    const texts: string[] = [];
    for (let i = start; i < end; i++) texts.push(i === 0 ? secret : randomCanary(format, random).secret);
    if (resolved.kind === 'candidate') {
      values.set(await scoreTexts(resolved.scorer, texts), start);
      evaluations += texts.length;
    } else {
      values.set(await chainRuleLogPerplexities(format, resolved.scorer, texts, batchSize), start);
      evaluations += texts.length * (format.length - Array.from(format.prefix).length);
    }
  }
  const result = extrapolateExposure(values[0], values.subarray(1), options);
  return {
    ...result,
    log2SpaceSize: format.log2SpaceSize,
    method: resolved.kind === 'slot' ? 'slotTree' : 'candidateScorer',
    evaluations,
  };
}
