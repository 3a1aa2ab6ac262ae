/**
 * Exposure of a canary by its rank among all candidates (Carlini, Liu, Erlingsson, Kos & Song 2019,
 * "The Secret Sharer: Evaluating and Testing Unintended Memorization in Neural Networks", USENIX
 * Security, §4: the rank and exposure definitions, and their exact computation by enumeration).
 */
import type { CandidateScorer, SlotScorer } from './CandidateScorer.js';
import { canaryIndex, type CanaryFormat } from './CanaryFormat.js';
import { enumerateLogPerplexities } from './_internals/enumerate.js';
import { resolveScorer } from './_internals/scoring.js';
import { slotLayout } from './_internals/slotLayout.js';
import { check, invalid } from '../../accountant/index.js';
import { positiveIntegerOption } from './_internals/options.js';

/** The exposure of a secret by rank; see {@link exposureByInterpolation}. */
export interface InterpolationExposure {
  /** log₂|R| − log₂ rank, in bits; 0 when every candidate is at least as likely, log₂|R| at rank 1. */
  readonly exposure: number;
  /**
   * #{r′ ∈ R : Px(s[r′]) ≤ Px(s[r])}, the secret itself included (the paper's rank), so ≥ 1; equal
   * log-perplexities count against the secret.
   */
  readonly rank: number;
  /** Other candidates whose log-perplexity equals the secret's exactly; the best-case rank is `rank − ties`. */
  readonly ties: number;
  /** log₂|R|. */
  readonly log2SpaceSize: number;
}

/** The exposure of a secret by enumerating its format; see {@link exposureAll}. */
export interface ExposureAllResult extends InterpolationExposure {
  /** The secret's log-perplexity in bits, as scored within the enumeration (see `method`). */
  readonly targetLogPerplexity: number;
  /**
   * `'slotTree'`: chain rule through `nextSymbolLogProbs`, log-perplexities without the prefix's term;
   * `'candidateScorer'`: `logPerplexity` of each whole canary.
   */
  readonly method: 'slotTree' | 'candidateScorer';
  /** Texts scored (`candidateScorer`) or next-character rows asked for (`slotTree`). */
  readonly evaluations: number;
}

/** Options of {@link exposureAll}. */
export interface ExposureAllOptions {
  /**
   * Texts per `logPerplexity` call, or prefixes per `nextSymbolLogProbs` call.
   * @defaultValue 1024
   */
  readonly batchSize?: number;
  /**
   * Largest |R| enumerated; beyond it use `exposureByExtrapolation`. The log-perplexities are kept
   * as one Float64Array of |R| entries (8 MB at 10⁶).
   * @defaultValue 1 000 000
   */
  readonly maxSpaceSize?: number;
  /**
   * Walk the slot tree through `nextSymbolLogProbs` when the scorer implements {@link SlotScorer};
   * `false` scores whole canaries with `logPerplexity` even then.
   * @defaultValue true
   */
  readonly useSlotScorer?: boolean;
  /** Called after each batch with the candidates scored so far and |R|. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Exposure by rank (Carlini et al. 2019, §4): with Px the log-perplexity,
 *
 *   rank(s[r]) = |{r′ ∈ R : Px(s[r′]) ≤ Px(s[r])}|        (rank)
 *   exposure(s[r]) = log₂|R| − log₂ rank(s[r])            (exposure)
 *
 * `allCandidateLogPerplexities` is the whole space R, the secret included, so |R| is its length and
 * the secret's own entry counts in its rank. Ties follow the rank's ≤: a candidate exactly as
 * likely as the secret ranks it lower (the conservative convention; exposure is never overstated).
 * The best-case rank, ties in the secret's favour, is `rank − ties` = 1 + #{strictly lower}. The rank
 * is floored at 1, so a list that lacks the secret's own entry and has nothing lower still gives
 * rank 1 rather than log₂ 0. (Given a random sample of R instead of all of it, this is the
 * "interpolation" estimate; {@link exposureAll} enumerates R exactly.)
 *
 * @param targetLogPerplexity - Px of the secret, in bits (any consistent unit works for the rank).
 * @param allCandidateLogPerplexities - Px of every candidate in R, the secret included; non-empty, no NaN.
 * @returns exposure, rank, ties and log₂|R| = log₂(length).
 * @throws PrivkitError `INVALID_ARGUMENT` when the list is empty or a value is NaN.
 * @example
 * ```ts
 * exposureByInterpolation(2, [5, 2, 9, 2, 7, 1, 8, 6]); // rank 3 (1, 2, 2), ties 1, exposure log₂8 − log₂3 ≈ 1.415
 * ```
 */
export function exposureByInterpolation(
  targetLogPerplexity: number,
  allCandidateLogPerplexities: ArrayLike<number>,
): InterpolationExposure {
  const n = allCandidateLogPerplexities?.length;
  check(
    typeof n === 'number' && n >= 1,
    () => '`allCandidateLogPerplexities` must be a non-empty list of log-perplexities (all of R, the secret included).',
  );
  check(!Number.isNaN(targetLogPerplexity) && typeof targetLogPerplexity === 'number', () => `\`targetLogPerplexity\` must be a number; got ${targetLogPerplexity}.`);
  let atMost = 0;
  let equal = 0;
  for (let i = 0; i < n; i++) {
    const v = allCandidateLogPerplexities[i];
    if (Number.isNaN(v)) throw invalid(`\`allCandidateLogPerplexities\` must not contain NaN; got NaN at index ${i}.`);
    if (v <= targetLogPerplexity) {
      atMost++;
      if (v === targetLogPerplexity) equal++;
    }
  }
  const rank = Math.max(1, atMost);
  const log2SpaceSize = Math.log2(n);
  return { exposure: log2SpaceSize - Math.log2(rank), rank, ties: Math.max(0, equal - 1), log2SpaceSize };
}

/**
 * Exact exposure of `secret` by scoring every candidate of its format (Carlini et al. 2019, §4:
 * exposure computed exactly by enumerating R), rank and ties as in {@link exposureByInterpolation}
 * with log₂|R| = `format.log2SpaceSize`. The secret's log-perplexity is taken from the same
 * enumeration, so its own entry always counts once.
 *
 * Two ways to score, chosen by the scorer:
 * - SlotScorer (default when implemented): walks the tree of slot characters depth first with the
 *   chain rule, each tree edge weighing −log₂ Pr(character | prefix so far). The scorer is asked for
 *   Σᵢ Nᵢ next-character rows (Nᵢ = number of distinct canary prefixes at character i after the
 *   format's prefix, the product of the alphabet sizes before it), about |R|·(1 + 1/|alphabet| + …)
 *   plus |R| per fixed character after the last slot, instead of |R|·(characters after the prefix)
 *   per-character evaluations; shared prefixes are scored once. Pending prefixes stay within about
 *   depth·batchSize·|alphabet| strings.
 * - CandidateScorer: streams the candidates in index order, `batchSize` strings at a time (no more
 *   strings are held), one `logPerplexity` call per batch.
 *
 * @param format - a parsed format with |R| ≤ `maxSpaceSize`.
 * @param scorer - the model under test.
 * @param secret - the inserted canary, prefix included.
 * @param options - see {@link ExposureAllOptions}.
 * @returns the exact exposure, the secret's log-perplexity and the work done.
 * @throws PrivkitError `INVALID_ARGUMENT` when |R| > `maxSpaceSize` (use `exposureByExtrapolation`),
 *   when `secret` does not match `format`, for bad options, and when the scorer returns malformed
 *   values (wrong length, NaN, rows that are not base-2 log-probabilities, a format character
 *   missing from `vocabulary`).
 * @example
 * ```ts
 * const format = parseCanaryFormat('my pin is {d6}');
 * const { exposure, rank } = await exposureAll(format, languageModel, 'my pin is 281265');
 * ```
 */
export async function exposureAll(
  format: CanaryFormat,
  scorer: CandidateScorer | SlotScorer,
  secret: string,
  options: ExposureAllOptions = {},
): Promise<ExposureAllResult> {
  slotLayout(format); // checks that `format` is a parsed CanaryFormat
  const batchSize = positiveIntegerOption(options.batchSize, 'batchSize', 1024);
  const maxSpaceSize = positiveIntegerOption(options.maxSpaceSize, 'maxSpaceSize', 1_000_000);
  if (!(format.spaceSize <= maxSpaceSize)) {
    throw invalid(
      `\`format\` ${JSON.stringify(format.format)} has |R| = ${format.spaceSize.toPrecision(4)} candidates ` +
        `(log₂|R| = ${format.log2SpaceSize.toFixed(2)}), more than \`maxSpaceSize\` = ${maxSpaceSize} can enumerate; ` +
        'use exposureByExtrapolation.',
    );
  }
  const index = Number(canaryIndex(format, secret));
  const resolved = resolveScorer(scorer, options.useSlotScorer ?? true);
  const { logPerplexities, evaluations } = await enumerateLogPerplexities(format, resolved, batchSize, options.onProgress);
  const targetLogPerplexity = logPerplexities[index];
  const { rank, ties } = exposureByInterpolation(targetLogPerplexity, logPerplexities);
  return {
    exposure: format.log2SpaceSize - Math.log2(rank),
    rank,
    ties,
    log2SpaceSize: format.log2SpaceSize,
    targetLogPerplexity,
    method: resolved.kind === 'slot' ? 'slotTree' : 'candidateScorer',
    evaluations,
  };
}
