/**
 * Embedding padding ids (PyTorch's `nn.Embedding(padding_idx)`): the padding row is left out of each
 * example's norm and is zero in the clipped sum, against a brute-force per-example loop whose padding
 * row is zeroed; the sensitivity bound still holds; `maskZero` alone changes nothing; refusals.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { clippedGradients, type ClippingOptions } from '../../src/kernels/clippedGradients.js';
import { expectInvalid } from '../_support/errors.js';
import { bruteForce, disposeClipped, distance, expectAgreement } from './_bruteForce.js';

const SEED = 7;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function textModel(vocab: number, length: number, seed: number, maskZero = false): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.embedding({ name: `emb${seed}`, inputDim: vocab, outputDim: 3, inputLength: length, maskZero, embeddingsInitializer: tf.initializers.randomNormal({ seed }) }),
      tf.layers.dense({ units: 4, activation: 'tanh', kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 1 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 2 }) }),
    ],
  });
}

/** Token ids with the padding id at the end of each row (a padded batch), the rest random (and also sometimes the padding id). */
function paddedIds(batch: number, length: number, vocab: number, pad: number, seed: number): tf.Tensor2D {
  const rnd = tf.randomUniformInt([batch, length], 0, vocab, seed);
  const values = rnd.arraySync() as number[][];
  rnd.dispose();
  values.forEach((row, i) => {
    for (let t = length - (i % length); t < length; t++) row[t] = pad;
  });
  return tf.tensor2d(values, [batch, length], 'float32');
}

const rowOf = (g: tf.Tensor, row: number): number[] => Array.from((g.arraySync() as number[][])[row]);
const isZeroRow = (g: tf.Tensor, row: number): boolean => rowOf(g, row).every((v) => v === 0); // ±0

describe('embeddingPaddingIds', () => {
  it('norms and clipped sums match a brute-force loop with the padding row zeroed; that row of the sum is exactly 0', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.nat(),
        fc.double({ min: 0.05, max: 3, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (vocab, length, batch, padSeed, maxGradNorm, seed) => {
          const pad = padSeed % vocab;
          const model = textModel(vocab, length, seed);
          const x = paddedIds(batch, length, vocab, pad, seed);
          const y = tf.oneHot(tf.randomUniformInt([batch], 0, 3, seed + 1), 3);
          const out = clippedGradients(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm, embeddingPaddingIds: { [`emb${seed}`]: pad } });
          const ref = bruteForce(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm, paddingRows: new Map([[0, pad]]) });
          expectAgreement(out, ref, model);
          expect(isZeroRow(out.grads[0], pad)).toBe(true);
          tf.dispose([x, y]);
          disposeClipped(out);
          model.dispose();
        },
      ),
      { seed: SEED, numRuns: 12 },
    );
  });

  it('the padding row is what changes: without the option the same batch gives larger norms and a non-zero row', () => {
    const model = textModel(5, 4, 1);
    const x = paddedIds(4, 4, 5, 0, 3);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3);
    const base: ClippingOptions = { loss: 'categoricalCrossentropy', maxGradNorm: 100 };
    const plain = clippedGradients(model, x, y, base);
    const padded = clippedGradients(model, x, y, { ...base, embeddingPaddingIds: { emb1: 0 } });
    expect(rowOf(plain.grads[0], 0).some((v) => v !== 0)).toBe(true);
    expect(isZeroRow(padded.grads[0], 0)).toBe(true);
    // Other rows and layers are untouched by the padding id (C = 100: nothing is clipped).
    for (const row of [1, 2, 3, 4]) expect(rowOf(padded.grads[0], row)).toEqual(rowOf(plain.grads[0], row));
    const p = plain.perExampleNorms.dataSync();
    const q = padded.perExampleNorms.dataSync();
    p.forEach((v, i) => expect(q[i]).toBeLessThan(v)); // every example has at least one padding position
    tf.dispose([x, y]);
    disposeClipped(plain);
    disposeClipped(padded);
  });

  it('with per-layer clipping: the padding row is left out of the embedding layer\'s own norm (brute force)', () => {
    const model = textModel(6, 5, 2);
    const x = paddedIds(5, 5, 6, 2, 4);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1], 'int32'), 3);
    const maxGradNorm = [0.05, 0.4, 0.3];
    const out = clippedGradients(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm, clipping: 'per-layer', embeddingPaddingIds: { emb2: 2 } });
    expectAgreement(out, bruteForce(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm, paddingRows: new Map([[0, 2]]) }), model);
    expect(isZeroRow(out.grads[0], 2)).toBe(true);
    tf.dispose([x, y]);
    disposeClipped(out);
  });

  it('maskZero alone does not make 0 a padding id: row 0 is trained as tfjs trains it (brute force without zeroing)', () => {
    const model = textModel(5, 4, 3, true);
    const x = paddedIds(4, 4, 5, 0, 5);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3);
    const out = clippedGradients(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: 0.5 });
    expectAgreement(out, bruteForce(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: 0.5 }), model);
    expect(rowOf(out.grads[0], 0).some((v) => v !== 0)).toBe(true);
    tf.dispose([x, y]);
    disposeClipped(out);
  });

  it('sensitivity: adding one example moves the clipped sum by at most C (+1e-5), padding row included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.double({ min: 0.05, max: 3, noNaN: true }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 1000 }),
        (batch, maxGradNorm, pad, seed) => {
          const model = textModel(6, 5, seed);
          const options: ClippingOptions = { loss: 'categoricalCrossentropy', maxGradNorm, embeddingPaddingIds: { [`emb${seed}`]: pad } };
          const x = paddedIds(batch + 1, 5, 6, pad, seed);
          const y = tf.oneHot(tf.randomUniformInt([batch + 1], 0, 3, seed), 3);
          const xs = tf.slice(x, [0], [batch]);
          const ys = tf.slice(y, [0], [batch]);
          const all = clippedGradients(model, x, y, options);
          const fewer = clippedGradients(model, xs, ys, options);
          expect(distance(all.grads, fewer.grads)).toBeLessThanOrEqual(maxGradNorm + 1e-5);
          expect(isZeroRow(all.grads[0], pad)).toBe(true);
          tf.dispose([x, y, xs, ys]);
          disposeClipped(all);
          disposeClipped(fewer);
          model.dispose();
        },
      ),
      { seed: SEED, numRuns: 15 },
    );
  });

  it('leaks no tensors over repeated calls', () => {
    const model = textModel(6, 4, 4);
    const x = paddedIds(8, 4, 6, 1, 1);
    const y = tf.oneHot(tf.randomUniformInt([8], 0, 3, 2), 3);
    const run = () => disposeClipped(clippedGradients(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: 1, embeddingPaddingIds: { emb4: 1 } }));
    run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) run();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('refuses a name that is not an Embedding layer of the model, and ids outside [0, inputDim)', () => {
    const model = textModel(5, 3, 9);
    const dense = model.layers[1].name;
    const x = tf.zeros([2, 3]);
    const y = tf.zeros([2, 3]);
    const clip = (ids: Record<string, number>) => () => clippedGradients(model, x, y, { loss: 'meanSquaredError', maxGradNorm: 1, embeddingPaddingIds: ids });
    expectInvalid(clip({ nope: 0 }), /names "nope", which is not a layer of the model; its Embedding layers: "emb9"/);
    expectInvalid(clip({ [dense]: 0 }), new RegExp(`names "${dense}", which is a Dense layer; its Embedding layers: "emb9"`));
    expectInvalid(clip({ emb9: 5 }), /`embeddingPaddingIds\["emb9"\]` must be an integer in \[0, 5\); got 5/);
    expectInvalid(clip({ emb9: -1 }), /must be an integer in \[0, 5\); got -1/);
    expectInvalid(clip({ emb9: 1.5 }), /must be an integer in \[0, 5\); got 1.5/);
    tf.dispose([x, y]);
  });
});
