/**
 * DpOptimizer with per-layer clipping (noise std σ·√(Σ_l C_l²), the clipped step against the brute
 * force) and Embedding padding ids (the padding row bit-identical after noisy steps), both through
 * `makePrivate`; no tensor leaks; early refusals.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makePrivate, type MakePrivateOptions } from '../../src/makePrivate.js';
import { DpOptimizer } from '../../src/optimizer/DpOptimizer.js';
import { expectInvalid } from '../_support/errors.js';
import { bruteForce } from '../kernels/_bruteForce.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function mlp(seed = 1): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 8, inputShape: [5], activation: 'tanh', kernelInitializer: tf.initializers.glorotNormal({ seed }) }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 1 }) }),
    ],
  });
}

function textModel(seed = 1): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.embedding({ name: 'tokens', inputDim: 6, outputDim: 4, inputLength: 5, embeddingsInitializer: tf.initializers.randomNormal({ seed }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 1 }) }),
    ],
  });
}

/** Batches of token ids where 0 pads the end of every row. */
function paddedIds(batch: number, seed: number): tf.Tensor2D {
  const rnd = tf.randomUniformInt([batch, 5], 1, 6, seed);
  const values = rnd.arraySync() as number[][];
  rnd.dispose();
  values.forEach((row, i) => row.fill(0, 5 - 1 - (i % 3)));
  return tf.tensor2d(values, [batch, 5], 'float32');
}

/** As in dpOptimizer.test.ts: n·v/s² ~ χ²_n, two-sided at 1e-4 (z = 3.89, normal approximation). */
function varianceWithinChiSquare(values: Float32Array, std: number): boolean {
  let ss = 0;
  for (const v of values) ss += v * v;
  const n = values.length;
  const stat = ss / (std * std);
  return Math.abs(stat - n) < 3.89 * Math.sqrt(2 * n);
}

const bits = (t: tf.Tensor): number[] => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));

describe("DpOptimizer, clipping: 'per-layer'", () => {
  it('noise has standard deviation σ·√(Σ C_l²) (χ², 200k draws); a single C keeps σ·C', () => {
    const dp = new DpOptimizer({ model: mlp(), optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError', maxGradNorm: [0.3, 0.4], clipping: 'per-layer', noiseMultiplier: 1.3, expectedBatchSize: 10, seed: 3 });
    expect(dp.sensitivity).toBeCloseTo(0.5, 12);
    const zeros = [tf.zeros([200_000])];
    const [noise] = dp.addNoise(zeros);
    const values = noise.dataSync() as Float32Array;
    expect(varianceWithinChiSquare(values, 1.3 * 0.5)).toBe(true);
    expect(varianceWithinChiSquare(values, 1.1 * 1.3 * 0.5)).toBe(false);
    expect(varianceWithinChiSquare(values, 1.3 * 0.4)).toBe(false); // not max C_l
    tf.dispose([...zeros, noise]);
    const single = new DpOptimizer({ model: mlp(), optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError', maxGradNorm: 0.7, clipping: 'per-layer', noiseMultiplier: 1, expectedBatchSize: 10 });
    expect(single.sensitivity).toBe(0.7);
  });

  it('one noiseless step applies −(per-layer clipped sum)/(q·N), as the brute force computes it', () => {
    const model = mlp(4);
    const x = tf.randomNormal([6, 5], 0, 3, 'float32', 4);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3);
    const maxGradNorm = [0.2, 0.05];
    const ref = bruteForce(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm });
    const before = model.trainableWeights.map((w) => Array.from(w.read().dataSync()));
    const priv = makePrivate({ model, optimizer: tf.train.sgd(1), loss: 'categoricalCrossentropy', maxGradNorm, clipping: 'per-layer', noiseMultiplier: 0, sampleRate: 0.5, datasetSize: 16 });
    priv.step(x, y);
    model.trainableWeights.forEach((w, j) => {
      const after = w.read().dataSync();
      const scale = Math.max(...Array.from(ref.sums[j], Math.abs)) / 8;
      before[j].forEach((b, k) => expect(Math.abs(b - after[k] - ref.sums[j][k] / 8) / scale).toBeLessThan(1e-4));
    });
    tf.dispose([x, y]);
  });

  it('refuses, at construction, bounds that do not match the layers (naming count and layers) and arrays with flat clipping', () => {
    const model = mlp();
    const names = model.layers.map((l) => l.name).join(', ');
    const base: MakePrivateOptions = { model, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', maxGradNorm: 1, noiseMultiplier: 1, sampleRate: 0.01, datasetSize: 100 };
    expectInvalid(() => makePrivate({ ...base, clipping: 'per-layer', maxGradNorm: [1, 1, 1] }), new RegExp(`has 3 per-layer bounds, but the model has 2 clipped layers \\(${names}\\)`));
    expectInvalid(() => makePrivate({ ...base, maxGradNorm: [1, 1] }), /array of 2 per-layer bounds, but `clipping` is 'flat'/);
    expectInvalid(() => makePrivate({ ...base, clipping: 'per-layer', maxGradNorm: [1, Number.NaN] }), /`maxGradNorm\[1\]`.*must be in \(0, ∞\); got NaN/);
    expectInvalid(() => makePrivate({ ...base, embeddingPaddingIds: { tokens: 0 } }), /names "tokens", which is not a layer of the model; its Embedding layers: none/);
  });
});

describe('DpOptimizer, embeddingPaddingIds', () => {
  it('the padding row is bit-identical after noisy steps (SGD with momentum, Adam, virtual steps); the other rows move', () => {
    for (const [optimizer, chunk] of [
      [tf.train.momentum(0.5, 0.9), Infinity],
      [tf.train.adam(0.05), 3],
    ] as const) {
      const model = textModel(2);
      const before = model.layers[0].getWeights()[0].arraySync() as number[][];
      const priv = makePrivate({ model, optimizer, loss: 'categoricalCrossentropy', maxGradNorm: 0.5, noiseMultiplier: 1.5, sampleRate: 0.1, datasetSize: 80, seed: 9, embeddingPaddingIds: { tokens: 0 } });
      for (let s = 0; s < 5; s++) {
        const x = paddedIds(8, s);
        const y = tf.oneHot(tf.randomUniformInt([8], 0, 3, s), 3);
        priv.dpOptimizer.step(x, y, chunk);
        tf.dispose([x, y]);
      }
      const table = model.layers[0].getWeights()[0];
      const after = table.arraySync() as number[][];
      const row0Before = tf.tensor1d(before[0]);
      const row0After = tf.tensor1d(after[0]);
      expect(bits(row0After)).toEqual(bits(row0Before));
      for (let v = 1; v < 6; v++) expect(after[v]).not.toEqual(before[v]);
      tf.dispose([row0Before, row0After]);
    }
  });

  it('no noise on the padding row; every other coordinate gets the noise it would get without padding ids', () => {
    const common = { model: textModel(3), optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' as const, maxGradNorm: 1, noiseMultiplier: 1, expectedBatchSize: 4, seed: 17 };
    const zeros = common.model.trainableWeights.map((w) => tf.zeros(w.shape as number[]));
    const padded = new DpOptimizer({ ...common, embeddingPaddingIds: { tokens: 4 } }).addNoise(zeros);
    const plain = new DpOptimizer(common).addNoise(zeros);
    const rows = padded[0].arraySync() as number[][];
    const plainRows = plain[0].arraySync() as number[][];
    expect(rows[4].every((v) => v === 0)).toBe(true);
    expect(plainRows[4].some((v) => v !== 0)).toBe(true);
    rows.forEach((r, v) => v !== 4 && expect(r).toEqual(plainRows[v]));
    padded.slice(1).forEach((t, j) => expect(Array.from(t.dataSync())).toEqual(Array.from(plain[j + 1].dataSync())));
    tf.dispose([...zeros, ...padded, ...plain]);
  });
});

describe('both options together', () => {
  it('keeps tf.memory().numTensors stable over repeated steps', () => {
    const model = textModel(5);
    const priv = makePrivate({ model, optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', maxGradNorm: [0.3, 0.6], clipping: 'per-layer', embeddingPaddingIds: { tokens: 0 }, noiseMultiplier: 1, sampleRate: 0.1, datasetSize: 80, seed: 2 });
    const x = paddedIds(8, 1);
    const y = tf.oneHot(tf.randomUniformInt([8], 0, 3, 1), 3);
    priv.step(x, y); // the optimizer creates its slot variables on the first step
    const before = tf.memory().numTensors;
    for (let i = 0; i < 30; i++) priv.step(x, y);
    priv.step(tf.zeros([0, 5]), tf.zeros([0, 3])); // an empty Poisson batch too
    expect(tf.memory().numTensors).toBe(before + 2); // the two zeros tensors above
    expect(priv.dpOptimizer.sensitivity).toBeCloseTo(Math.hypot(0.3, 0.6), 12);
    tf.dispose([x, y]);
  });
});
