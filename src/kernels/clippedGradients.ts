/**
 * One DP-SGD clipping pass (Abadi et al. 2016, Alg. 1, lines "compute gradient" and "clip gradient"),
 * without per-example gradients where a layer rule exists: one forward pass with zero probes on each
 * weighted layer's pre-activation, one backward pass of the SUMMED per-example loss to the probes,
 * then per-example norms ‖∇θ L_i‖ and the clipped sum Σ_i c_i ∇θ L_i, c_i = min(1, C/(‖∇θ L_i‖ + 1e-6)),
 * from the layer rules.
 */
import * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../accountant/index.js';
import { ruleFor } from './layerRules.js';
import { perExampleLoss, type LossSpec } from './perExampleLoss.js';
import type { AnyLayer, LayerRule } from './rules/LayerRule.js';

/** Options of {@link clippedGradients}. */
export interface ClippingOptions {
  /** The loss, per example. */
  readonly loss: LossSpec;
  /** Clipping norm C > 0. */
  readonly maxGradNorm: number;
  /**
   * Train weighted layers that have no rule by a per-example loop (tf.variableGrads on each example
   * alone) instead of refusing them. Correct but B times slower for those layers. @defaultValue false
   */
  readonly allowSlowLayers?: boolean;
}

/** What one clipping pass returns; the caller owns (and disposes) every tensor. */
export interface ClippedGradients {
  /** ‖∇θ L_i‖ over all trainable weights, before clipping: [B]. */
  readonly perExampleNorms: tf.Tensor1D;
  /** c_i: [B]. */
  readonly clipFactors: tf.Tensor1D;
  /** Σ_i c_i ∇θ L_i, one tensor per entry of `model.trainableWeights`, in that order. */
  readonly grads: tf.Tensor[];
  /** Per-example losses L_i: [B]. */
  readonly losses: tf.Tensor1D;
}

interface Step {
  readonly layer: AnyLayer;
  readonly rule: LayerRule | null;
  /** A trainable weighted layer without a rule, handled by the per-example loop. */
  readonly slow: boolean;
}

/** The model's layers as a chain, each with its rule (throws for unsupported layers). */
function chainOf(model: tf.LayersModel, allowSlowLayers: boolean): Step[] {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  for (const l of layers) {
    if (l.inboundNodes.length > 1 || l.inboundNodes.some((n) => n.inboundLayers.length > 1)) {
      throw new PrivkitError('UNSUPPORTED_LAYER', `Layer "${l.name}" is shared or has several inputs; per-example clipping supports chains of layers (Sequential models).`);
    }
  }
  return layers.map((layer) => {
    if (!layer.trainable) return { layer, rule: null, slow: false };
    try {
      return { layer, rule: ruleFor(layer), slow: false };
    } catch (e) {
      const unsupported = e instanceof PrivkitError && e.code === 'UNSUPPORTED_LAYER' && layer.getClassName() !== 'BatchNormalization';
      if (allowSlowLayers && unsupported) return { layer, rule: null, slow: true };
      if (unsupported) {
        throw new PrivkitError('UNSUPPORTED_LAYER', `${e.message} Or pass \`allowSlowLayers: true\` to train it by a per-example loop.`, e.details);
      }
      throw e;
    }
  });
}

/**
 * Per-example norms and the clipped gradient sum of one batch.
 * @param model - a chain of layers (a `tf.Sequential`, or a functional model without branches).
 * @param x - inputs, batch first.
 * @param y - targets, batch first.
 * @param options - loss and clipping norm.
 * @returns tensors the caller must dispose.
 * @throws PrivkitError `UNSUPPORTED_LAYER`, or `INVALID_ARGUMENT` for mismatched batches or C ≤ 0.
 * @example
 * ```ts
 * const { grads, perExampleNorms } = clippedGradients(model, xb, yb, { loss: 'categoricalCrossentropy', maxGradNorm: 1 });
 * ```
 */
export function clippedGradients(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, options: ClippingOptions): ClippedGradients {
  const { maxGradNorm } = options;
  if (!(typeof maxGradNorm === 'number' && maxGradNorm > 0 && Number.isFinite(maxGradNorm))) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`maxGradNorm\` must be in (0, ∞); got ${String(maxGradNorm)}.`);
  }
  if (x.shape[0] !== y.shape[0]) {
    throw new PrivkitError('INVALID_ARGUMENT', `x and y must have the same batch size; got ${x.shape[0]} and ${y.shape[0]}.`);
  }
  const steps = chainOf(model, options.allowSlowLayers ?? false);
  const lossFn = perExampleLoss(options.loss);
  const batch = x.shape[0];
  if (batch === 0) {
    // An empty Poisson batch: nothing to clip, the sum is zero (noise is still added by the caller).
    const none = (): tf.Tensor1D => tf.zeros([0]) as tf.Tensor1D;
    return { perExampleNorms: none(), clipFactors: none(), losses: none(), grads: model.trainableWeights.map((w) => tf.zeros(w.shape as number[])) };
  }

  return tf.tidy(() => {
    // Probe shapes: walk the chain once symbolically.
    const probeShapes: number[][] = [];
    let shape = [...x.shape];
    for (const { layer, rule } of steps) {
      if (rule !== null) {
        // The activation is elementwise, so the output has z's shape (tfjs' own computeOutputShape is
        // wrong for causal Conv1D).
        shape = rule.preActivationShape(layer, shape);
        probeShapes.push(shape);
      } else {
        const out = layer.computeOutputShape(shape.map((d, i) => (i === 0 ? null : d)) as tf.Shape) as (number | null)[];
        shape = [batch, ...(out.slice(1) as number[])];
      }
    }
    const probes = probeShapes.map((s) => tf.zeros(s));

    const inputs: tf.Tensor[] = [];
    let losses: tf.Tensor1D | null = null;
    const total = (...ps: tf.Tensor[]): tf.Scalar => {
      let h: tf.Tensor = x;
      let k = 0;
      for (const { layer, rule } of steps) {
        if (rule === null) {
          h = layer.apply(h, { training: true }) as tf.Tensor;
        } else {
          inputs.push(tf.keep(h));
          h = rule.forward(layer, h, ps[k++]);
        }
      }
      losses = tf.keep(lossFn(y, h));
      return tf.sum(losses);
    };
    const g = probes.length > 0 ? tf.grads(total)(probes) : (total(), []);

    // Layers without a rule: each example's gradient for their weights, by a loop over the batch.
    const slowLayers = steps.filter((st) => st.slow).map((st) => st.layer);
    const slowVars = slowLayers.flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
    const slowPerExample: tf.Tensor[][] = [];
    for (let i = 0; slowVars.length > 0 && i < batch; i++) {
      const xi = tf.slice(x, i, 1);
      const yi = tf.slice(y, i, 1);
      const { grads: gi } = tf.variableGrads(() => tf.sum(lossFn(yi, model.apply(xi, { training: true }) as tf.Tensor)) as tf.Scalar, slowVars);
      slowPerExample.push(slowVars.map((v) => gi[v.name]));
    }

    let normsSq: tf.Tensor1D = tf.zeros([batch]);
    if (slowPerExample.length > 0) {
      const slowNorms = tf.stack(slowPerExample.map((gs) => tf.addN(gs.map((t) => tf.sum(tf.square(t))))));
      normsSq = tf.add(normsSq, slowNorms);
    }
    let k = 0;
    for (const { layer, rule } of steps) {
      if (rule === null) continue;
      normsSq = tf.add(normsSq, rule.normsSquared(layer, inputs[k], g[k]));
      k++;
    }
    // The ghost form ⟨UUᵀ, GGᵀ⟩ is a sum of products, not of squares: for an example whose gradient is
    // ~0 float32 rounding can make it slightly negative, and √ of that is NaN (seen on Fashion-MNIST).
    const perExampleNorms = tf.sqrt(tf.relu(normsSq)) as tf.Tensor1D;
    const clipFactors = tf.minimum(1, tf.div(maxGradNorm, tf.add(perExampleNorms, 1e-6))) as tf.Tensor1D;

    const grads: tf.Tensor[] = [];
    k = 0;
    const factors = slowPerExample.length > 0 ? clipFactors.dataSync() : new Float32Array(0);
    let slowIndex = 0;
    for (const { layer, rule, slow } of steps) {
      if (slow) {
        for (let w = 0; w < layer.trainableWeights.length; w++, slowIndex++) {
          grads.push(tf.addN(slowPerExample.map((gs, i) => tf.mul(gs[slowIndex], factors[i]))));
        }
        continue;
      }
      if (rule === null) continue;
      grads.push(...rule.clippedSum(layer, inputs[k], g[k], clipFactors));
      k++;
    }
    for (const t of inputs) if (t !== x) t.dispose(); // kept intermediates; never the caller's input
    return { perExampleNorms, clipFactors, grads, losses: losses as unknown as tf.Tensor1D };
  });
}
