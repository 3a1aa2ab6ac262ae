/** Mock language models for the canary tests: a lookup table and a deterministic character model. */
import { canaryIndex, type CanaryFormat, type CandidateScorer, type SlotScorer } from '../../../mia/canary/index.js';

/** A CandidateScorer whose log-perplexity of candidate i is `values[i]`; counts calls and texts. */
export function tableScorer(format: CanaryFormat, values: ArrayLike<number>): CandidateScorer & { calls: number; texts: number; maxBatch: number } {
  const scorer = {
    calls: 0,
    texts: 0,
    maxBatch: 0,
    async logPerplexity(texts: readonly string[]): Promise<Float64Array> {
      scorer.calls++;
      scorer.texts += texts.length;
      scorer.maxBatch = Math.max(scorer.maxBatch, texts.length);
      return Float64Array.from(texts, (t) => values[Number(canaryIndex(format, t))]);
    },
  };
  return scorer;
}

/** FNV-1a hash of a string and an integer, as a uniform double in [0, 1). */
function hashUniform(text: string, j: number): number {
  let h = 0x811c9dc5;
  const mix = (code: number): void => {
    h ^= code;
    h = Math.imul(h, 0x01000193) >>> 0;
  };
  for (let i = 0; i < text.length; i++) mix(text.charCodeAt(i));
  mix(j & 0xff);
  mix((j >>> 8) & 0xff);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d) >>> 0;
  h ^= h >>> 12;
  return h / 4294967296;
}

/**
 * A deterministic "character language model": the next-character distribution after any prefix p is
 * softmax(sharpness · u(p, j)) over the vocabulary, u a hash of (p, j). Implements both interfaces;
 * `logPerplexity` scores every character of the text (prefix included) by the chain rule, so it
 * differs from the slot-tree values by the constant −log₂ Pr(prefix).
 */
export function hashCharModel(
  vocabulary: string,
  sharpness = 4,
): SlotScorer & CandidateScorer & { rows: number; calls: number; row(prefix: string): Float64Array } {
  const chars = Array.from(vocabulary);
  const row = (prefix: string): Float64Array => {
    const logits = chars.map((_, j) => sharpness * hashUniform(prefix, j));
    const max = Math.max(...logits);
    const logSum = max + Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0));
    return Float64Array.from(logits, (l) => (l - logSum) / Math.LN2);
  };
  const model = {
    vocabulary,
    rows: 0,
    calls: 0,
    row,
    async nextSymbolLogProbs(prefixes: readonly string[]): Promise<Float64Array[]> {
      model.calls++;
      model.rows += prefixes.length;
      return prefixes.map(row);
    },
    async logPerplexity(texts: readonly string[]): Promise<Float64Array> {
      return Float64Array.from(texts, (text) => {
        const cs = Array.from(text);
        let bits = 0;
        for (let i = 0; i < cs.length; i++) bits -= row(cs.slice(0, i).join(''))[chars.indexOf(cs[i])];
        return bits;
      });
    },
  };
  return model;
}

/**
 * A SlotScorer for digit canaries "{prefix}{dN}" with known per-position probabilities: at slot
 * position i (0-based, after the prefix) the digit `favourite[i]` has probability `p[i]` and the other
 * nine share 1 − p[i]. Vocabulary: the ten digits.
 */
export function positionalDigitScorer(prefix: string, favourite: readonly number[], p: readonly number[]): SlotScorer {
  const prefixLength = Array.from(prefix).length;
  return {
    vocabulary: '0123456789',
    async nextSymbolLogProbs(prefixes: readonly string[]): Promise<Float64Array[]> {
      return prefixes.map((context) => {
        const i = Array.from(context).length - prefixLength;
        return Float64Array.from({ length: 10 }, (_, d) => Math.log2(d === favourite[i] ? p[i] : (1 - p[i]) / 9));
      });
    },
  };
}
