/**
 * Per-layer clipping (McMahan et al. 2018, §3; Opacus `DPPerLayerOptimizer`): each layer's part of each
 * example's gradient clipped to its own C_l, against a per-example brute-force loop; the sensitivity
 * √(Σ_l C_l²) as a property; the equal split of a single C; refusals; no tensor leaks.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { clippedGradients, type ClippingOptions } from '../../src/kernels/clippedGradients.js';
import { expectInvalid } from '../_support/errors.js';
import { bruteForce, disposeClipped, distance, expectAgreement } from './_bruteForce.js';

const SEED = 5;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const init = (seed: number) => tf.initializers.glorotNormal({ seed });

function mlp(inDim: number, hidden: number[], classes: number, seed: number): tf.Sequential {
  const model = tf.sequential();
  hidden.forEach((units, i) => model.add(tf.layers.dense({ units, activation: 'tanh', ...(i === 0 ? { inputShape: [inDim] } : {}), kernelInitializer: init(seed + i) })));
  model.add(tf.layers.dense({ units: classes, activation: 'softmax', ...(hidden.length === 0 ? { inputShape: [inDim] } : {}), kernelInitializer: init(seed + 99), biasInitializer: tf.initializers.randomNormal({ seed, stddev: 0.1 }) }));
  return model;
}

function textModel(vocab: number, length: number, seed: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: vocab, outputDim: 4, inputLength: length, embeddingsInitializer: tf.initializers.randomNormal({ seed }) }),
      tf.layers.dense({ units: 5, activation: 'tanh', kernelInitializer: init(seed + 1) }),
      tf.layers.layerNormalization({ gammaInitializer: tf.initializers.randomNormal({ seed: seed + 2, mean: 1, stddev: 0.3 }), betaInitializer: tf.initializers.randomNormal({ seed: seed + 3, stddev: 0.3 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(seed + 4) }),
    ],
  });
}

function agree(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, maxGradNorm: number[], extra: Partial<ClippingOptions> = {}): void {
  const out = clippedGradients(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm, clipping: 'per-layer', ...extra });
  expect(out.clipFactors.shape).toEqual([x.shape[0], maxGradNorm.length]);
  expectAgreement(out, bruteForce(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm }), model);
  disposeClipped(out);
}

describe("clipping: 'per-layer' vs a per-example brute-force loop", () => {
  it('MLPs: per-layer norms, factors [B, L] and clipped sums agree to 1e-4 (random shapes, batches, bounds)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 0, maxLength: 2 }),
        fc.array(fc.double({ min: 0.02, max: 3, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 0, max: 1000 }),
        (batch, inDim, hidden, bounds, seed) => {
          const model = mlp(inDim, hidden, 3, seed);
          const x = tf.randomNormal([batch, inDim], 0, 3, 'float32', seed);
          const y = tf.oneHot(tf.randomUniformInt([batch], 0, 3, seed + 1), 3);
          agree(model, x, y, bounds.slice(0, hidden.length + 1));
          tf.dispose([x, y]);
          model.dispose();
        },
      ),
      { seed: SEED, numRuns: 12 },
    );
  });

  it('Embedding, Dense on [B, T, d], LayerNormalization and Conv2D layers each get their own factor', () => {
    const text = textModel(7, 5, 11);
    const ids = tf.randomUniformInt([6, 5], 0, 7, 2);
    const y6 = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3);
    agree(text, ids, y6, [0.05, 0.3, 0.02, 0.5]);
    const cnn = tf.sequential({
      layers: [
        tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', inputShape: [5, 5, 2], activation: 'relu', kernelInitializer: init(1), biasInitializer: 'ones' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(2) }),
      ],
    });
    const images = tf.randomNormal([6, 5, 5, 2], 0, 2, 'float32', 3);
    agree(cnn, images, y6, [0.4, 0.1]);
    tf.dispose([ids, y6, images]);
  });

  it('a layer without a rule (PReLU, allowSlowLayers) gets its own bound in the per-example loop', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 5, inputShape: [4], kernelInitializer: init(1) }),
        tf.layers.prelu({ alphaInitializer: tf.initializers.constant({ value: 0.2 }) }),
        tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(2) }),
      ],
    });
    const x = tf.randomNormal([6, 4], 0, 3, 'float32', 9);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3);
    agree(model, x, y, [0.3, 0.01, 0.2], { allowSlowLayers: true });
    tf.dispose([x, y]);
  });

  it('differs from flat clipping at the same total bound (the test can tell the two apart)', () => {
    const model = mlp(4, [5], 3, 1);
    const x = tf.randomNormal([5, 4], 0, 3, 'float32', 1);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1], 'int32'), 3);
    const perLayer = clippedGradients(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: [0.1, 1], clipping: 'per-layer' });
    const flat = clippedGradients(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: Math.hypot(0.1, 1) });
    expect(distance(perLayer.grads, flat.grads)).toBeGreaterThan(1e-3);
    tf.dispose([x, y]);
    disposeClipped(perLayer);
    disposeClipped(flat);
  });

  it('a single C is split equally, C_l = C/√L (same result as the explicit array)', () => {
    const model = mlp(4, [6, 5], 3, 2);
    const x = tf.randomNormal([5, 4], 0, 3, 'float32', 2);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1], 'int32'), 3);
    const split = clippedGradients(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: 0.6, clipping: 'per-layer' });
    const explicit = clippedGradients(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: [0.6 / Math.sqrt(3), 0.6 / Math.sqrt(3), 0.6 / Math.sqrt(3)], clipping: 'per-layer' });
    expect(distance(split.grads, explicit.grads)).toBe(0);
    expect(Array.from(split.clipFactors.dataSync())).toEqual(Array.from(explicit.clipFactors.dataSync()));
    tf.dispose([x, y]);
    disposeClipped(split);
    disposeClipped(explicit);
  });

  it('sensitivity: for random models, batches and bounds, adding one example moves the clipped sum by at most √(Σ C_l²) (+1e-5)', () => {
    type Kind = 'mlp' | 'cnn' | 'text';
    const build = (kind: Kind, seed: number): { model: tf.Sequential; input: (n: number) => tf.Tensor; layers: number } => {
      switch (kind) {
        case 'mlp':
          return { model: mlp(4, [5, 4], 3, seed), input: (n) => tf.randomNormal([n, 4], 0, 3, 'float32', seed), layers: 3 };
        case 'cnn':
          return {
            model: tf.sequential({ layers: [tf.layers.conv2d({ filters: 3, kernelSize: 2, strides: 1 + (seed % 2), inputShape: [5, 5, 2], activation: 'tanh', kernelInitializer: init(seed) }), tf.layers.flatten(), tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(seed + 1) })] }),
            input: (n) => tf.randomNormal([n, 5, 5, 2], 0, 3, 'float32', seed),
            layers: 2,
          };
        case 'text':
          return { model: textModel(6, 4, seed), input: (n) => tf.randomUniformInt([n, 4], 0, 6, seed), layers: 4 };
      }
    };
    fc.assert(
      fc.property(
        fc.constantFrom<Kind>('mlp', 'cnn', 'text'),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.double({ min: 0.02, max: 3, noNaN: true }), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 1000 }),
        (kind, batch, allBounds, seed) => {
          const { model, input, layers } = build(kind, seed);
          const bounds = allBounds.slice(0, layers);
          const options: ClippingOptions = { loss: 'categoricalCrossentropy', maxGradNorm: bounds, clipping: 'per-layer' };
          const x = input(batch + 1);
          const y = tf.oneHot(tf.randomUniformInt([batch + 1], 0, 3, seed), 3);
          const xs = tf.slice(x, [0], [batch]);
          const ys = tf.slice(y, [0], [batch]);
          const all = clippedGradients(model, x, y, options);
          const fewer = clippedGradients(model, xs, ys, options);
          const sensitivity = Math.sqrt(bounds.reduce((s, c) => s + c * c, 0));
          expect(distance(all.grads, fewer.grads)).toBeLessThanOrEqual(sensitivity + 1e-5);
          // And layer by layer: each layer's block moves by at most its own C_l.
          let w = 0;
          model.layers.filter((l) => l.trainableWeights.length > 0).forEach((l, k) => {
            const n = l.trainableWeights.length;
            expect(distance(all.grads.slice(w, w + n), fewer.grads.slice(w, w + n))).toBeLessThanOrEqual(bounds[k] + 1e-5);
            w += n;
          });
          tf.dispose([x, y, xs, ys]);
          disposeClipped(all);
          disposeClipped(fewer);
          model.dispose();
        },
      ),
      { seed: SEED, numRuns: 15 },
    );
  });

  it('an empty batch gives zero sums and [0, L] factors', () => {
    const model = mlp(3, [4], 2, 1);
    const out = clippedGradients(model, tf.zeros([0, 3]), tf.zeros([0, 2]), { loss: 'categoricalCrossentropy', maxGradNorm: [1, 2], clipping: 'per-layer' });
    expect(out.clipFactors.shape).toEqual([0, 2]);
    expect(out.perLayerNorms?.shape).toEqual([0, 2]);
    for (const g of out.grads) expect(Array.from(g.dataSync()).every((v) => v === 0)).toBe(true);
    disposeClipped(out);
  });

  it('leaks no tensors over repeated calls', () => {
    const model = textModel(8, 4, 1);
    const x = tf.randomUniformInt([10, 4], 0, 8, 1);
    const y = tf.oneHot(tf.randomUniformInt([10], 0, 3, 2), 3);
    const run = () => disposeClipped(clippedGradients(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: [1, 0.5, 0.2, 1], clipping: 'per-layer', embeddingPaddingIds: { [model.layers[0].name]: 0 } }));
    run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) run();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('refuses bounds that do not match the layers, naming the count and the layers; and arrays with flat clipping', () => {
    const model = mlp(3, [4], 2, 1);
    const [first, second] = model.layers.map((l) => l.name);
    const x = tf.zeros([2, 3]);
    const y = tf.zeros([2, 2]);
    const clip = (extra: Partial<ClippingOptions>) => () => clippedGradients(model, x, y, { loss: 'meanSquaredError', maxGradNorm: 1, ...extra });
    expectInvalid(clip({ clipping: 'per-layer', maxGradNorm: [1, 2, 3] }), new RegExp(`has 3 per-layer bounds, but the model has 2 clipped layers \\(${first}, ${second}\\)`));
    expectInvalid(clip({ clipping: 'per-layer', maxGradNorm: [1] }), /has 1 per-layer bound, but the model has 2 clipped layers/);
    expectInvalid(clip({ clipping: 'per-layer', maxGradNorm: [1, 0] }), new RegExp(`\`maxGradNorm\\[1\\]\` \\(layer "${second}"\\) must be in \\(0, ∞\\); got 0`));
    expectInvalid(clip({ clipping: 'per-layer', maxGradNorm: -1 }), /`maxGradNorm` must be in \(0, ∞\); got -1/);
    expectInvalid(clip({ maxGradNorm: [1, 2] }), /array of 2 per-layer bounds, but `clipping` is 'flat'/);
    expectInvalid(clip({ clipping: 'layer' as 'flat' }), /`clipping` must be 'flat' or 'per-layer'; got "layer"/);
    tf.dispose([x, y]);
  });
});
