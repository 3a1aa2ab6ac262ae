/**
 * Training examples of a character model: records of `sequenceLength` consecutive characters of one
 * document, each target with the window of the `context` characters before it.
 */
import { PrivkitError } from '../../../accountant/index.js';
import type { CharVocabulary } from './CharVocabulary.js';
import { writeWindows } from './_internals/contextWindows.js';

/** Options of {@link charExamples}. */
export interface CharExamplesOptions {
  /** Characters before each target that the model sees (the model's `context`). */
  readonly context: number;
  /** T: targets per example. */
  readonly sequenceLength: number;
}

/** Examples as flat arrays; tensors are `tf.tensor3d(windows, [examples, T, context])`, `tf.tensor2d(targets, [examples, T])`. */
export interface CharExamples {
  /** Ids of the context windows, [examples, sequenceLength, context]. */
  readonly windows: Float32Array;
  /** Target ids, [examples, sequenceLength]; 0 (padding) past the end of a document, ignored by the loss. */
  readonly targets: Float32Array;
  /** Number of examples (records). */
  readonly examples: number;
  readonly sequenceLength: number;
  readonly context: number;
  /** Number of real (non-padding) targets: the corpus length in characters. */
  readonly characters: number;
  /** The example of each document's first record, and `examples` at the end ([documents + 1]). */
  readonly documentStarts: Int32Array;
}

/**
 * Cuts each document into records of T characters: record k of a document has the targets at
 * positions kT … kT + T − 1 (the last record is padded with id 0), and each target the window of
 * the `context` characters before it in the same document (padding before its start). Every character
 * is the target of exactly one example; windows cross record boundaries inside a document but never
 * documents, so a canary given as its own document of ≤ T characters is exactly one example (the
 * unit DP-SGD protects); inside a longer document it also appears in the windows of the next record.
 * @param text - the corpus: one document or several.
 * @param vocabulary - maps characters to ids.
 * @param options - context and T.
 * @returns flat example arrays.
 * @throws PrivkitError `INVALID_ARGUMENT` for a context or T that is not a positive integer, or an empty corpus.
 * @example
 * ```ts
 * const ex = charExamples(corpus, vocabulary, { context: 32, sequenceLength: 64 });
 * const x = tf.tensor3d(ex.windows, [ex.examples, 64, 32]);
 * ```
 */
export function charExamples(text: string | readonly string[], vocabulary: CharVocabulary, options: CharExamplesOptions): CharExamples {
  const { context, sequenceLength: t } = options;
  for (const [name, v] of [['context', context], ['sequenceLength', t]] as const) {
    if (!(Number.isInteger(v) && v >= 1)) throw new PrivkitError('INVALID_ARGUMENT', `\`${name}\` must be an integer ≥ 1; got ${String(v)}.`);
  }
  const docs = (typeof text === 'string' ? [text] : text).map((d) => vocabulary.encode(d));
  const records = docs.reduce((n, ids) => n + Math.ceil(ids.length / t), 0);
  if (records === 0) throw new PrivkitError('INVALID_ARGUMENT', 'The corpus is empty: there is no character to train on.');
  const windows = new Float32Array(records * t * context);
  const targets = new Float32Array(records * t);
  const documentStarts = new Int32Array(docs.length + 1);
  let r = 0;
  let characters = 0;
  docs.forEach((ids, d) => {
    documentStarts[d] = r;
    for (let start = 0; start < ids.length; start += t, r++) {
      const count = Math.min(t, ids.length - start);
      writeWindows(ids, start, count, context, windows, r * t * context);
      targets.set(ids.subarray(start, start + count), r * t);
      characters += count;
    }
  });
  documentStarts[docs.length] = r;
  return { windows, targets, examples: records, sequenceLength: t, context, characters, documentStarts };
}
