/**
 * A per-layer rule for per-example gradients without materialising them (Goodfellow 2015, "Efficient
 * per-example gradient computations"; Li et al. 2022 "ghost clipping"; Bu et al. 2023 "book-keeping").
 * A rule recomputes the layer's forward pass with a probe added to its pre-activation output z, so
 * that one backward pass on the summed loss yields g_i = ∂L/∂z_i for every example, and then turns
 * (a_i, g_i) — the layer input and that gradient — into per-example squared norms and clipped sums.
 */
import type * as tf from '@tensorflow/tfjs';

/** What a rule needs of a layer: its tfjs object (weights are read from it). */
export type AnyLayer = tf.layers.Layer;

export interface LayerRule {
  /**
   * The layer's forward pass with `probe` (zeros, shape of z) added before the activation.
   * @returns the output and z's shape (the probe's shape).
   */
  forward(layer: AnyLayer, input: tf.Tensor, probe: tf.Tensor | null): tf.Tensor;
  /** Shape of the pre-activation z for a given input shape. */
  preActivationShape(layer: AnyLayer, inputShape: number[]): number[];
  /**
   * Optional: the output's shape, where it is not z's (the activation is elementwise, so by default it
   * is z's) — e.g. a recurrent layer with `returnSequences: false` has z at every step, output at the last.
   */
  outputShape?(layer: AnyLayer, inputShape: number[]): number[];
  /** Per-example squared L2 norms of the layer's weight gradients, summed over its weights: [B]. */
  normsSquared(layer: AnyLayer, a: tf.Tensor, g: tf.Tensor): tf.Tensor1D;
  /** Σ_i c_i·∇_θ L_i for each trainable weight, in the order of `layer.trainableWeights`. */
  clippedSum(layer: AnyLayer, a: tf.Tensor, g: tf.Tensor, c: tf.Tensor1D): tf.Tensor[];
  /**
   * Optional: throws PrivkitError `UNSUPPORTED_LAYER` for a configuration of the layer the rule cannot
   * compute exactly. Called when the rule is looked up (plan time), so that the layer is refused at
   * construction, or takes the per-example loop with `allowSlowLayers`.
   */
  check?(layer: AnyLayer): void;
}
