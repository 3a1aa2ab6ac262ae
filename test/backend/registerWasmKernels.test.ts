/**
 * A user's own, non-private training on wasm: plain tfjs `model.fit` of a Conv2D + Embedding model,
 * the wasm backend started by tfjs itself (not by useBackend). Without privkit's gap kernels the fit
 * fails (Conv2DBackpropFilter / UnsortedSegmentSum are not registered for wasm in tfjs 4.22); after the
 * public `registerWasmKernels()` it runs and ends on the weights cpu's fit ends on.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { registerWasmKernels } from '../../src/index.js';

/** A conv model and an embedding model, seeded, so that both backends start from the same weights. */
function models(): tf.Sequential[] {
  const cnn = tf.sequential({
    layers: [
      tf.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', inputShape: [8, 8, 1], activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
    ],
  });
  const emb = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: 10, outputDim: 3, inputLength: 4, embeddingsInitializer: tf.initializers.randomNormal({ seed: 3 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }),
    ],
  });
  for (const m of [cnn, emb]) m.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  return [cnn, emb];
}

function data(): { x: tf.Tensor; y: tf.Tensor }[] {
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 1, 0, 1, 0], 'int32'), 2));
  return [
    { x: tf.randomNormal([6, 8, 8, 1], 0, 1, 'float32', 7), y },
    { x: tf.randomUniformInt([6, 4], 0, 10, 8), y: y.clone() },
  ];
}

/** Two epochs of plain `model.fit` of each model; returns the final weights (one flat array per model). */
async function fitBoth(): Promise<Float32Array[]> {
  const ms = models();
  const ds = data();
  const out: Float32Array[] = [];
  for (let i = 0; i < ms.length; i++) {
    await ms[i].fit(ds[i].x, ds[i].y, { epochs: 2, batchSize: 3, shuffle: false, verbose: 0 });
    out.push(Float32Array.from(ms[i].getWeights().flatMap((w) => Array.from(w.dataSync()))));
  }
  for (const m of ms) {
    m.optimizer.dispose();
    m.dispose();
  }
  for (const d of ds) tf.dispose([d.x, d.y]);
  return out;
}

describe('registerWasmKernels (public export) makes plain tfjs training work on wasm', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('fit fails on wasm before registration and, after it, equals the cpu fit', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    await expect(fitBoth()).rejects.toThrowError(/Conv2DBackpropFilter.*not registered|not registered.*Conv2DBackpropFilter/i);

    registerWasmKernels();
    registerWasmKernels(); // idempotent
    const before = tf.memory().numTensors;
    const onWasm = await fitBoth();
    expect(tf.memory().numTensors).toBe(before);

    await tf.setBackend('cpu');
    const onCpu = await fitBoth();
    expect(tf.memory().numTensors).toBe(before);
    for (let m = 0; m < onCpu.length; m++) {
      expect(onWasm[m].length).toBe(onCpu[m].length);
      let scale = 0;
      let diff = 0;
      for (let i = 0; i < onCpu[m].length; i++) {
        scale = Math.max(scale, Math.abs(onCpu[m][i]));
        diff = Math.max(diff, Math.abs(onWasm[m][i] - onCpu[m][i]));
      }
      expect(diff / scale).toBeLessThan(1e-4); // float32 kernels summing in a different order
    }
  });
});
