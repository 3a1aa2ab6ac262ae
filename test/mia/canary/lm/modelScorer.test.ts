/**
 * modelScorer: batched, deduplicated scoring equals a naive per-candidate, per-character loop over
 * `model.predict` (to 1e-5 bits) whatever the batch size; next-character rows are distributions
 * (Σ 2^row = 1) and chain to the log-perplexity; no tensor leaks; refusals.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../../src/backend/useBackend.js';
import { CharVocabulary } from '../../../../mia/canary/lm/CharVocabulary.js';
import { buildCharModel } from '../../../../mia/canary/lm/charModel.js';
import { modelScorer } from '../../../../mia/canary/lm/modelScorer.js';
import { expectInvalid } from '../../../_support/errors.js';
import { mulberry32 } from '../../../_support/prng.js';

const CONTEXT = 6;
const T = 4;
const vocabulary = CharVocabulary.fromText('my pin is ', { extraCharacters: '0123456789' });
const PREFIX = 'my pin is ';
const PRECEDING = 'x is 3. ';
let model: tf.LayersModel;

beforeAll(async () => {
  await useBackend('wasm');
  // A small random model whose output is far from uniform (large embeddings), so errors would show.
  model = buildCharModel({ vocabSize: vocabulary.size, context: CONTEXT, sequenceLength: T, embedding: 4, filters: 12, layers: 2, seed: 5 });
  const scaled = tf.tidy(() => tf.mul(model.layers[0].getWeights()[0], 40)); // getWeights gives the variable itself
  model.layers[0].setWeights([scaled]);
  scaled.dispose();
});

/** log2 Pr(next = id | ids before `at`) by model.predict on one window (row 0 of a [1, T, context] input). */
function naiveLog2(ids: Int32Array, at: number): Float64Array {
  const window = new Float32Array(T * CONTEXT);
  for (let j = 0; j < CONTEXT; j++) {
    const k = at - CONTEXT + j;
    window[j] = k >= 0 ? ids[k] : 0;
  }
  const p = tf.tidy(() => model.predict(tf.tensor3d(window, [1, T, CONTEXT])) as tf.Tensor);
  const row = p.dataSync().slice(0, vocabulary.size);
  p.dispose();
  return Float64Array.from(row, (q) => Math.log2(q));
}

/** −Σ log2 Pr over the characters after the prefix, one model call per character. */
function naiveLogPerplexity(text: string, preceding: string, prefix: string): number {
  const ids = vocabulary.encode(preceding + text);
  let bits = 0;
  for (let at = [...preceding].length + [...prefix].length; at < ids.length; at++) bits -= naiveLog2(ids, at)[ids[at]];
  return bits;
}

function candidates(n: number, seed: number): string[] {
  const u = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => PREFIX + Array.from({ length: 1 + (i % 7) }, () => String(Math.floor(u() * 10))).join(''));
}

describe('modelScorer', () => {
  it('equals a naive per-candidate, per-character loop to 1e-5 bits, whatever the batch size', async () => {
    // Arrange: variable-length candidates (several share windows), a preceding text
    const texts = [...candidates(40, 1), PREFIX + '0000000', PREFIX + '0000000', PREFIX];
    const expected = texts.map((t) => naiveLogPerplexity(t, PRECEDING, PREFIX));
    for (const batchSize of [1, 7, 4096]) {
      // Act
      const got = await modelScorer(model, vocabulary, { prefix: PREFIX, precedingText: PRECEDING, batchSize }).logPerplexity(texts);
      // Assert
      expect(got).toBeInstanceOf(Float64Array);
      expected.forEach((e, i) => expect(Math.abs(got[i] - e), `text ${i}, batch ${batchSize}`).toBeLessThan(1e-5));
    }
    expect(expected[expected.length - 1]).toBe(0); // nothing after the prefix
  });

  it('scores every character by default (prefix \'\'), the document start as padding', async () => {
    const texts = candidates(5, 2);
    const got = await modelScorer(model, vocabulary).logPerplexity(texts);
    texts.forEach((t, i) => expect(Math.abs(got[i] - naiveLogPerplexity(t, '', ''))).toBeLessThan(1e-5));
  });

  it('gives next-character rows that are distributions over the vocabulary ids and chain to the log-perplexity', async () => {
    // Arrange
    const scorer = modelScorer(model, vocabulary, { prefix: PREFIX, precedingText: PRECEDING, batchSize: 3 });
    const text = PREFIX + '4721';
    const contexts = [0, 1, 2, 3].map((k) => text.slice(0, PREFIX.length + k));
    // Act
    const rows = await scorer.nextSymbolLogProbs(['', ...contexts]);
    const [bits] = await scorer.logPerplexity([text]);
    // Assert
    expect(scorer.vocabulary).toEqual(['<pad>', '<unk>', ...vocabulary.characters]);
    for (const row of rows) {
      expect(row).toHaveLength(vocabulary.size);
      expect(row.reduce((s, v) => s + 2 ** v, 0)).toBeCloseTo(1, 5);
      expect(Math.max(...row) - Math.min(...row)).toBeGreaterThan(1); // far from uniform: errors would show
    }
    const chained = -[4, 7, 2, 1].reduce((s, d, k) => s + rows[k + 1][vocabulary.idOf(String(d))], 0);
    expect(Math.abs(chained - bits)).toBeLessThan(1e-5);
    const naive = naiveLog2(vocabulary.encode(PRECEDING + PREFIX + '47'), [...(PRECEDING + PREFIX + '47')].length);
    rows[3].forEach((v, j) => expect(Math.abs(v - naive[j])).toBeLessThan(1e-5));
  });

  it('leaks no tensors', async () => {
    const scorer = modelScorer(model, vocabulary, { prefix: PREFIX, batchSize: 16 });
    await scorer.logPerplexity(candidates(50, 3));
    const before = tf.memory().numTensors;
    await scorer.logPerplexity(candidates(200, 4));
    await scorer.nextSymbolLogProbs(candidates(30, 5));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a text without the prefix, a vocabulary of another size and a bad batch size', async () => {
    const scorer = modelScorer(model, vocabulary, { prefix: PREFIX });
    await expect(scorer.logPerplexity([PREFIX + '1', 'my pun is 1'])).rejects.toThrow(/Candidate 1 does not start with the canary prefix/);
    expectInvalid(() => modelScorer(model, CharVocabulary.fromText('ab')), /vocabulary has 4/);
    expectInvalid(() => modelScorer(model, vocabulary, { batchSize: 0 }), /batchSize/);
  });
});
