/**
 * Checked calls to the two scorer interfaces, the vocabulary lookup of a format's characters, and
 * chain-rule scoring of whole canaries through a SlotScorer.
 */
import type { CandidateScorer, SlotScorer } from '../CandidateScorer.js';
import { canaryIndex, type CanaryFormat } from '../CanaryFormat.js';
import { slotLayout } from './slotLayout.js';
import { check, invalid } from '../../../accountant/index.js';
import { quote } from './options.js';

/** Largest |Σ 2^row − 1| accepted from `nextSymbolLogProbs`. */
const ROW_SUM_TOLERANCE = 1e-3;

/** True when `scorer` implements {@link SlotScorer}. */
export function isSlotScorer(scorer: unknown): scorer is SlotScorer {
  return (
    typeof scorer === 'object' &&
    scorer !== null &&
    typeof (scorer as SlotScorer).nextSymbolLogProbs === 'function' &&
    (typeof (scorer as SlotScorer).vocabulary === 'string' || Array.isArray((scorer as SlotScorer).vocabulary))
  );
}

/** True when `scorer` implements {@link CandidateScorer}. */
export function isCandidateScorer(scorer: unknown): scorer is CandidateScorer {
  return typeof scorer === 'object' && scorer !== null && typeof (scorer as CandidateScorer).logPerplexity === 'function';
}

/** The scorer to use: the slot path when available and preferred, else whole-canary scoring. */
export type ResolvedScorer = { readonly kind: 'slot'; readonly scorer: SlotScorer } | { readonly kind: 'candidate'; readonly scorer: CandidateScorer };

/** Picks the interface to call; throws when `scorer` implements neither. */
export function resolveScorer(scorer: CandidateScorer | SlotScorer, preferSlot: boolean): ResolvedScorer {
  const slot = isSlotScorer(scorer);
  const candidate = isCandidateScorer(scorer);
  check(
    slot || candidate,
    () => '`scorer` must implement CandidateScorer (logPerplexity) or SlotScorer (vocabulary, nextSymbolLogProbs).',
  );
  if (slot && (preferSlot || !candidate)) return { kind: 'slot', scorer };
  return { kind: 'candidate', scorer: scorer as CandidateScorer };
}

/** `scorer.logPerplexity(texts)`, checked: one non-NaN value per text. */
export async function scoreTexts(scorer: CandidateScorer, texts: readonly string[]): Promise<Float64Array> {
  const values = await scorer.logPerplexity(texts);
  check(
    values !== null && typeof values === 'object' && values.length === texts.length,
    () => `\`scorer.logPerplexity\` must return one value per text; got ${values?.length} for ${texts.length}.`,
  );
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i]) || values[i] === -Infinity) {
      throw invalid(`\`scorer.logPerplexity\` returned ${values[i]} for ${quote(texts[i])}; log-perplexities are in [0, +Infinity].`);
    }
  }
  return values instanceof Float64Array ? values : Float64Array.from(values);
}

/** The vocabulary column of every character after a format's prefix. */
export interface ColumnLayout {
  readonly vocabularySize: number;
  /** Per template entry: the column of its fixed character, or of each slot symbol (digit order). */
  readonly columns: readonly (number | Int32Array)[];
}

/** Looks up every character after the prefix in `scorer.vocabulary`; throws naming a missing one. */
export function columnLayout(format: CanaryFormat, scorer: SlotScorer): ColumnLayout {
  const vocabulary = typeof scorer.vocabulary === 'string' ? Array.from(scorer.vocabulary) : scorer.vocabulary;
  const position = new Map<string, number>();
  vocabulary.forEach((entry, j) => {
    if (!position.has(entry)) position.set(entry, j);
  });
  const column = (char: string): number => {
    const j = position.get(char);
    if (j === undefined) {
      throw invalid(
        `\`scorer.vocabulary\` lacks ${quote(char)}, which \`format\` ${quote(format.format)} needs after its prefix.`,
      );
    }
    return j;
  };
  const columns = slotLayout(format).template.map((entry) =>
    entry.kind === 'char' ? column(entry.char) : Int32Array.from(entry.symbols, column),
  );
  return { vocabularySize: vocabulary.length, columns };
}

/** `scorer.nextSymbolLogProbs(prefixes)`, checked: one row per prefix, of base-2 log-probabilities. */
export async function nextRows(scorer: SlotScorer, prefixes: readonly string[], vocabularySize: number): Promise<Float64Array[]> {
  const rows = await scorer.nextSymbolLogProbs(prefixes);
  check(
    Array.isArray(rows) && rows.length === prefixes.length,
    () => `\`scorer.nextSymbolLogProbs\` must return one row per prefix; got ${rows?.length} for ${prefixes.length}.`,
  );
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    check(
      row !== null && typeof row === 'object' && row.length === vocabularySize,
      () => `\`scorer.nextSymbolLogProbs\` rows must have vocabulary.length = ${vocabularySize} entries; got ${row?.length} for ${quote(prefixes[i])}.`,
    );
    let sum = 0;
    for (let j = 0; j < row.length; j++) sum += Math.pow(2, row[j]);
    check(
      Math.abs(sum - 1) <= ROW_SUM_TOLERANCE,
      () =>
        `\`scorer.nextSymbolLogProbs\` must return base-2 log-probabilities summing to 1 (Σ 2^v); got Σ 2^v = ${sum} ` +
        `for ${quote(prefixes[i])}. Natural-log values must be divided by ln 2.`,
    );
  }
  return rows;
}

/**
 * Chain-rule log-perplexity, in bits, of each canary through a SlotScorer: Σ −log₂ Pr(xᵢ | x_{<i}) over
 * the characters after the format's prefix. Asks for one next-character row per character per text,
 * `batchSize` prefixes per call.
 */
export async function chainRuleLogPerplexities(
  format: CanaryFormat,
  scorer: SlotScorer,
  texts: readonly string[],
  batchSize: number,
): Promise<Float64Array> {
  const { vocabularySize, columns } = columnLayout(format, scorer);
  const { template } = slotLayout(format);
  const prefixLength = Array.from(format.prefix).length;
  const steps = template.length;
  const chars = texts.map((text) => {
    canaryIndex(format, text); // throws naming the first character that does not fit the format
    return Array.from(text);
  });
  const charColumns = chars.map((c) =>
    Int32Array.from(template, (entry, j) =>
      entry.kind === 'char' ? (columns[j] as number) : (columns[j] as Int32Array)[entry.symbols.indexOf(c[prefixLength + j])],
    ),
  );
  const bits = new Float64Array(texts.length);
  const total = texts.length * steps;
  for (let start = 0; start < total; start += batchSize) {
    const end = Math.min(total, start + batchSize);
    const prefixes: string[] = [];
    for (let q = start; q < end; q++) {
      const t = Math.floor(q / steps);
      prefixes.push(chars[t].slice(0, prefixLength + (q % steps)).join(''));
    }
    const rows = await nextRows(scorer, prefixes, vocabularySize);
    for (let q = start; q < end; q++) {
      const t = Math.floor(q / steps);
      bits[t] -= rows[q - start][charColumns[t][q % steps]];
    }
  }
  return bits;
}
