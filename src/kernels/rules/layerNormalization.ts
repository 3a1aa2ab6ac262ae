/**
 * LayerNormalization: z = x̂ ⊙ γ + β with x̂ = (x − μ)/√(σ² + ε), moments over the normalised axes of
 * each example (so, unlike BatchNormalization, examples do not mix). The per-example gradients are
 * small (the size of γ): ∇γ_i = Σ x̂_i ⊙ g_i and ∇β_i = Σ g_i over the axes that are neither batch nor
 * normalised; they are formed directly (as Opacus' layer-norm grad sampler does).
 */
import * as tf from '@tensorflow/tfjs';
import type { AnyLayer, LayerRule } from './LayerRule.js';

interface LayerNormInternals {
  axis: number[];
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: { read(): tf.Tensor } | null;
  beta: { read(): tf.Tensor } | null;
}

const internals = (layer: AnyLayer): LayerNormInternals => layer as unknown as LayerNormInternals;

/** γ/β broadcast to the input's rank: the normalised axes keep their size, others are 1. */
function broadcastShape(inputShape: number[], axes: number[]): number[] {
  return inputShape.map((d, i) => (axes.includes(i) ? d : 1));
}

function normalised(layer: AnyLayer, x: tf.Tensor): tf.Tensor {
  const l = internals(layer);
  const { mean, variance } = tf.moments(x, l.axis, true);
  return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, l.epsilon)));
}

/** Per-example ∇γ_i and ∇β_i, each [B, …γ's shape…]. */
function perExample(layer: AnyLayer, a: tf.Tensor, g: tf.Tensor): { dGamma: tf.Tensor | null; dBeta: tf.Tensor | null } {
  const l = internals(layer);
  const summed = Array.from({ length: a.rank }, (_, i) => i).filter((i) => i !== 0 && !l.axis.includes(i));
  const shape = [a.shape[0], ...l.axis.map((i) => a.shape[i] as number)];
  const reduce = (t: tf.Tensor): tf.Tensor => tf.reshape(summed.length > 0 ? tf.sum(t, summed) : t, shape);
  return {
    dGamma: l.scale ? reduce(tf.mul(normalised(layer, a), g)) : null,
    dBeta: l.center ? reduce(g) : null,
  };
}

export const layerNormalizationRule: LayerRule = {
  forward(layer, input, probe) {
    const l = internals(layer);
    let z = normalised(layer, input);
    const shape = broadcastShape(input.shape, l.axis);
    if (l.scale && l.gamma !== null) z = tf.mul(z, tf.reshape(l.gamma.read(), shape));
    if (l.center && l.beta !== null) z = tf.add(z, tf.reshape(l.beta.read(), shape));
    return probe === null ? z : tf.add(z, probe);
  },

  preActivationShape(_layer, inputShape) {
    return [...inputShape];
  },

  normsSquared(layer, a, g) {
    const { dGamma, dBeta } = perExample(layer, a, g);
    const axes = Array.from({ length: a.rank }, (_, i) => i).slice(1, 1 + internals(layer).axis.length);
    let n: tf.Tensor = tf.zeros([a.shape[0]]);
    for (const t of [dGamma, dBeta]) if (t !== null) n = tf.add(n, tf.sum(tf.square(t), axes));
    return n as tf.Tensor1D;
  },

  clippedSum(layer, a, g, c) {
    const { dGamma, dBeta } = perExample(layer, a, g);
    const weight = (t: tf.Tensor): tf.Tensor => tf.sum(tf.mul(t, tf.reshape(c, [-1, ...t.shape.slice(1).map(() => 1)])), 0);
    const out: tf.Tensor[] = [];
    if (dGamma !== null) out.push(weight(dGamma));
    if (dBeta !== null) out.push(weight(dBeta));
    return out;
  },
};
