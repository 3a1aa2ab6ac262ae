/**
 * What a language model must offer to be tested for canary memorisation: the log-perplexity of whole
 * candidate canaries and, optionally, next-character distributions. Implemented by the character
 * language model (tfjs) elsewhere; everything in privkit/mia/canary depends only on these interfaces.
 */

/**
 * Scores whole canaries. Carlini et al. 2019 ("The Secret Sharer", USENIX Security, §4)
 * define the log-perplexity of a sequence x₁…x_n under a model f_θ as
 *
 *   Px_θ(x₁…x_n) = −log₂ Pr(x₁…x_n | f_θ) = Σᵢ −log₂ Pr(xᵢ | f_θ(x₁…x_{i−1})),
 *
 * in bits. privkit scores the full filled canary: each text passed in is prefix + filling (e.g.
 * `"my pin is 281265"`) and the returned value is the sum over its characters of −log₂ Pr(xᵢ | x_{<i})
 * — with or without the prefix's own characters, as the implementation chooses. Both are correct:
 * the prefix's term −log₂ Pr(prefix) is the same for every candidate of a format, so it cancels in
 * every rank, in interpolated exposure, and in extrapolated exposure (it only shifts the fitted
 * location). An implementation must score every text the same way, and deterministically enough that
 * two scorings of the same text agree (batching must not change the value beyond float rounding).
 *
 * @example
 * ```ts
 * const scorer: CandidateScorer = {
 *   async logPerplexity(texts) { return Float64Array.from(texts, (t) => model.bitsOf(t)); },
 * };
 * ```
 */
export interface CandidateScorer {
  /**
   * @param texts - filled canaries, prefix included, all of one format.
   * @returns one log-perplexity in bits per text, in order; +Infinity for a zero-probability text; never NaN.
   */
  logPerplexity(texts: readonly string[]): Promise<Float64Array>;
}

/**
 * Next-character distributions: the fast path for exact enumeration (`exposureAll` walks the tree of
 * slot characters with the chain rule) and for extraction (`extractSecret` beam search). Conditioning
 * on a prefix string p, row[j] = log₂ Pr(next character = vocabulary[j] | p). The empty string asks for
 * the first character's distribution. Scoring a canary through this interface with the chain rule
 * gives Σ −log₂ Pr(xᵢ | x_{<i}) over the characters after the format's prefix, i.e. the
 * {@link CandidateScorer} value without the prefix's term.
 *
 * Values are base-2 logarithms: each row must satisfy Σⱼ 2^row[j] = 1 (checked to 1e-3, which
 * catches natural-log rows: a tfjs `logSoftmax` must be divided by ln 2).
 *
 * @example
 * ```ts
 * const scorer: SlotScorer = {
 *   vocabulary: ' 0123456789abcdefghijklmnopqrstuvwxyz',
 *   async nextSymbolLogProbs(prefixes) { return prefixes.map((p) => model.nextLog2Probs(p)); },
 * };
 * ```
 */
export interface SlotScorer {
  /**
   * The characters the model predicts, one code point per entry, in the order of each returned row (a
   * string is split into code points). Entries that are not single characters (e.g. `"<eos>"`) are
   * allowed and never looked up. Every character after a format's prefix must be in it.
   */
  readonly vocabulary: string | readonly string[];
  /**
   * @param prefixes - contexts, each a prefix of a filled canary (its format's prefix included).
   * @returns one row per prefix, in order, of `vocabulary.length` base-2 log-probabilities.
   */
  nextSymbolLogProbs(prefixes: readonly string[]): Promise<Float64Array[]>;
}
