/**
 * Embedding layers: z_it = E[x_it] for token ids x_i (any shape after the batch axis).
 * ∇E_i = Σ_t e_{x_it} g_itᵀ, so ‖∇E_i‖² = Σ_v ‖Σ_{t: x_it = v} g_it‖² = Σ_{s,t} 1[x_is = x_it]·⟨g_is, g_it⟩
 * (Li, Tramèr, Liang & Hashimoto 2022, on embedding layers), without a V × d tensor per example; the
 * first form is used, O(B·T·d). The clipped sum Σ_i c_i ∇E_i adds the rows c_i·g_it at ids x_it: a
 * ScatterNd with summed duplicates (the wasm backend has ScatterNd but no UnsortedSegmentSum).
 *
 * A padding id p (PyTorch's `nn.Embedding(padding_idx=p)`): row p gets no gradient. Zeroing g_it at the
 * positions where x_it = p removes exactly row p's term from ∇E_i, so the norm becomes
 * Σ_{v ≠ p} ‖Σ_{t: x_it = v} g_it‖² and row p of the clipped sum is 0 (see {@link embeddingRuleWithPaddingId}).
 */
import * as tf from '@tensorflow/tfjs';
import type { AnyLayer, LayerRule } from './LayerRule.js';

interface EmbeddingInternals {
  // ids outside [0, inputDim) are rejected by tfjs' gather before the rule reads them
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
    // ‖∇E_i‖² = Σ_v ‖Σ_{t: x_it = v} g_it‖²: sum each example's rows of G by token (segment = the first
    // position of that token in the example), then square. O(B·T·d), where the equal-id form
    // Σ_{s,t} 1[x_is = x_it]⟨g_is, g_it⟩ costs O(B·T²·d).
    const d = internals(layer).outputDim;
    const [b, t] = ids(a).shape;
    const tokens = ids(a).dataSync();
    const segment = new Int32Array(b * t);
    // first[v] is valid for example i when stamp[v] === i + 1: no per-example allocation.
    const vocab = internals(layer).inputDim;
    const first = new Int32Array(vocab);
    const stamp = new Int32Array(vocab);
    for (let i = 0; i < b; i++) {
      for (let k = 0; k < t; k++) {
        const v = tokens[i * t + k];
        if (stamp[v] !== i + 1) {
          stamp[v] = i + 1;
          first[v] = i * t + k;
        }
        segment[i * t + k] = first[v];
      }
    }
    const perToken = tf.scatterND(tf.tensor2d(segment, [b * t, 1], 'int32'), tf.reshape(g, [b * t, d]), [b * t, d]);
    return tf.sum(tf.reshape(tf.square(perToken), [b, t * d]), 1) as tf.Tensor1D;
  },

  clippedSum(layer, a, g, c) {
    const e = internals(layer);
    const x = ids(a);
    const rows = tf.reshape(tf.mul(tf.reshape(g, [g.shape[0], -1, e.outputDim]), tf.reshape(c, [-1, 1, 1])), [-1, e.outputDim]);
    return [tf.scatterND(tf.reshape(x, [-1, 1]), rows, [e.inputDim, e.outputDim])];
  },
};

/**
 * The embedding rule for a table whose row `paddingId` receives no gradient (PyTorch's
 * `nn.Embedding(padding_idx)`): that row is left out of each example's norm and is zero in the clipped
 * sum. The forward pass is unchanged (the padding row's vector still reaches the next layer).
 * @param paddingId - the padding row, an integer in [0, inputDim) (validated by the caller).
 * @returns a rule.
 * @example
 * ```ts
 * const rule = embeddingRuleWithPaddingId(0);
 * ```
 */
export function embeddingRuleWithPaddingId(paddingId: number): LayerRule {
  // g_it·1[x_it ≠ p]: a [B, …, 1] mask broadcast over the embedding axis.
  const masked = (a: tf.Tensor, g: tf.Tensor): tf.Tensor => tf.mul(g, tf.expandDims(tf.cast(tf.notEqual(tf.cast(a, 'int32'), paddingId), g.dtype), -1));
  return {
    ...embeddingRule,
    normsSquared: (layer, a, g) => embeddingRule.normsSquared(layer, a, masked(a, g)),
    clippedSum: (layer, a, g, c) => embeddingRule.clippedSum(layer, a, masked(a, g), c),
  };
}
