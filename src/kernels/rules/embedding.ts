/**
 * Embedding layers: z_it = E[x_it] for token ids x_i (any shape after the batch axis).
 * ∇E_i = Σ_t e_{x_it} g_itᵀ, so ‖∇E_i‖² = Σ_{s,t} 1[x_is = x_it]·⟨g_is, g_it⟩ (Li, Tramèr, Liang &
 * Hashimoto 2022, App. on embedding layers; Opacus' embedding grad sampler computes the same), without
 * a V × d tensor per example. The clipped sum Σ_i c_i ∇E_i adds the rows c_i·g_it at ids x_it: a
 * ScatterNd with summed duplicates (the wasm backend has ScatterNd but no UnsortedSegmentSum).
 */
import * as tf from '@tensorflow/tfjs';
import type { AnyLayer, LayerRule } from './LayerRule.js';

interface EmbeddingInternals {
  embeddings: { read(): tf.Tensor };
  inputDim: number;
  outputDim: number;
}

const internals = (layer: AnyLayer): EmbeddingInternals => layer as unknown as EmbeddingInternals;

function ids(a: tf.Tensor): tf.Tensor2D {
  return tf.reshape(tf.cast(a, 'int32'), [a.shape[0], -1]) as tf.Tensor2D;
}

export const embeddingRule: LayerRule = {
  forward(layer, input, probe) {
    const e = internals(layer);
    const z = tf.reshape(tf.gather(e.embeddings.read(), tf.reshape(tf.cast(input, 'int32'), [-1])), [...input.shape, e.outputDim]);
    return probe === null ? z : tf.add(z, probe);
  },

  preActivationShape(layer, inputShape) {
    return [...inputShape, internals(layer).outputDim];
  },

  normsSquared(layer, a, g) {
    const x = ids(a);
    const g3 = tf.reshape(g, [g.shape[0], -1, internals(layer).outputDim]) as tf.Tensor3D;
    const same = tf.cast(tf.equal(tf.expandDims(x, 2), tf.expandDims(x, 1)), 'float32');
    return tf.sum(tf.mul(same, tf.matMul(g3, g3, false, true)), [1, 2]) as tf.Tensor1D;
  },

  clippedSum(layer, a, g, c) {
    const e = internals(layer);
    const x = ids(a);
    const rows = tf.reshape(tf.mul(tf.reshape(g, [g.shape[0], -1, e.outputDim]), tf.reshape(c, [-1, 1, 1])), [-1, e.outputDim]);
    return [tf.scatterND(tf.reshape(x, [-1, 1]), rows, [e.inputDim, e.outputDim])];
  },
};
