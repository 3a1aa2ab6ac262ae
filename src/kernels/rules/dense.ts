/**
 * Dense (fully connected) layers. z = a·W + b.
 * - 2-D input [B, d]: ∇W_i = a_i g_iᵀ, so ‖∇W_i‖² = ‖a_i‖²·‖g_i‖² and ∇b_i = g_i (Goodfellow 2015).
 * - 3-D input [B, T, d] (the same W at T positions): ∇W_i = A_iᵀG_i. ‖A_iᵀG_i‖²_F = ⟨A_iA_iᵀ, G_iG_iᵀ⟩
 *   costs O(T²(d + p)) and is used when 2T² ≤ d·p; otherwise A_iᵀG_i is materialised, O(T·d·p)
 *   (Li, Tramèr, Liang & Hashimoto 2022, "Large language models can be strong differentially private
 *   learners", §4, ghost clipping). ∇b_i = Σ_t g_it.
 * Clipped sums by book-keeping (Bu et al. 2023, arXiv 2210.00038): ΣW = Σ_i c_i A_iᵀG_i = Aᵀdiag(c)G
 * over all rows, no second backward pass.
 */
import * as tf from '@tensorflow/tfjs';
import type { AnyLayer, LayerRule } from './LayerRule.js';

interface DenseInternals {
  kernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
  useBias: boolean;
  activation: { apply(x: tf.Tensor): tf.Tensor };
  units: number;
}

const internals = (layer: AnyLayer): DenseInternals => layer as unknown as DenseInternals;

export const denseRule: LayerRule = {
  forward(layer, input, probe) {
    const d = internals(layer);
    const inDim = input.shape[input.shape.length - 1];
    const flat = tf.reshape(input, [-1, inDim]);
    let z = tf.matMul(flat, d.kernel.read() as tf.Tensor2D);
    if (d.useBias && d.bias !== null) z = tf.add(z, d.bias.read());
    z = tf.reshape(z, [...input.shape.slice(0, -1), d.units]);
    if (probe !== null) z = tf.add(z, probe);
    return d.activation.apply(z);
  },

  preActivationShape(layer, inputShape) {
    return [...inputShape.slice(0, -1), internals(layer).units];
  },

  normsSquared(layer, a, g) {
    const d = internals(layer);
    if (a.rank === 2) {
      const aa = tf.sum(tf.square(a), 1);
      const gg = tf.sum(tf.square(g), 1);
      const w = tf.mul(aa, gg);
      return (d.useBias ? tf.add(w, gg) : w) as tf.Tensor1D;
    }
    const [b, inDim] = [a.shape[0], a.shape[a.rank - 1] as number];
    const a3 = tf.reshape(a, [b, -1, inDim]);
    const g3 = tf.reshape(g, [b, -1, d.units]);
    const positions = a3.shape[1] as number;
    let w: tf.Tensor1D;
    if (2 * positions * positions <= inDim * d.units) {
      const aat = tf.matMul(a3, a3, false, true);
      const ggt = tf.matMul(g3, g3, false, true);
      w = tf.sum(tf.mul(aat, ggt), [1, 2]) as tf.Tensor1D;
    } else {
      const per = tf.matMul(a3, g3, true, false); // [B, d, p]
      w = tf.sum(tf.square(per), [1, 2]) as tf.Tensor1D;
    }
    if (!d.useBias) return w;
    return tf.add(w, tf.sum(tf.square(tf.sum(g3, 1)), 1)) as tf.Tensor1D;
  },

  clippedSum(layer, a, g, c) {
    const d = internals(layer);
    const inDim = a.shape[a.rank - 1] as number;
    const b = a.shape[0];
    // Scale each example's rows of G by c_i, then one matmul over all B·T rows.
    const gc = tf.mul(tf.reshape(g, [b, -1, d.units]), tf.reshape(c, [b, 1, 1]));
    const gFlat = tf.reshape(gc, [-1, d.units]);
    const kernel = tf.matMul(tf.reshape(a, [-1, inDim]), gFlat, true, false);
    return d.useBias ? [kernel, tf.sum(gFlat, 0)] : [kernel];
  },
};
