/**
 * Per-example gradient algebra shared by every layer that applies one weight matrix W [D, P] at T
 * positions of an example: z_it = u_itᵀW (+ b). Dense on 2-D input is T = 1; Dense on [B, T, d] and
 * convolutions (u = im2col patches) are T > 1.
 *
 * ∇W_i = U_iᵀG_i, ∇b_i = Σ_t g_it. ‖U_iᵀG_i‖²_F = ⟨U_iU_iᵀ, G_iG_iᵀ⟩ ("ghost norm", Li, Tramèr, Liang &
 * Hashimoto 2022, §4) costs O(T²(D + P)); materialising U_iᵀG_i costs O(T·D·P) — the ghost form is used
 * when 2T² ≤ D·P (Bu, Mao & Zha 2022, "Scalable and efficient training of large convolutional neural
 * networks with differential privacy", §3.2). For T = 1 it is ‖u_i‖²‖g_i‖² (Goodfellow 2015).
 * The clipped sum Σ_i c_i U_iᵀG_i = Uᵀ·diag(c)·G over all B·T rows (book-keeping, Bu et al. 2023,
 * arXiv 2210.00038), one matmul and no second backward pass.
 */
import * as tf from '@tensorflow/tfjs';

/** Per-example ‖∇W_i‖² (+ ‖∇b_i‖² when `withBias`), U: [B, T, D], G: [B, T, P]. */
export function positionwiseNormsSquared(u: tf.Tensor3D, g: tf.Tensor3D, withBias: boolean): tf.Tensor1D {
  const [, t, d] = u.shape;
  const p = g.shape[2];
  let w: tf.Tensor1D;
  if (t === 1) {
    w = tf.mul(tf.sum(tf.square(u), [1, 2]), tf.sum(tf.square(g), [1, 2])) as tf.Tensor1D;
  } else if (2 * t * t <= d * p) {
    w = tf.sum(tf.mul(tf.matMul(u, u, false, true), tf.matMul(g, g, false, true)), [1, 2]) as tf.Tensor1D;
  } else {
    w = tf.sum(tf.square(tf.matMul(u, g, true, false)), [1, 2]) as tf.Tensor1D;
  }
  return withBias ? (tf.add(w, tf.sum(tf.square(tf.sum(g, 1)), 1)) as tf.Tensor1D) : w;
}

/** Σ_i c_i ∇W_i as [D, P], and Σ_i c_i ∇b_i as [P] when `withBias`. */
export function positionwiseClippedSum(u: tf.Tensor3D, g: tf.Tensor3D, c: tf.Tensor1D, withBias: boolean): tf.Tensor[] {
  const [b, , d] = u.shape;
  const p = g.shape[2];
  const gFlat = tf.reshape(tf.mul(g, tf.reshape(c, [b, 1, 1])), [-1, p]);
  // Uᵀ·G with an explicit transpose: the wasm backend runs matMul(…, transposeA = true) through a slow
  // generic loop and only the untransposed 2-D case through XNNPACK (≈10× here on 784×256 layers).
  const w = tf.matMul(tf.transpose(tf.reshape(u, [-1, d]) as tf.Tensor2D), gFlat as tf.Tensor2D);
  return withBias ? [w, tf.sum(gFlat, 0)] : [w];
}
