/**
 * Small, deterministic populations and models for the shadow-training tests: 8×8 one-channel
 * "images" whose class sets a fixed pattern under noise, MLP/CNN topologies, and weight readers.
 */
import * as tf from '@tensorflow/tfjs';
import type { MembershipData, ShadowTrainingOptions } from '../../../mia/shadow/ShadowTrainingOptions.js';
import type { ShadowTrainingContext } from '../../../mia/shadow/trainShadowModel.js';
import { gaussian } from '../attacks/_synthetic.js';
import { mulberry32 } from '../../_support/prng.js';

/**
 * n examples of shape [side, side, 1]: class c is template_c + N(0, noise²) per pixel, labels uniform.
 * `noise` large with `signal` 0 gives random labels (only memorisation can fit them).
 */
export function imageData(n: number, seed: number, options: { classes?: number; side?: number; noise?: number; signal?: number } = {}): MembershipData {
  const { classes = 3, side = 8, noise = 1, signal = 1 } = options;
  const rand = mulberry32(seed);
  const size = side * side;
  const templates = Array.from({ length: classes }, () => Float32Array.from({ length: size }, () => signal * gaussian(rand)));
  const y = Int32Array.from({ length: n }, () => Math.floor(rand() * classes));
  const x = new Float32Array(n * size);
  for (let i = 0; i < n; i++) for (let p = 0; p < size; p++) x[i * size + p] = templates[y[i]][p] + noise * gaussian(rand);
  return { x, y, exampleShape: [side, side, 1], numClasses: classes };
}

/** Flatten → Dense(hidden, relu) → Dense(classes, softmax); default tfjs names and unseeded initializers. */
export function mlp(inputShape: readonly number[], classes: number, hidden = 16, output: 'softmax' | 'linear' = 'softmax'): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [...inputShape] }),
      tf.layers.dense({ units: hidden, activation: 'relu' }),
      tf.layers.dense({ units: classes, activation: output }),
    ],
  });
}

/** Conv2D(2 filters, 3×3, stride 2) → Flatten → Dense(classes, softmax) on [side, side, 1]. */
export function tinyCnn(side: number, classes: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [side, side, 1], filters: 2, kernelSize: 3, strides: 2, activation: 'relu' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: classes, activation: 'softmax' }),
    ],
  });
}

/** A model's Keras topology, as auditMembership takes it from the target. */
export function topologyOf(model: tf.LayersModel): object {
  return model.toJSON(null, false) as object;
}

/** Copies of all of a model's weights (getWeights order). */
export function weightsOf(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array).map((a) => Float32Array.from(a));
}

/** Largest |a − b| over all weights. */
export function maxAbsDiff(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let d = 0;
  a.forEach((w, k) => w.forEach((v, i) => (d = Math.max(d, Math.abs(v - b[k][i])))));
  return d;
}

/** The population as tensors plus a recipe; `dispose()` frees x and y. */
export function contextFor(data: MembershipData, topology: object, train: ShadowTrainingOptions): ShadowTrainingContext & { dispose(): void } {
  const n = data.y.length;
  const x = tf.tensor(data.x, [n, ...data.exampleShape], 'float32');
  const y = tf.tensor1d(data.y, 'int32');
  return { topology, x, y, train, dispose: () => tf.dispose([x, y]) };
}
