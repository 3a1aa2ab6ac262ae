/**
 * queryLogits: log-probabilities for softmax outputs, [log(1 − p), log p] for a sigmoid, raw outputs
 * for logits models; the 'flip' view is the plain view of the mirrored images; chunking changes nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputKind, queryLogits } from '../../../mia/shadow/queryLogits.js';
import { useBackend } from '../../../src/backend/useBackend.js';
import { imageData, mlp } from './_fixtures.js';

beforeAll(async () => {
  await useBackend('wasm');
});

const N = 23;
const data = imageData(N, 4, { side: 6, classes: 4 });
let x: tf.Tensor;
beforeAll(() => {
  x = tf.tensor(data.x, [N, 6, 6, 1]);
});
afterAll(() => x.dispose());

function seeded(model: tf.LayersModel, seed: number): tf.LayersModel {
  // Random, non-symmetric weights so that a flip changes the output.
  const weights = model.getWeights().map((w, k) => tf.randomNormal(w.shape, 0, 0.5, 'float32', seed + k));
  model.setWeights(weights);
  tf.dispose(weights);
  return model;
}

describe('queryLogits', () => {
  it('turns a softmax output into log-probabilities (each row exp-sums to 1) equal to log of predict', () => {
    // Arrange
    const model = seeded(mlp([6, 6, 1], 4, 8, 'softmax'), 1);
    const probs = (model.predict(x) as tf.Tensor).arraySync() as number[][];
    const before = tf.memory().numTensors;

    // Act
    const { views } = queryLogits(model, x, 'none');

    // Assert
    expect(outputKind(model)).toBe('softmax');
    expect(tf.memory().numTensors).toBe(before);
    expect(views).toHaveLength(1);
    expect(views[0]).toBeInstanceOf(Float32Array);
    expect(views[0]).toHaveLength(N * 4);
    for (let i = 0; i < N; i++) {
      const row = Array.from(views[0].subarray(i * 4, i * 4 + 4));
      expect(row.every((v) => v <= 0)).toBe(true);
      expect(row.reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 6);
      row.forEach((v, c) => expect(v).toBeCloseTo(Math.log(probs[i][c]), 5));
    }
    model.dispose();
  });

  it("adds a 'flip' view equal to the plain view of the horizontally mirrored images", () => {
    // Arrange
    const model = seeded(mlp([6, 6, 1], 4, 8, 'softmax'), 2);
    const mirrored = tf.reverse(x, 2); // [n, h, w, c]: axis 2 is the width
    const before = tf.memory().numTensors;

    // Act
    const flipped = queryLogits(model, x, 'flip');
    const plainOfMirrored = queryLogits(model, mirrored, 'none');

    // Assert
    expect(tf.memory().numTensors).toBe(before);
    expect(flipped.views).toHaveLength(2);
    expect(flipped.views[0]).toEqual(queryLogits(model, x, 'none').views[0]);
    expect(flipped.views[1]).toEqual(plainOfMirrored.views[0]);
    expect(flipped.views[1]).not.toEqual(flipped.views[0]);
    // A vertical mirror is something else (the flip is along the width, not the height).
    const upsideDown = tf.reverse(x, 1);
    expect(flipped.views[1]).not.toEqual(queryLogits(model, upsideDown, 'none').views[0]);
    tf.dispose([mirrored, upsideDown]);
    model.dispose();
  });

  it('passes a logits model through unchanged', () => {
    // Arrange
    const model = seeded(mlp([6, 6, 1], 4, 8, 'linear'), 3);
    const raw = (model.predict(x) as tf.Tensor).dataSync();

    // Act
    const { views } = queryLogits(model, x, 'none');

    // Assert
    expect(outputKind(model)).toBe('logits');
    expect(views[0]).toEqual(Float32Array.from(raw));
    // Not normalised: rows of raw logits do not exp-sum to 1.
    expect(Math.abs(Array.from(views[0].subarray(0, 4)).reduce((s, v) => s + Math.exp(v), 0) - 1)).toBeGreaterThan(1e-3);
    model.dispose();
  });

  it('reads a final Activation softmax layer as softmax, and a one-unit sigmoid as [log(1 − p), log p]', () => {
    // Arrange
    const withActivation = seeded(
      tf.sequential({ layers: [tf.layers.flatten({ inputShape: [6, 6, 1] }), tf.layers.dense({ units: 4 }), tf.layers.activation({ activation: 'softmax' })] }),
      4,
    );
    const sigmoid = seeded(tf.sequential({ layers: [tf.layers.flatten({ inputShape: [6, 6, 1] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] }), 5);
    const p = (sigmoid.predict(x) as tf.Tensor).dataSync();

    // Act
    const soft = queryLogits(withActivation, x, 'none').views[0];
    const bin = queryLogits(sigmoid, x, 'none').views[0];

    // Assert
    expect(outputKind(withActivation)).toBe('softmax');
    expect(Array.from(soft.subarray(0, 4)).reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 6);
    expect(outputKind(sigmoid)).toBe('sigmoid');
    expect(bin).toHaveLength(2 * N);
    for (let i = 0; i < N; i++) {
      expect(bin[2 * i]).toBeCloseTo(Math.log(1 - p[i]), 5);
      expect(bin[2 * i + 1]).toBeCloseTo(Math.log(p[i]), 5);
    }
    withActivation.dispose();
    sigmoid.dispose();
  });

  it('keeps log-probabilities finite when a softmax probability underflows to 0', () => {
    // Arrange: logits 200 apart make the smaller class's probability exactly 0 in float32.
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [1], units: 2, activation: 'softmax', useBias: false })] });
    const kernel = tf.tensor2d([[100, -100]]);
    model.setWeights([kernel]);
    kernel.dispose();
    const input = tf.tensor2d([[1], [-1]]);

    // Act
    const { views } = queryLogits(model, input, 'none');

    // Assert
    expect(Array.from(views[0]).every(Number.isFinite)).toBe(true);
    expect(views[0][0]).toBe(0);
    expect(views[0][1]).toBeLessThan(-100);
    input.dispose();
    model.dispose();
  });

  it('gives the same result whatever the chunk size', () => {
    // Arrange
    const model = seeded(mlp([6, 6, 1], 4, 8, 'softmax'), 6);

    // Act
    const whole = queryLogits(model, x, 'flip');
    const chunked = queryLogits(model, x, 'flip', 5); // 23 = 4 × 5 + 3

    // Assert
    expect(chunked.views).toEqual(whole.views);
    model.dispose();
  });
});
