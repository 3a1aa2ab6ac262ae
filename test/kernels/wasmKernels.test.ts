/**
 * The training kernels privkit registers for the wasm backend, against the cpu backend's own kernels:
 * Conv2DBackpropFilter (several strides, paddings, kernel and channel sizes) and UnsortedSegmentSum;
 * then whole non-private training steps of a CNN and an embedding model on wasm equal cpu's.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/useBackend.js';
import { clippedGradients } from '../../src/kernels/clippedGradients.js';
import { maxRelDiff, on } from './_wasmCompare.js';

/** Small models of each kind, seeded, so both backends start from the same weights. */
function smallModel(kind: 'cnn' | 'embedding'): tf.Sequential {
  return kind === 'cnn'
    ? tf.sequential({
        layers: [
          tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', inputShape: [9, 9, 1], activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
          tf.layers.conv2d({ filters: 3, kernelSize: 2, activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }),
        ],
      })
    : tf.sequential({
        layers: [
          tf.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 6, embeddingsInitializer: tf.initializers.randomNormal({ seed: 1 }) }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
        ],
      });
}

function smallBatch(kind: 'cnn' | 'embedding'): [tf.Tensor, tf.Tensor] {
  const x = kind === 'cnn' ? tf.randomNormal([5, 9, 9, 1], 0, 1, 'float32', 5) : tf.randomUniformInt([5, 6], 0, 20, 5);
  return [x, tf.oneHot(tf.tensor1d([0, 1, 2, 1, 0], 'int32'), 3)];
}

describe('wasm kernels registered by privkit', () => {
  afterAll(async () => {
    await useBackend('cpu');
  });

  it('Conv2DBackpropFilter equals the cpu kernel (random geometry)', async () => {
    const cases = fc.sample(
      fc.record({
        h: fc.integer({ min: 3, max: 9 }),
        w: fc.integer({ min: 3, max: 9 }),
        cin: fc.integer({ min: 1, max: 4 }),
        cout: fc.integer({ min: 1, max: 5 }),
        kh: fc.integer({ min: 1, max: 3 }),
        kw: fc.integer({ min: 1, max: 3 }),
        stride: fc.integer({ min: 1, max: 2 }),
        pad: fc.constantFrom<'same' | 'valid'>('same', 'valid'),
        batch: fc.integer({ min: 1, max: 3 }),
      }),
      { seed: 17, numRuns: 25 },
    );
    for (const c of cases) {
      const compute = (): number[] => {
        // tf.grad of conv2d with respect to the filter runs each backend's Conv2DBackpropFilter kernel.
        const grad = tf.tidy(() => {
          const x = tf.randomNormal([c.batch, c.h, c.w, c.cin], 0, 1, 'float32', 1) as tf.Tensor4D;
          const filter = tf.randomNormal([c.kh, c.kw, c.cin, c.cout], 0, 1, 'float32', 2);
          const dy = tf.randomNormal(tf.conv2d(x, filter as tf.Tensor4D, c.stride, c.pad).shape, 0, 1, 'float32', 3);
          return tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, c.stride, c.pad), dy)))(filter);
        });
        const values = Array.from(grad.dataSync());
        grad.dispose();
        return values;
      };
      const wasm = await on('wasm', compute);
      const cpu = await on('cpu', compute);
      expect(maxRelDiff(wasm, cpu)).toBeLessThan(1e-5);
    }
  });

  it('UnsortedSegmentSum equals the cpu kernel, duplicates summed', async () => {
    const compute = () =>
      tf.tidy(() => Array.from(tf.unsortedSegmentSum(tf.randomNormal([12, 3], 0, 1, 'float32', 4), tf.tensor1d([0, 2, 2, 5, 0, 1, 1, 1, 4, 5, 5, 0], 'int32'), 7).dataSync()));
    expect(maxRelDiff(await on('wasm', compute), await on('cpu', compute))).toBeLessThan(1e-6);
  });

  it.each(['cnn', 'embedding'] as const)('per-example norms and clipped sums of a %s on wasm match cpu', async (kind) => {
    const compute = () => {
      const model = smallModel(kind);
      const [x, y] = smallBatch(kind);
      const out = clippedGradients(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: 0.5 });
      const values = [out.perExampleNorms, ...out.grads].map((t) => Array.from(t.dataSync()));
      tf.dispose([x, y, out.perExampleNorms, out.clipFactors, out.losses, ...out.grads]);
      model.dispose();
      return values;
    };
    const wasm = await on('wasm', compute);
    const cpu = await on('cpu', compute);
    wasm.forEach((w, i) => expect(maxRelDiff(w, cpu[i])).toBeLessThan(1e-4));
  });

  it.each(['cnn', 'embedding'] as const)('per-layer clipping (and a padding id on the embedding) of a %s on wasm matches cpu', async (kind) => {
    const compute = () => {
      const model = smallModel(kind);
      const [x, y] = smallBatch(kind);
      const pad = kind === 'embedding' ? { embeddingPaddingIds: { [model.layers[0].name]: (x.dataSync() as ArrayLike<number>)[0] } } : {};
      const bounds = kind === 'cnn' ? [0.2, 0.1, 0.3] : [0.05, 0.2];
      const out = clippedGradients(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: bounds, clipping: 'per-layer', ...pad });
      const values = [out.perExampleNorms, out.clipFactors, ...out.grads].map((t) => Array.from(t.dataSync()));
      tf.dispose([x, y, out.perExampleNorms, out.clipFactors, out.losses, ...out.grads, ...(out.perLayerNorms ? [out.perLayerNorms] : [])]);
      model.dispose();
      return values;
    };
    const wasm = await on('wasm', compute);
    const cpu = await on('cpu', compute);
    wasm.forEach((w, i) => expect(maxRelDiff(w, cpu[i])).toBeLessThan(1e-4));
  });

  it.each(['cnn', 'embedding'] as const)('a non-private %s training step on wasm matches cpu', async (kind) => {
    const step = () => {
      const model = smallModel(kind);
      const [x, y] = smallBatch(kind);
      tf.train.sgd(0.5).minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar);
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      tf.dispose([x, y]);
      model.dispose();
      return weights;
    };
    const wasm = await on('wasm', step);
    const cpu = await on('cpu', step);
    wasm.forEach((w, i) => expect(maxRelDiff(w, cpu[i])).toBeLessThan(1e-4));
  });
});
