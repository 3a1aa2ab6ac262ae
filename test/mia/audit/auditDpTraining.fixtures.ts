/** Data and model shared by the auditDpTraining tests. */
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../../_support/prng.js';

/**
 * Two blobs in the first 4 of 8 dimensions (the last 4 are always 0, like MNIST's blank border:
 * "quiet" coordinates of the first kernel that real gradients never move), n examples.
 */
export function blobs(n: number, seed: number) {
  const r = mulberry32(seed);
  const x = new Float32Array(n * 8);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let k = 0; k < 4; k++) x[i * 8 + k] = (y[i] === 1 ? 0.5 : -0.5) + (r() - 0.5);
  }
  return { x, y, exampleShape: [8], numClasses: 2 };
}

/** 8-64-2 MLP with fixed initial weights. */
export const mlp = (): tf.LayersModel =>
  tf.sequential({
    layers: [
      tf.layers.dense({ units: 64, activation: 'relu', inputShape: [8], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });

/** A small recipe: 400 examples, q = 64/N, 2 epochs. */
export const base = { model: mlp, data: blobs(400, 3), epochs: 2, batchSize: 64, learningRate: 0.1, maxGradNorm: 1, delta: 1e-5, seed: 4 };
