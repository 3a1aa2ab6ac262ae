/**
 * trainCharModel on a small public-domain text: non-private training learns (below the unigram
 * entropy) and is reproducible from its seed; DP-SGD training stays within its ε budget and reports
 * ε per epoch; refusals.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PrivkitError } from '../../../../accountant/index.js';
import { useBackend } from '../../../../src/backend/useBackend.js';
import { CharVocabulary } from '../../../../mia/canary/lm/CharVocabulary.js';
import { modelScorer } from '../../../../mia/canary/lm/modelScorer.js';
import { publicDomainText } from '../../../../mia/node/publicDomainText.js';
import { trainCharModel, type TrainCharModelOptions } from '../../../../mia/canary/lm/trainCharModel.js';
import { expectInvalid } from '../../../_support/errors.js';

const text = publicDomainText({ maxLength: 3000 });
const vocabulary = CharVocabulary.fromText(text, { extraCharacters: '0123456789' });
const SMALL: Omit<TrainCharModelOptions, 'epochs'> = {
  text,
  vocabulary,
  model: { context: 8, embedding: 8, filters: 32, layers: 1 },
  sequenceLength: 32,
  batchSize: 16,
  learningRate: 0.01,
  seed: 1,
};

/** Entropy of the text's character frequencies, bits per character. */
function unigramEntropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe('trainCharModel', () => {
  it('learns the text non-privately (below its unigram entropy) and reproduces from its seed', async () => {
    // Arrange
    const seen: number[] = [];
    // Act
    const a = await trainCharModel({ ...SMALL, epochs: 8, onEpoch: (e, logs, model) => void seen.push(e, model.layers.length, logs.seconds >= 0 ? 1 : 0) });
    const b = await trainCharModel({ ...SMALL, epochs: 8 });
    const [bits] = await modelScorer(a.model, vocabulary).logPerplexity([text]);
    // Assert
    expect(seen.slice(0, 3)).toEqual([0, 6, 1]); // epoch 0, the model being trained (6 layers at layers: 1)
    expect(a.bitsPerCharacter).toHaveLength(8);
    expect(a.bitsPerCharacter[7]).toBeLessThan(a.bitsPerCharacter[0]);
    expect(bits / text.length).toBeLessThan(unigramEntropy(text) - 0.5);
    expect(a.epsilon).toBeUndefined();
    expect(a.examples).toBe(Math.ceil(text.length / 32));
    expect(b.bitsPerCharacter).toEqual(a.bitsPerCharacter);
    a.model.dispose();
    b.model.dispose();
  });

  it('trains with DP-SGD within its ε budget, reporting ε after each epoch', async () => {
    // Arrange
    const epsilons: number[] = [];
    // Act
    const r = await trainCharModel({
      ...SMALL,
      epochs: 2,
      dp: { targetEpsilon: 4, delta: 1e-5, maxGradNorm: 1 },
      onEpoch: (_e, logs) => void epsilons.push(logs.epsilon as number),
    });
    // Assert
    expect(r.noiseMultiplier).toBeGreaterThan(0);
    expect(epsilons).toHaveLength(2);
    expect(epsilons[0]).toBeLessThan(epsilons[1]);
    expect(r.epsilon).toBe(epsilons[1]);
    expect(r.epsilon).toBeLessThanOrEqual(4);
    expect(r.bitsPerCharacter.every(Number.isFinite)).toBe(true);
    r.model.dispose();
  });

  it('refuses bad settings and leaks no tensors when it does', async () => {
    const before = tf.memory().numTensors;
    await expect(trainCharModel({ ...SMALL, epochs: 0 })).rejects.toThrow(/epochs/);
    await expect(trainCharModel({ ...SMALL, epochs: 1, batchSize: 0 })).rejects.toThrow(/batchSize/);
    await expect(trainCharModel({ ...SMALL, epochs: 1, learningRate: -1 })).rejects.toThrow(/learningRate/);
    const e = await trainCharModel({ ...SMALL, epochs: 1, dp: { delta: 1e-5, maxGradNorm: 1 } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PrivkitError);
    expect((e as PrivkitError).code).toBe('INVALID_ARGUMENT');
    expect(tf.memory().numTensors).toBe(before);
    expectInvalid(() => CharVocabulary.fromText(text, { minCount: -1 }), /minCount/);
  });
});
