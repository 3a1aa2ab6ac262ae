/**
 * Dense (fully connected) layers: z = a·W + b on the last axis, at every leading position.
 * Per-example norms and clipped sums by the position-wise algebra (see `positionwiseLinear.ts`), with
 * u = a: T = 1 for 2-D input, T = the product of the middle axes otherwise.
 */
import * as tf from '@tensorflow/tfjs';
import type { AnyLayer, LayerRule } from './LayerRule.js';
import type { BiasActivationInternals, LayerWeight } from './layerInternals.js';
import { positionwiseClippedSum, positionwiseNormsSquared } from './positionwiseLinear.js';

interface DenseInternals extends BiasActivationInternals {
  kernel: LayerWeight;
  units: number;
}

const internals = (layer: AnyLayer): DenseInternals => layer as unknown as DenseInternals;

function asPositions(t: tf.Tensor): tf.Tensor3D {
  return tf.reshape(t, [t.shape[0], -1, t.shape[t.rank - 1]]) as tf.Tensor3D;
}

export const denseRule: LayerRule = {
  forward(layer, input, probe) {
    const d = internals(layer);
    const inDim = input.shape[input.shape.length - 1];
    let z = tf.matMul(tf.reshape(input, [-1, inDim]), d.kernel.read() as tf.Tensor2D);
    if (d.useBias && d.bias !== null) z = tf.add(z, d.bias.read());
    z = tf.reshape(z, [...input.shape.slice(0, -1), d.units]);
    if (probe !== null) z = tf.add(z, probe);
    return d.activation.apply(z);
  },

  preActivationShape(layer, inputShape) {
    return [...inputShape.slice(0, -1), internals(layer).units];
  },

  normsSquared(layer, a, g) {
    return positionwiseNormsSquared(asPositions(a), asPositions(g), internals(layer).useBias);
  },

  clippedSum(layer, a, g, c) {
    return positionwiseClippedSum(asPositions(a), asPositions(g), c, internals(layer).useBias);
  },
};
