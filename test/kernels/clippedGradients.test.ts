/**
 * Per-example norms and clipped sums from the layer rules, against the brute-force definition: for each
 * example alone, tf.variableGrads of its loss with respect to every trainable weight.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { PrivkitError } from '../../accountant/index.js';
import { clippedGradients } from '../../src/kernels/clippedGradients.js';
import { registerLayerRule } from '../../src/kernels/layerRules.js';
import { denseRule } from '../../src/kernels/rules/dense.js';
import { perExampleLoss, type LossSpec } from '../../src/kernels/perExampleLoss.js';

const SEED = 3;

beforeAll(async () => {
  await tf.setBackend('cpu'); // float32 reference arithmetic without wasm's different summation order
});

/** Brute force: each example's own gradient, its norm, and Σ c_i ∇_i. */
function bruteForce(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, loss: LossSpec, maxGradNorm: number) {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const lossFn = perExampleLoss(loss);
  const norms: number[] = [];
  const sums = vars.map((v) => new Float64Array(v.size));
  for (let i = 0; i < x.shape[0]; i++) {
    const xi = tf.slice(x, [i], [1]);
    const yi = tf.slice(y, [i], [1]);
    const { grads } = tf.variableGrads(() => tf.sum(lossFn(yi, model.apply(xi, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
    const flat = vars.map((v) => grads[v.name].dataSync());
    const norm = Math.sqrt(flat.reduce((s, a) => s + Array.from(a).reduce((t, z) => t + z * z, 0), 0));
    const c = Math.min(1, maxGradNorm / (norm + 1e-6));
    flat.forEach((a, j) => a.forEach((z, k) => (sums[j][k] += c * z)));
    norms.push(norm);
    tf.dispose([xi, yi, ...Object.values(grads)]);
  }
  return { norms, sums };
}

function mlp(inputShape: number[], hidden: number[], outputs: number, seed: number): tf.Sequential {
  const model = tf.sequential();
  hidden.forEach((units, i) =>
    model.add(tf.layers.dense({ units, activation: 'tanh', ...(i === 0 ? { inputShape } : {}), kernelInitializer: tf.initializers.glorotNormal({ seed: seed + i }) })),
  );
  model.add(
    tf.layers.dense({
      units: outputs,
      activation: 'softmax',
      ...(hidden.length === 0 ? { inputShape } : {}),
      kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 99 }),
      biasInitializer: tf.initializers.randomNormal({ seed, stddev: 0.1 }),
    }),
  );
  return model;
}

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-6);
}

/** Compares clippedGradients with the brute force on one model; returns nothing, asserts 1e-4. */
function agreeWithBruteForce(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, maxGradNorm: number, allowSlowLayers = false): void {
  const out = clippedGradients(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm, allowSlowLayers });
  const ref = bruteForce(model, x, y, 'categoricalCrossentropy', maxGradNorm);
  const norms = out.perExampleNorms.dataSync();
  ref.norms.forEach((n, i) => expect(relErr(norms[i], n)).toBeLessThan(1e-4));
  out.grads.forEach((g, j) => {
    expect(g.shape).toEqual(model.trainableWeights[j].shape);
    const got = g.dataSync();
    const scale = Math.max(...Array.from(ref.sums[j], Math.abs), 1e-6);
    ref.sums[j].forEach((v, k) => expect(Math.abs(got[k] - v) / scale).toBeLessThan(1e-4));
  });
  tf.dispose([out.perExampleNorms, out.clipFactors, out.losses, ...out.grads]);
}

describe('clippedGradients vs a per-example brute-force loop', () => {
  it('Dense on 2-D input: norms and clipped sums agree to 1e-4 relative (random shapes, batches, C)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 0, maxLength: 2 }),
        fc.integer({ min: 2, max: 5 }),
        fc.double({ min: 0.01, max: 5, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (batch, inDim, hidden, classes, maxGradNorm, seed) => {
          const model = mlp([inDim], hidden, classes, seed);
          const x = tf.randomNormal([batch, inDim], 0, 2, 'float32', seed);
          const y = tf.oneHot(tf.randomUniformInt([batch], 0, classes, seed + 1), classes);
          agreeWithBruteForce(model, x, y, maxGradNorm);
          tf.dispose([x, y]);
          model.dispose();
        },
      ),
      { seed: SEED, numRuns: 20 },
    );
  });

  it('Dense on 3-D input [B, T, d], both the ⟨AAᵀ, GGᵀ⟩ form (short T) and the materialised form (long T)', () => {
    for (const [t, d, units] of [
      [3, 8, 6],
      [12, 2, 3],
    ]) {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ units, inputShape: [t, d], activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }), biasInitializer: 'ones' }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
        ],
      });
      const x = tf.randomNormal([5, t, d], 0, 1, 'float32', 7);
      const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1, 0], 'int32'), 3);
      agreeWithBruteForce(model, x, y, 0.5);
      tf.dispose([x, y]);
    }
  });

  it('Conv2D: strides, same/valid padding, kernel shapes, channels (random configurations)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<'same' | 'valid'>('same', 'valid'),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 1000 }),
        (padding, kernel, stride, channels, seed) => {
          const model = tf.sequential({
            layers: [
              tf.layers.conv2d({ filters: 3, kernelSize: [kernel, kernel === 3 ? 2 : kernel], strides: stride, padding, inputShape: [7, 6, channels], activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed }), biasInitializer: 'ones' }),
              tf.layers.conv2d({ filters: 2, kernelSize: 2, padding: 'same', activation: 'tanh', kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 1 }) }),
              tf.layers.flatten(),
              tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 2 }) }),
            ],
          });
          const x = tf.randomNormal([4, 7, 6, channels], 0, 1, 'float32', seed);
          const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
          agreeWithBruteForce(model, x, y, 0.7);
          tf.dispose([x, y]);
          model.dispose();
        },
      ),
      { seed: SEED, numRuns: 12 },
    );
  });

  it.each([
    ['valid', 1, 1],
    ['same', 2, 1],
    ['valid', 2, 1],
  ] as const)('Conv1D padding %s, stride %i, dilation %i', (padding, strides, dilationRate) => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv1d({ filters: 4, kernelSize: 3, strides, padding, dilationRate, inputShape: [9, 2], activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }), biasInitializer: 'ones' }),
        tf.layers.globalAveragePooling1d(),
        tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }),
      ],
    });
    const x = tf.randomNormal([5, 9, 2], 0, 1, 'float32', 5);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1, 0], 'int32'), 3);
    agreeWithBruteForce(model, x, y, 0.5);
    tf.dispose([x, y]);
  });

  it('Embedding (repeated ids) and LayerNormalization (γ and β), inside a small text classifier', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 1000 }), (vocab, length, seed) => {
        const model = tf.sequential({
          layers: [
            tf.layers.embedding({ inputDim: vocab, outputDim: 4, inputLength: length, embeddingsInitializer: tf.initializers.randomNormal({ seed }) }),
            tf.layers.dense({ units: 5, activation: 'tanh', kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 1 }) }),
            tf.layers.layerNormalization({ gammaInitializer: tf.initializers.randomNormal({ seed: seed + 2, mean: 1, stddev: 0.3 }), betaInitializer: tf.initializers.randomNormal({ seed: seed + 3, stddev: 0.3 }) }),
            tf.layers.flatten(),
            tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 4 }) }),
          ],
        });
        const x = tf.randomUniformInt([4, length], 0, vocab, seed);
        const y = tf.oneHot(tf.tensor1d([2, 0, 1, 2], 'int32'), 3);
        agreeWithBruteForce(model, x, y, 0.3);
        tf.dispose([x, y]);
        model.dispose();
      }),
      { seed: SEED, numRuns: 12 },
    );
  });

  it('allowSlowLayers: a weighted layer without a rule (PReLU) is trained by the per-example loop, exactly', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 5, inputShape: [4], kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
        tf.layers.prelu({ alphaInitializer: tf.initializers.constant({ value: 0.2 }) }),
        tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
      ],
    });
    const x = tf.randomNormal([6, 4], 0, 2, 'float32', 9);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3);
    expect(() => clippedGradients(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: 1 })).toThrowError(/PReLU.*allowSlowLayers: true/);
    agreeWithBruteForce(model, x, y, 0.4, true);
    tf.dispose([x, y]);
  });

  it('a rounding-negative ghost norm (a sum of products, not of squares) gives norm 0, not NaN', () => {
    // ⟨UUᵀ, GGᵀ⟩ for an example whose gradient is ~0 can come out at −1e-12 in float32: simulate it.
    registerLayerRule('Dense', { ...denseRule, normsSquared: (_layer, a) => tf.fill([a.shape[0]], -1e-12) as tf.Tensor1D });
    try {
      const model = mlp([3], [], 2, 1);
      const x = tf.randomNormal([4, 3], 0, 1, 'float32', 4);
      const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2);
      const out = clippedGradients(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: 1 });
      expect(Array.from(out.perExampleNorms.dataSync())).toEqual([0, 0, 0, 0]);
      for (const g of out.grads) for (const v of g.dataSync()) expect(Number.isFinite(v)).toBe(true);
      tf.dispose([x, y, out.perExampleNorms, out.clipFactors, out.losses, ...out.grads]);
    } finally {
      registerLayerRule('Dense', denseRule);
    }
  });

  it('sensitivity: for random architectures, batches and C, adding one example changes the clipped sum by at most C (+1e-5)', () => {
    type Kind = 'mlp' | 'cnn' | 'conv1d' | 'text';
    const build = (kind: Kind, seed: number): { model: tf.Sequential; input: (n: number) => tf.Tensor } => {
      const init = (k: number) => tf.initializers.glorotNormal({ seed: seed + k });
      const head = [tf.layers.flatten(), tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(9) })];
      switch (kind) {
        case 'mlp':
          return { model: mlp([4], [5], 3, seed), input: (n) => tf.randomNormal([n, 4], 0, 3, 'float32', seed) };
        case 'cnn':
          return {
            model: tf.sequential({ layers: [tf.layers.conv2d({ filters: 3, kernelSize: 3, strides: 1 + (seed % 2), padding: seed % 3 === 0 ? 'valid' : 'same', inputShape: [6, 6, 2], activation: 'tanh', kernelInitializer: init(1) }), ...head] }),
            input: (n) => tf.randomNormal([n, 6, 6, 2], 0, 3, 'float32', seed),
          };
        case 'conv1d':
          return {
            model: tf.sequential({ layers: [tf.layers.conv1d({ filters: 4, kernelSize: 2, strides: 1 + (seed % 2), inputShape: [7, 3], activation: 'relu', kernelInitializer: init(1) }), ...head] }),
            input: (n) => tf.randomNormal([n, 7, 3], 0, 3, 'float32', seed),
          };
        case 'text':
          return {
            model: tf.sequential({
              layers: [
                tf.layers.embedding({ inputDim: 6, outputDim: 4, inputLength: 5, embeddingsInitializer: tf.initializers.randomNormal({ seed }) }),
                tf.layers.layerNormalization(),
                ...head,
              ],
            }),
            input: (n) => tf.randomUniformInt([n, 5], 0, 6, seed),
          };
      }
    };
    fc.assert(
      fc.property(
        fc.constantFrom<Kind>('mlp', 'cnn', 'conv1d', 'text'),
        fc.integer({ min: 1, max: 6 }),
        fc.double({ min: 0.05, max: 3, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (kind, batch, maxGradNorm, seed) => {
          const { model, input } = build(kind, seed);
          const x = input(batch + 1);
          const y = tf.oneHot(tf.randomUniformInt([batch + 1], 0, 3, seed), 3);
          const all = clippedGradients(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm });
          const xs = tf.slice(x, [0], [batch]);
          const ys = tf.slice(y, [0], [batch]);
          const fewer = clippedGradients(model, xs, ys, { loss: 'categoricalCrossentropy', maxGradNorm });
          let sq = 0;
          all.grads.forEach((g, j) => {
            const a = g.dataSync();
            const b = fewer.grads[j].dataSync();
            a.forEach((v, k) => (sq += (v - b[k]) ** 2));
          });
          expect(Math.sqrt(sq)).toBeLessThanOrEqual(maxGradNorm + 1e-5);
          tf.dispose([x, y, xs, ys, all.perExampleNorms, all.clipFactors, all.losses, ...all.grads, fewer.perExampleNorms, fewer.clipFactors, fewer.losses, ...fewer.grads]);
          model.dispose();
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
  });

  it('leaks no tensors over repeated calls', () => {
    const model = mlp([6], [8], 4, 1);
    const x = tf.randomNormal([16, 6], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.randomUniformInt([16], 0, 4, 2), 4);
    const run = () => {
      const out = clippedGradients(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: 1 });
      tf.dispose([out.perExampleNorms, out.clipFactors, out.losses, ...out.grads]);
    };
    run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) run();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses BatchNormalization and weighted layers without a rule, naming them', () => {
    const bn = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2] }), tf.layers.batchNormalization()] });
    const x = tf.zeros([2, 2]);
    const y = tf.zeros([2, 3]);
    expect(() => clippedGradients(bn, x, y, { loss: 'meanSquaredError', maxGradNorm: 1 })).toThrowError(/BatchNormalization.*LayerNormalization/);
    const prelu = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2] }), tf.layers.prelu()] });
    try {
      clippedGradients(prelu, tf.zeros([2, 2]), tf.zeros([2, 3]), { loss: 'meanSquaredError', maxGradNorm: 1 });
      expect.unreachable();
    } catch (e) {
      expect((e as PrivkitError).code).toBe('UNSUPPORTED_LAYER');
      expect((e as Error).message).toMatch(/PReLU.*supported: Conv1D, Conv2D, Conv2DTranspose, Conv3D, Dense, DepthwiseConv2D, Embedding, LayerNormalization, SeparableConv2D, SimpleRNN/);
    }
    const dilated = tf.sequential({ layers: [tf.layers.conv1d({ filters: 2, kernelSize: 2, dilationRate: 2, inputShape: [6, 1] }), tf.layers.flatten()] });
    expect(() => clippedGradients(dilated, tf.zeros([2, 6, 1]), tf.zeros([2, 8]), { loss: 'meanSquaredError', maxGradNorm: 1 })).toThrowError(/dilationRate 2.*no gradient/);
    const dense = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [x.shape[1] as number] })] });
    expect(() => clippedGradients(dense, x, tf.zeros([3, 3]), { loss: 'meanSquaredError', maxGradNorm: 1 })).toThrowError(/same batch size/);
    expect(() => clippedGradients(dense, x, y, { loss: 'meanSquaredError', maxGradNorm: 0 })).toThrowError(/`maxGradNorm` must be in \(0, ∞\); got 0/);
  });
});
