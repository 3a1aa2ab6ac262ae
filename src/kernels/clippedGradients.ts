/**
 * One DP-SGD clipping pass (Abadi et al. 2016, Alg. 1, lines "compute gradient" and "clip gradient"),
 * without per-example gradients where a layer rule exists: one forward pass with zero probes on each
 * weighted layer's pre-activation, one backward pass of the SUMMED per-example loss to the probes,
 * then per-example norms ‖∇θ L_i‖ and the clipped sum Σ_i c_i ∇θ L_i, c_i = min(1, C/(‖∇θ L_i‖ + 1e-6)),
 * from the layer rules.
 *
 * Per-layer clipping (`clipping: 'per-layer'`; McMahan, Andrew, Erlingsson et al. 2018, "A General
 * Approach to Adding Differential Privacy to Iterative Training Procedures", §3; Opacus
 * `DPPerLayerOptimizer`): layer l's part of each example's gradient is clipped to its own bound C_l,
 * c_il = min(1, C_l/(‖∇_l L_i‖ + 1e-6)), so one example moves the clipped sum by at most
 * √(Σ_l C_l²) in L2. The rules are the same; only the factors differ per layer.
 */
import * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../accountant/index.js';
import type { ClippingMode } from './_internals/clippingPlan.js';
import { checkLossIndependence, checkLossOnBatch, checkLossShape, targetFor } from './_internals/lossContract.js';
import { describe, planClipping, type ClippingPlan, type PlanStep } from './ClippingPlan.js';
import type { LossSpec } from './perExampleLoss.js';

export type { ClippingMode } from './_internals/clippingPlan.js';

/** Options of {@link clippedGradients}. */
export interface ClippingOptions {
  /** The loss, per example. */
  readonly loss: LossSpec;
  /**
   * Clipping norm C > 0. With `clipping: 'per-layer'`: one bound C_l > 0 per clipped layer (each layer
   * with trainable weights, in `model.trainableWeights` order), or one C, split equally as C_l = C/√L.
   */
  readonly maxGradNorm: number | readonly number[];
  /**
   * `'flat'`: each example's whole gradient is clipped to C. `'per-layer'`: each layer's part of it is
   * clipped to its own C_l (a layer's weights, e.g. kernel and bias, share one bound; Opacus bounds each
   * parameter tensor instead); the sensitivity is √(Σ_l C_l²). @defaultValue 'flat'
   */
  readonly clipping?: ClippingMode;
  /**
   * Padding ids of Embedding layers, by layer name (PyTorch's `nn.Embedding(padding_idx)`): the padding
   * row gets no gradient, so it is left out of each example's norm and its row of the clipped sum is 0.
   * `maskZero: true` does NOT imply a padding id of 0: tfjs still trains row 0 under `maskZero` (the
   * mask only tells later layers to skip those positions; privkit carries masks exactly as tfjs does);
   * give `{ [name]: 0 }` to freeze it. @defaultValue no padding ids
   */
  readonly embeddingPaddingIds?: Readonly<Record<string, number>>;
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
  /**
   * c_i: [B] with flat clipping; c_il: [B, L] with per-layer clipping (column l: the l-th layer with
   * trainable weights).
   */
  readonly clipFactors: tf.Tensor1D | tf.Tensor2D;
  /** ‖∇_l L_i‖ before clipping, [B, L]: only with per-layer clipping. */
  readonly perLayerNorms?: tf.Tensor2D;
  /** Σ_i c_i ∇θ L_i, one tensor per entry of `model.trainableWeights`, in that order. */
  readonly grads: tf.Tensor[];
  /** Per-example losses L_i: [B]. */
  readonly losses: tf.Tensor1D;
}

/**
 * Per-example norms and the clipped gradient sum of one batch.
 * @param model - a chain of layers (a `tf.Sequential`, or a functional model without branches).
 * @param x - inputs, batch first.
 * @param y - targets, batch first, in the shape the loss is defined for (see {@link clipBatch}).
 * @param options - loss, clipping norm(s), clipping mode, padding ids.
 * @returns tensors the caller must dispose.
 * @throws PrivkitError `UNSUPPORTED_LAYER`, or `INVALID_ARGUMENT` for mismatched batches or shapes, C ≤ 0,
 *   per-layer bounds that do not match the layers (the message names the count and the layers), or a
 *   padding id that names no Embedding layer or is out of its vocabulary.
 * @example
 * ```ts
 * const { grads, perExampleNorms } = clippedGradients(model, xb, yb, { loss: 'categoricalCrossentropy', maxGradNorm: 1 });
 * ```
 */
export function clippedGradients(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, options: ClippingOptions): ClippedGradients {
  return clipBatch(planClipping(model, options), x, y);
}

/** Custom losses already checked for per-example independence, by plan and target shape. */
const checkedLosses = new WeakMap<ClippingPlan, Set<string>>();

/**
 * Checks a batch against a plan before any work: tensors (not disposed, of this tfjs), the input
 * shape, the batch sizes, and the target shape the loss needs (see lossContract.ts).
 * @returns the target in the loss's shape (the caller disposes it when it is not `y`).
 * @throws PrivkitError `INVALID_ARGUMENT` naming what is wrong.
 */
export function checkBatch(plan: ClippingPlan, x: unknown, y: unknown): tf.Tensor {
  if (Array.isArray(x) || (x !== null && typeof x === 'object' && !(x instanceof tf.Tensor) && !('shape' in x))) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`x\` must be one tf.Tensor (the model has one input); got ${describe(x)}.`);
  }
  for (const [name, t] of [['x', x], ['y', y]] as const) {
    if (!(t instanceof tf.Tensor)) {
      throw new PrivkitError('INVALID_ARGUMENT', `\`${name}\` must be a tf.Tensor of the tfjs the model uses; got ${describe(t)}.`);
    }
    if (t.isDisposed) throw new PrivkitError('INVALID_ARGUMENT', `\`${name}\` has been disposed.`);
  }
  const xs = x as tf.Tensor;
  const ys = y as tf.Tensor;
  const want = plan.inputShape;
  const fits = xs.shape.length === want.length && xs.shape.every((d, i) => i === 0 || want[i] === null || want[i] === d);
  if (!fits) {
    throw new PrivkitError(
      'INVALID_ARGUMENT',
      `\`x\` has shape [${xs.shape.join(', ')}], but the model's input is [B, ${want.slice(1).map((d) => d ?? '?').join(', ')}].`,
      { x: [...xs.shape], input: [...want] },
    );
  }
  if (ys.shape.length === 0 || xs.shape[0] !== ys.shape[0]) {
    throw new PrivkitError('INVALID_ARGUMENT', `x and y must have the same batch size; got ${xs.shape[0]} and ${ys.shape.length === 0 ? 'a scalar' : ys.shape[0]}.`);
  }
  const target = targetFor(plan.loss, ys, plan.outputShape);
  if (typeof plan.loss === 'function') {
    const key = `${target.shape.slice(1).join('x')}:${target.dtype}`;
    let seen = checkedLosses.get(plan);
    if (seen === undefined) checkedLosses.set(plan, (seen = new Set()));
    if (!seen.has(key)) {
      try {
        checkLossIndependence(plan.lossFn, target, plan.outputShape);
      } catch (e) {
        if (target !== ys) target.dispose();
        throw e;
      }
      seen.add(key);
    }
  }
  return target;
}

/**
 * The chain's forward pass, as tfjs runs it: layers with a rule through the rule (probe added to the
 * pre-activation), the others through `apply` (inference mode for a frozen BatchNormalization), masks
 * carried from layer to layer exactly as tfjs-layers' executor does for `predict` and `fit`.
 */
function forwardChain(steps: readonly PlanStep[], x: tf.Tensor, probes: readonly tf.Tensor[] | null, masks: boolean, keepInputs: tf.Tensor[] | null): tf.Tensor {
  let h: tf.Tensor = x;
  let mask: tf.Tensor | null = null; // the mask of the current layer's input
  let passed: tf.Tensor | null = null; // what tfjs passes as kwargs.mask: the last input mask seen
  let k = 0;
  for (const { layer, rule, inference } of steps) {
    const input = h;
    if (mask !== null) passed = mask;
    if (rule === null) {
      const kwargs: Record<string, unknown> = { training: !inference };
      if (passed !== null) kwargs.mask = passed;
      h = layer.apply(h, kwargs) as tf.Tensor;
    } else {
      // Kept past the tidy for the norms; never `keep` the caller's own x (it would escape the caller's tidy).
      if (keepInputs !== null) keepInputs.push(h === x ? h : tf.keep(h));
      h = rule.forward(layer, h, probes === null ? null : probes[k++]);
    }
    // tfjs-layers' executor (predict, fit): a layer that supports masking computes its output's mask;
    // after one that does not, the output has none — but kwargs.mask keeps the last one (it is only
    // overwritten when an input has a mask), so later layers still receive it.
    if (masks) mask = layer.supportsMasking ? ((layer.computeMask(input, mask ?? undefined) as tf.Tensor | null) ?? null) : null;
  }
  return h;
}

/**
 * Per-example norms and the clipped gradient sum of one batch, by a plan made once
 * ({@link planClipping}).
 * @param plan - the model's clipping plan.
 * @param x - inputs, batch first, of the model's input shape.
 * @param y - targets, batch first: the output's shape for the named losses (a [B] target is expanded to
 *   [B, 1] for a one-unit output, as tfjs' `fit` does), class ids [B] or [B, 1] for
 *   'sparseCategoricalCrossentropy'; any shape a custom loss takes (it must return [B] and depend on each
 *   example alone).
 * @returns tensors the caller must dispose.
 * @throws PrivkitError `INVALID_ARGUMENT` for bad tensors or shapes (nothing is allocated then).
 */
export function clipBatch(plan: ClippingPlan, x: tf.Tensor, y: tf.Tensor): ClippedGradients {
  const target = checkBatch(plan, x, y);
  try {
    return clipChecked(plan, x, target);
  } finally {
    if (target !== y) target.dispose();
  }
}

function clipChecked(plan: ClippingPlan, x: tf.Tensor, y: tf.Tensor): ClippedGradients {
  const { steps, bounds, lossFn, maxGradNorm, model, masks } = plan;
  const batch = x.shape[0];
  if (batch === 0) {
    // An empty Poisson batch: nothing to clip, the sum is zero (noise is still added by the caller).
    const none = (): tf.Tensor1D => tf.zeros([0]) as tf.Tensor1D;
    const grads = model.trainableWeights.map((w) => tf.zeros(w.shape as number[]));
    if (bounds === null) return { perExampleNorms: none(), clipFactors: none(), losses: none(), grads };
    const empty = (): tf.Tensor2D => tf.zeros([0, bounds.length]) as tf.Tensor2D;
    return { perExampleNorms: none(), clipFactors: empty(), perLayerNorms: empty(), losses: none(), grads };
  }

  const inputs: tf.Tensor[] = [];
  // The losses leave tf.grads' own scope by tf.keep, which would also take them past any tidy of the
  // caller's: the result returns a clone, and the kept tensor is disposed here.
  let losses: tf.Tensor1D | null = null;
  // A custom loss is checked on every real batch too (see checkLossOnBatch): its predictions are kept.
  const custom = typeof plan.loss === 'function';
  let predictions: tf.Tensor | null = null;
  const disposeInputs = (): void => {
    for (const t of inputs) if (t !== x) t.dispose(); // kept intermediates; never the caller's input
    inputs.length = 0;
    if (losses !== null) (losses as tf.Tensor).dispose();
    if (predictions !== null) (predictions as tf.Tensor).dispose();
  };
  try {
  return tf.tidy(() => {
    // Probe shapes: walk the chain once symbolically.
    const probeShapes: number[][] = [];
    let shape = [...x.shape];
    for (const { layer, rule } of steps) {
      if (rule !== null) {
        // The activation is elementwise, so the output has z's shape (tfjs' own computeOutputShape is
        // wrong for causal Conv1D) — unless the rule says otherwise (a recurrent layer returning its
        // last state only).
        const z = rule.preActivationShape(layer, shape);
        probeShapes.push(z);
        shape = rule.outputShape?.(layer, shape) ?? z;
      } else {
        const out = layer.computeOutputShape(shape.map((d, i) => (i === 0 ? null : d)) as tf.Shape) as (number | null)[];
        shape = [batch, ...(out.slice(1) as number[])];
      }
    }
    const probes = probeShapes.map((s) => tf.zeros(s));

    const total = (...ps: tf.Tensor[]): tf.Scalar => {
      const h = forwardChain(steps, x, ps, masks, inputs);
      const out = lossFn(y, h);
      checkLossShape(out, batch);
      losses = tf.keep(out);
      if (custom) predictions = tf.keep(h);
      return tf.sum(out);
    };
    const g = probes.length > 0 ? tf.grads(total)(probes) : (total(), []);
    if (custom) checkLossOnBatch(lossFn, y, predictions as unknown as tf.Tensor, losses as unknown as tf.Tensor1D);

    // Layers without a rule: each example's gradient for their weights, by a loop over the batch
    // through the same forward pass.
    const slowVars = steps.filter((st) => st.slow).flatMap((st) => st.layer.trainableWeights.map((w) => w.read() as tf.Variable));
    const slowPerExample: tf.Tensor[][] = [];
    for (let i = 0; slowVars.length > 0 && i < batch; i++) {
      const xi = tf.slice(x, i, 1);
      const yi = tf.slice(y, i, 1);
      const { grads: gi } = tf.variableGrads(() => tf.sum(lossFn(yi, forwardChain(steps, xi, null, masks, null))) as tf.Scalar, slowVars);
      slowPerExample.push(slowVars.map((v) => gi[v.name]));
    }

    if (bounds !== null) {
      const clipped = clipPerLayer(steps, inputs, g, slowPerExample, bounds, batch);
      return { ...clipped, losses: tf.clone(losses as unknown as tf.Tensor1D) };
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
    return { perExampleNorms, clipFactors, grads, losses: tf.clone(losses as unknown as tf.Tensor1D) };
  });
  } finally {
    disposeInputs();
  }
}

/**
 * Per-layer clipping: each clipped layer's per-example norms, its own factors c_il = min(1, C_l/(n_il +
 * 1e-6)), and its clipped sum with those factors. Runs inside the caller's `tf.tidy`.
 */
function clipPerLayer(
  steps: readonly PlanStep[],
  inputs: readonly tf.Tensor[],
  g: readonly tf.Tensor[],
  slowPerExample: readonly tf.Tensor[][],
  bounds: readonly number[],
  batch: number,
): Pick<ClippedGradients, 'perExampleNorms' | 'clipFactors' | 'perLayerNorms' | 'grads'> {
  // ‖∇_l L_i‖², clamped at 0 (the ghost form can round slightly negative, see the flat path).
  const squares: tf.Tensor1D[] = [];
  let k = 0;
  let slowIndex = 0;
  for (const { layer, rule, slow } of steps) {
    if (slow) {
      const n = layer.trainableWeights.length;
      squares.push(tf.stack(slowPerExample.map((gs) => tf.addN(gs.slice(slowIndex, slowIndex + n).map((t) => tf.sum(tf.square(t)))))) as tf.Tensor1D);
      slowIndex += n;
    } else if (rule !== null) {
      squares.push(tf.relu(rule.normsSquared(layer, inputs[k], g[k])) as tf.Tensor1D);
      k++;
    }
  }
  const norms = squares.map((sq) => tf.sqrt(sq) as tf.Tensor1D);
  const factors = norms.map((n, l) => tf.minimum(1, tf.div(bounds[l], tf.add(n, 1e-6))) as tf.Tensor1D);

  const grads: tf.Tensor[] = [];
  k = 0;
  slowIndex = 0;
  let l = 0;
  for (const { layer, rule, slow } of steps) {
    if (slow) {
      const c = factors[l].dataSync();
      for (let w = 0; w < layer.trainableWeights.length; w++, slowIndex++) {
        grads.push(tf.addN(slowPerExample.map((gs, i) => tf.mul(gs[slowIndex], c[i]))));
      }
      l++;
    } else if (rule !== null) {
      grads.push(...rule.clippedSum(layer, inputs[k], g[k], factors[l]));
      k++;
      l++;
    }
  }
  const perExampleNorms = tf.sqrt(squares.length > 0 ? tf.addN(squares) : tf.zeros([batch])) as tf.Tensor1D;
  const columns = (ts: tf.Tensor1D[]): tf.Tensor2D => (ts.length > 0 ? tf.stack(ts, 1) : tf.zeros([batch, 0])) as tf.Tensor2D;
  return { perExampleNorms, clipFactors: columns(factors), perLayerNorms: columns(norms), grads };
}
