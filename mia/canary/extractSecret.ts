/**
 * Extraction of an inserted canary by search over its slots (Carlini, Liu, Erlingsson, Kos & Song
 * 2019, "The Secret Sharer", USENIX Security, §8: the attacker knows the format and the model, and
 * searches for the filling of lowest log-perplexity; the paper's shortest-path search expands the
 * tree of slot characters in order of accumulated −log₂ probability). privkit uses beam search, the
 * bounded-memory form of that search: exact when the width is at least the number of prefixes at
 * every depth, and otherwise an under-estimate of what an attacker with more compute could extract.
 */
import type { CandidateScorer, SlotScorer } from './CandidateScorer.js';
import { canaryIndex, type CanaryFormat } from './CanaryFormat.js';
import { columnLayout, nextRows, resolveScorer, scoreTexts } from './_internals/scoring.js';
import { fillDigits, slotLayout } from './_internals/slotLayout.js';
import { check, seededUniform } from '../../accountant/index.js';
import { positiveIntegerOption } from './_internals/options.js';

/** A candidate filling found by the search. */
export interface ExtractedCandidate {
  /** The filled canary, prefix included. */
  readonly text: string;
  /**
   * Its log-perplexity in bits: the chain-rule sum after the prefix (`slotTree`), or the scorer's
   * `logPerplexity` (`candidateScorer`).
   */
  readonly logPerplexity: number;
}

/** Result of {@link extractSecret}. */
export interface SecretExtraction {
  /** The secret is among the first `guesses` candidates of the final beam. */
  readonly extracted: boolean;
  /** 1-based position of the secret in the final beam (sorted by log-perplexity), null when pruned. */
  readonly rank: number | null;
  /** The best `candidates` fillings, most likely first. */
  readonly candidates: readonly ExtractedCandidate[];
  readonly method: 'slotTree' | 'candidateScorer';
  /** Texts scored (`candidateScorer`) or next-character rows asked for (`slotTree`). */
  readonly evaluations: number;
}

/** Options of {@link extractSecret}. */
export interface ExtractSecretOptions {
  /**
   * Beam width: fillings kept after each slot character.
   * @defaultValue 256
   */
  readonly width?: number;
  /**
   * The attacker's number of guesses: extraction succeeds when the secret ranks within them.
   * Carlini et al. count success as the secret being the search's single best answer.
   * @defaultValue 1
   */
  readonly guesses?: number;
  /**
   * Candidates returned.
   * @defaultValue 10
   */
  readonly candidates?: number;
  /**
   * Texts per `logPerplexity` call, or prefixes per `nextSymbolLogProbs` call.
   * @defaultValue 1024
   */
  readonly batchSize?: number;
  /**
   * Search through `nextSymbolLogProbs` when the scorer implements {@link SlotScorer}.
   * @defaultValue true
   */
  readonly useSlotScorer?: boolean;
  /**
   * Seed of the random completions of the CandidateScorer fallback.
   * @defaultValue 0
   */
  readonly seed?: number;
}

interface Beam {
  readonly text: string;
  readonly bits: number;
}

/**
 * Searches the slots of `format` for the most likely fillings and reports where `secret` lands.
 *
 * - SlotScorer (default when implemented): beam search in character order. Each beam is a canary
 *   prefix with its accumulated −log₂ Pr(characters after the format's prefix); fixed characters add
 *   their −log₂ probability, each slot character expands every beam by every symbol, and the `width`
 *   lowest totals are kept (ties in generation order). Σ over positions of ≤ width·|alphabet| rows.
 * - CandidateScorer fallback (no next-character probabilities): the same beam over slot characters,
 *   but a partial filling is scored by `logPerplexity` of a whole canary whose remaining slot
 *   characters come from one random completion per depth (seeded, shared by all beams at that depth so
 *   that they are compared on the same suffix). A heuristic; at the last slot character the scores are
 *   exact. ≤ width·|alphabet| texts per slot character.
 *
 * @param format - a parsed format.
 * @param scorer - the model under test.
 * @param secret - the inserted canary, prefix included.
 * @param options - see {@link ExtractSecretOptions}.
 * @returns whether the secret was extracted, its rank in the final beam and the best candidates.
 * @throws PrivkitError `INVALID_ARGUMENT` when `secret` does not match `format`, for bad options, and
 *   when the scorer returns malformed values.
 * @example
 * ```ts
 * const { extracted, rank, candidates } = await extractSecret(format, languageModel, 'my pin is 281265', { width: 1024 });
 * ```
 */
export async function extractSecret(
  format: CanaryFormat,
  scorer: CandidateScorer | SlotScorer,
  secret: string,
  options: ExtractSecretOptions = {},
): Promise<SecretExtraction> {
  const width = positiveIntegerOption(options.width, 'width', 256);
  const guesses = positiveIntegerOption(options.guesses, 'guesses', 1);
  const keep = positiveIntegerOption(options.candidates, 'candidates', 10);
  const batchSize = positiveIntegerOption(options.batchSize, 'batchSize', 1024);
  const seed = options.seed ?? 0;
  check(Number.isSafeInteger(seed), () => `\`seed\` must be an integer; got ${seed}.`);
  canaryIndex(format, secret);
  const resolved = resolveScorer(scorer, options.useSlotScorer ?? true);
  const { beam, evaluations } =
    resolved.kind === 'slot'
      ? await slotBeamSearch(format, resolved.scorer, width, batchSize)
      : await candidateBeamSearch(format, resolved.scorer, width, batchSize, seed);
  const position = beam.findIndex((b) => b.text === secret);
  const rank = position < 0 ? null : position + 1;
  return {
    extracted: rank !== null && rank <= guesses,
    rank,
    candidates: beam.slice(0, keep).map((b) => ({ text: b.text, logPerplexity: b.bits })),
    method: resolved.kind === 'slot' ? 'slotTree' : 'candidateScorer',
    evaluations,
  };
}

/** Keeps the `width` lowest-bits beams; Array.prototype.sort is stable, so ties keep generation order. */
function prune(beams: Beam[], width: number): Beam[] {
  beams.sort((a, b) => a.bits - b.bits);
  return beams.length > width ? beams.slice(0, width) : beams;
}

async function slotBeamSearch(
  format: CanaryFormat,
  scorer: SlotScorer,
  width: number,
  batchSize: number,
): Promise<{ beam: Beam[]; evaluations: number }> {
  const { template, prefix } = slotLayout(format);
  const { vocabularySize, columns } = columnLayout(format, scorer);
  let beam: Beam[] = [{ text: prefix, bits: 0 }];
  let evaluations = 0;
  for (let j = 0; j < template.length; j++) {
    const entry = template[j];
    const column = columns[j];
    const next: Beam[] = [];
    for (let start = 0; start < beam.length; start += batchSize) {
      const chunk = beam.slice(start, start + batchSize);
      const rows = await nextRows(
        scorer,
        chunk.map((b) => b.text),
        vocabularySize,
      );
      evaluations += chunk.length;
      chunk.forEach((b, i) => {
        if (entry.kind === 'char') {
          next.push({ text: b.text + entry.char, bits: b.bits - rows[i][column as number] });
        } else {
          entry.symbols.forEach((symbol, d) => next.push({ text: b.text + symbol, bits: b.bits - rows[i][(column as Int32Array)[d]] }));
        }
      });
    }
    beam = entry.kind === 'slot' ? prune(next, width) : next;
  }
  return { beam: prune(beam, width), evaluations };
}

async function candidateBeamSearch(
  format: CanaryFormat,
  scorer: CandidateScorer,
  width: number,
  batchSize: number,
  seed: number,
): Promise<{ beam: Beam[]; evaluations: number }> {
  const layout = slotLayout(format);
  const slots = layout.radices.length;
  const random = seededUniform(seed);
  let partials: Int32Array[] = [new Int32Array(0)];
  let beam: Beam[] = [];
  let evaluations = 0;
  for (let k = 0; k < slots; k++) {
    const completion = Int32Array.from({ length: slots }, (_, s) => Math.floor(random() * layout.radices[s]));
    const children: Int32Array[] = [];
    for (const partial of partials) {
      for (let d = 0; d < layout.radices[k]; d++) {
        const child = new Int32Array(k + 1);
        child.set(partial);
        child[k] = d;
        children.push(child);
      }
    }
    const scored: { digits: Int32Array; beam: Beam }[] = [];
    for (let start = 0; start < children.length; start += batchSize) {
      const chunk = children.slice(start, start + batchSize);
      const texts = chunk.map((digits) => {
        const full = Int32Array.from(completion);
        full.set(digits);
        return fillDigits(layout, full);
      });
      const bits = await scoreTexts(scorer, texts);
      evaluations += texts.length;
      chunk.forEach((digits, i) => scored.push({ digits, beam: { text: texts[i], bits: bits[i] } }));
    }
    scored.sort((a, b) => a.beam.bits - b.beam.bits);
    const kept = scored.slice(0, width);
    partials = kept.map((s) => s.digits);
    beam = kept.map((s) => s.beam);
  }
  return { beam, evaluations };
}
