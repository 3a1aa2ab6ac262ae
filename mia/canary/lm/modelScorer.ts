/**
 * Scores canary candidates with a character model, thousands per tf call (the tensor kernel of the
 * exposure and extraction experiments, Carlini et al. 2019, "The Secret Sharer", §3–4).
 *
 * The model sees a window of `context` characters before each position and positions do not
 * interact, so a candidate's log-perplexity is a sum over its scored positions of one row each: the
 * window before the position and the id at it. All candidates share the canary's constant prefix (and
 * the text before it), so their rows share windows: the first scored position has the same window
 * for every candidate, and under enumeration the k-th slot position has only |alphabet|^(k−1)
 * distinct ones. Rows are deduplicated by window (each distinct window of a block is run once), packed
 * into [rows/T, T, context] blocks of at most `batchSize` rows, run through the model up to its logits,
 * turned into log2-probabilities by log-softmax, and the candidates' characters are picked out with
 * one gather per block, all inside `tf.tidy`; the sums are taken in float64.
 */
import * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../../accountant/index.js';
import type { CandidateScorer, SlotScorer } from '../CandidateScorer.js';
import type { CharVocabulary } from './CharVocabulary.js';
import { charModelShape } from './charModel.js';
import { chainForward, finalSoftmaxIndex } from './_internals/chainForward.js';
import { writeWindows } from './_internals/contextWindows.js';

/** Options of {@link modelScorer}. */
export interface ModelScorerOptions {
  /**
   * The canary's constant prefix ("my secret is "): it conditions the scores but its characters are
   * not scored. `logPerplexity` refuses a text that does not start with it. @defaultValue ''
   */
  readonly prefix?: string;
  /**
   * What the model reads before each canary, e.g. the end of the text the canary was inserted after;
   * before it the window holds padding (id 0), as at the start of a training document.
   * @defaultValue '' (the canary starts a document)
   */
  readonly precedingText?: string;
  /** Distinct windows per tf call. @defaultValue 4096 */
  readonly batchSize?: number;
}

/** A {@link CandidateScorer} and {@link SlotScorer} backed by a character model. */
export interface ModelScorer extends CandidateScorer, SlotScorer {
  /**
   * The entry of each column of a `nextSymbolLogProbs` row, i.e. of each vocabulary id: '<pad>' (id 0),
   * '<unk>' (id 1), then the vocabulary's characters.
   */
  readonly vocabulary: readonly string[];
  /** The character vocabulary of the model. */
  readonly charVocabulary: CharVocabulary;
  /** The constant prefix (not scored by `logPerplexity`). */
  readonly prefix: string;
}

/** Rows (distinct windows) waiting for a model call, and the picks that read them. */
interface Pending {
  readonly windows: Map<string, number>;
  rowWindows: Float32Array;
  /** Per pick: row, id to read, destination. */
  readonly rows: number[];
  readonly ids: number[];
  readonly owners: number[];
}

/**
 * A scorer over a character model (`buildCharModel`, or any model taking windows [B, T, context]
 * whose output is next-character probabilities [B, T, V]).
 * @param model - the trained model (not disposed by the scorer).
 * @param vocabulary - the vocabulary it was trained with.
 * @param options - prefix, preceding text, batch size.
 * @returns the scorer. `logPerplexity(texts)`: −Σ log2 Pr(char | text before it) over the characters
 *   after the prefix, one per text (all characters with the default prefix ''). `nextSymbolLogProbs(
 *   prefixes)`: for each text so far (from the start of the canary, its prefix included; '' for the
 *   first character), the row of log2 Pr(next = id) over all vocabulary ids (Σ 2^row = 1).
 * @throws PrivkitError `INVALID_ARGUMENT` for a model whose input is not windows, a vocabulary of
 *   another size or a bad batch size; the scorer's `logPerplexity` throws it for a text that does not
 *   start with the prefix.
 * @example
 * ```ts
 * const scorer = modelScorer(model, vocabulary, { prefix: 'my PIN is ' });
 * const [bits] = await scorer.logPerplexity(['my PIN is 4721']);
 * const [row] = await scorer.nextSymbolLogProbs(['my PIN is 47']);
 * row[vocabulary.idOf('2')]; // log2 Pr('2' | 'my PIN is 47')
 * ```
 */
export function modelScorer(model: tf.LayersModel, vocabulary: CharVocabulary, options: ModelScorerOptions = {}): ModelScorer {
  const { sequenceLength, context } = charModelShape(model);
  const block = sequenceLength ?? 1;
  const vocab = model.outputs[0]?.shape[model.outputs[0].shape.length - 1];
  if (vocab !== vocabulary.size) {
    throw new PrivkitError('INVALID_ARGUMENT', `The model predicts ${String(vocab)} symbols but the vocabulary has ${vocabulary.size}; score with the vocabulary it was trained with.`);
  }
  const batchSize = options.batchSize ?? 4096;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new PrivkitError('INVALID_ARGUMENT', `\`batchSize\` must be an integer ≥ 1; got ${String(batchSize)}.`);
  const prefix = options.prefix ?? '';
  const preceding = vocabulary.encode(options.precedingText ?? '');
  const scoredFrom = preceding.length + [...prefix].length;
  const softmaxAt = finalSoftmaxIndex(model);

  /** log2-probabilities [rows, V] of a block of windows (rows a multiple of T). */
  const logProbs = (windows: tf.Tensor3D): tf.Tensor2D => {
    const out =
      softmaxAt >= 0
        ? tf.logSoftmax(chainForward(model, windows, softmaxAt))
        : tf.log(tf.clipByValue(chainForward(model, windows), 1e-30, 1)); // probabilities: best effort
    return tf.mul(tf.reshape(out, [-1, vocabulary.size]), 1 / Math.LN2) as tf.Tensor2D;
  };

  const fresh = (): Pending => ({ windows: new Map(), rowWindows: new Float32Array(Math.min(batchSize, 1024) * context), rows: [], ids: [], owners: [] });

  /** Runs the pending rows: `take(owner, log2-prob)` for each pick, or `takeRow(owner, row)` for whole rows. */
  const flush = async (p: Pending, take: ((owner: number, value: number) => void) | null, takeRow?: (owner: number, row: Float32Array) => void): Promise<void> => {
    const rows = p.windows.size;
    if (rows === 0) return;
    const padded = Math.ceil(rows / block) * block;
    const data = new Float32Array(padded * context);
    data.set(p.rowWindows.subarray(0, rows * context));
    if (take === null) {
      const values = tf.tidy(() => logProbs(tf.tensor3d(data, [padded / block, block, context])));
      const flat = (await values.data()) as Float32Array;
      values.dispose();
      const width = vocabulary.size;
      p.owners.forEach((owner, k) => takeRow?.(owner, flat.subarray(p.rows[k] * width, (p.rows[k] + 1) * width)));
    } else {
      const index = tf.tensor1d(p.rows.map((r, k) => r * vocabulary.size + p.ids[k]), 'int32');
      const values = tf.tidy(() => tf.gather(tf.reshape(logProbs(tf.tensor3d(data, [padded / block, block, context])), [-1]), index));
      index.dispose();
      const flat = (await values.data()) as Float32Array;
      values.dispose();
      p.owners.forEach((owner, k) => take(owner, flat[k]));
    }
    p.windows.clear();
    p.rows.length = 0;
    p.ids.length = 0;
    p.owners.length = 0;
  };

  /**
   * Queues the row of position `at` of `ids` (to read `id` from it, for `owner`); false, queuing
   * nothing, when its window is new and the block already holds `batchSize` windows.
   */
  const window = new Float32Array(context);
  const tryQueue = (p: Pending, ids: Int32Array, at: number, id: number, owner: number): boolean => {
    writeWindows(ids, at, 1, context, window, 0);
    const key = String.fromCharCode(...window);
    let row = p.windows.get(key);
    if (row === undefined) {
      if (p.windows.size === batchSize) return false;
      row = p.windows.size;
      p.windows.set(key, row);
      if ((row + 1) * context > p.rowWindows.length) {
        const grown = new Float32Array(Math.min(batchSize, 2 * (row + 1)) * context);
        grown.set(p.rowWindows);
        p.rowWindows = grown;
      }
      p.rowWindows.set(window, row * context);
    }
    p.rows.push(row);
    p.ids.push(id);
    p.owners.push(owner);
    return true;
  };

  const withPreceding = (text: string): Int32Array => {
    const own = vocabulary.encode(text);
    const ids = new Int32Array(preceding.length + own.length);
    ids.set(preceding);
    ids.set(own, preceding.length);
    return ids;
  };

  return {
    vocabulary: ['<pad>', '<unk>', ...vocabulary.characters],
    charVocabulary: vocabulary,
    prefix,
    async logPerplexity(texts) {
      texts.forEach((text, n) => {
        if (!text.startsWith(prefix)) {
          throw new PrivkitError('INVALID_ARGUMENT', `Candidate ${n} does not start with the canary prefix ${JSON.stringify(prefix)}: ${JSON.stringify(text.slice(0, 80))}.`);
        }
      });
      const sums = new Float64Array(texts.length);
      const p = fresh();
      const take = (owner: number, value: number): void => void (sums[owner] -= value);
      for (let n = 0; n < texts.length; n++) {
        const ids = withPreceding(texts[n]);
        for (let at = scoredFrom; at < ids.length; at++) {
          if (!tryQueue(p, ids, at, ids[at], n)) {
            await flush(p, take);
            tryQueue(p, ids, at, ids[at], n);
          }
        }
      }
      await flush(p, take);
      return sums;
    },
    async nextSymbolLogProbs(prefixes) {
      const out = new Array<Float64Array>(prefixes.length);
      const p = fresh();
      const takeRow = (owner: number, row: Float32Array): void => void (out[owner] = Float64Array.from(row));
      for (let n = 0; n < prefixes.length; n++) {
        const ids = withPreceding(prefixes[n]);
        if (!tryQueue(p, ids, ids.length, 0, n)) {
          await flush(p, null, takeRow);
          tryQueue(p, ids, ids.length, 0, n);
        }
      }
      await flush(p, null, takeRow);
      return out;
    },
  };
}
