/**
 * Plan once, step many (Opacus' `GradSampleModule` wraps the model once): everything the clipping
 * pass needs to know about a model — which rule each layer takes, which layers take the per-example
 * loop, the per-layer bounds, padding rows, the loss, the input and output shapes, whether masks flow
 * — resolved and validated once, when the model is wrapped, so that a model privkit cannot train
 * exactly is refused at construction, not at the first step.
 */
import type * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../accountant/index.js';
import { clippingMode, embeddingPaddingIds, flatBound, perLayerBounds } from './_internals/clippingPlan.js';
import type { ClippingOptions } from './clippedGradients.js';
import { ruleFor } from './layerRules.js';
import { perExampleLoss, type LossSpec } from './perExampleLoss.js';
import type { AnyLayer, LayerRule } from './rules/LayerRule.js';
import { embeddingRuleWithPaddingId } from './rules/embedding.js';

/** One layer of the chain and how the clipping pass treats it. */
export interface PlanStep {
  readonly layer: AnyLayer;
  /** The per-example rule, or null (no trainable weights, frozen, or the per-example loop). */
  readonly rule: LayerRule | null;
  /** A trainable weighted layer without a rule, handled by the per-example loop. */
  readonly slow: boolean;
  /**
   * Run in inference mode (`training: false`): a frozen BatchNormalization, which then is a fixed
   * per-example affine map (with `training: true` it would normalise by batch statistics and mix
   * examples).
   */
  readonly inference: boolean;
}

/** A model's clipping plan (see {@link planClipping}). */
export interface ClippingPlan {
  readonly model: tf.LayersModel;
  readonly steps: readonly PlanStep[];
  readonly loss: LossSpec;
  readonly lossFn: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor1D;
  readonly perLayer: boolean;
  /** C (flat clipping; NaN with per-layer clipping). */
  readonly maxGradNorm: number;
  /** C_l per clipped layer (per-layer clipping), else null. */
  readonly bounds: readonly number[] | null;
  /**
   * L2 sensitivity of the clipped sum to adding or removing one example: C (flat), √(Σ_l C_l²)
   * (per-layer).
   */
  readonly sensitivity: number;
  /** The model's input shape, batch axis null. */
  readonly inputShape: readonly (number | null)[];
  /** The model's output shape, batch axis null. */
  readonly outputShape: readonly (number | null)[];
  /** Does any layer produce a mask (Embedding with `maskZero`, Masking)? Then masks are carried. */
  readonly masks: boolean;
  /** The layers taking the per-example loop (`allowSlowLayers`), by name. */
  readonly slowLayers: readonly string[];
  /** Identity of the trainable weights the plan was made for (a plan is rebuilt when it changes). */
  readonly signature: string;
}

/** What {@link planClipping} needs: the clipping options (see `ClippingOptions`). */
export type PlanOptions = ClippingOptions;

/** The identity of a model's trainable weights (ids, in order). */
export function weightsSignature(model: tf.LayersModel): string {
  return model.trainableWeights.map((w) => w.id).join(',');
}

const shapeOf = (t: tf.SymbolicTensor): (number | null)[] => [...t.shape];

/**
 * Plans per-example clipping for a model.
 * @param model - a chain of layers (a `tf.Sequential`, or a functional model without branches), one
 *   input, one output.
 * @param options - loss, clipping bound(s) and mode, padding ids, `allowSlowLayers`.
 * @returns the plan.
 * @throws PrivkitError `UNSUPPORTED_LAYER` (a shared layer, several inputs or outputs, BatchNormalization
 *   being trained, an activity regularizer, a weighted layer without a rule unless `allowSlowLayers`),
 *   `INVALID_ARGUMENT` (bad loss, bounds, padding ids).
 */
export function planClipping(model: tf.LayersModel, options: PlanOptions): ClippingPlan {
  if (model === null || typeof model !== 'object' || !Array.isArray((model as { layers?: unknown }).layers) || !Array.isArray(model.inputs)) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`model\` must be a tf.LayersModel (tf.sequential or tf.model); got ${describe(model)}.`);
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new PrivkitError(
      'UNSUPPORTED_LAYER',
      `The model has ${model.inputs.length} input(s) and ${model.outputs.length} output(s); per-example clipping supports models with one input and one output so far.`,
      { inputs: model.inputs.length, outputs: model.outputs.length },
    );
  }
  const perLayer = clippingMode(options.clipping) === 'per-layer';
  const maxGradNorm = perLayer ? NaN : flatBound(options.maxGradNorm);
  const lossFn = perExampleLoss(options.loss);
  const allowSlow = options.allowSlowLayers ?? false;
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  for (const l of layers) {
    if (l.inboundNodes.length > 1 || l.inboundNodes.some((n) => n.inboundLayers.length > 1)) {
      throw new PrivkitError('UNSUPPORTED_LAYER', `Layer "${l.name}" is shared or has several inputs; per-example clipping supports chains of layers (Sequential models).`, {
        layer: l.name,
      });
    }
    refuseNested(l);
    if ((l as unknown as { stateful?: boolean }).stateful === true) {
      throw new PrivkitError(
        'UNSUPPORTED_LAYER',
        `Layer "${l.name}" is stateful: it carries each batch's state into the next, so one example would influence later steps outside its clipped gradient. Use stateful: false.`,
        { layer: l.name },
      );
    }
    if ((l as unknown as { activityRegularizer?: unknown }).activityRegularizer != null) {
      throw new PrivkitError(
        'UNSUPPORTED_LAYER',
        `Layer "${l.name}" has an activity regularizer: its penalty depends on each example's activations, so it would have to be clipped with the example's gradient; privkit does not do that, and dropping it would train a different model. Remove it, or use a weight regularizer (added after the noise).`,
        { layer: l.name },
      );
    }
  }
  let steps: PlanStep[] = layers.map((layer) => {
    const className = layer.getClassName();
    if (!layer.trainable || layer.trainableWeights.length === 0) {
      return { layer, rule: null, slow: false, inference: className === 'BatchNormalization' };
    }
    try {
      return { layer, rule: ruleFor(layer), slow: false, inference: false };
    } catch (e) {
      const unsupported = e instanceof PrivkitError && e.code === 'UNSUPPORTED_LAYER' && className !== 'BatchNormalization';
      if (allowSlow && unsupported) return { layer, rule: null, slow: true, inference: false };
      if (unsupported) {
        throw new PrivkitError('UNSUPPORTED_LAYER', `${e.message} Or pass \`allowSlowLayers: true\` to train it by a per-example loop.`, e.details);
      }
      throw e;
    }
  });
  if (options.embeddingPaddingIds !== undefined) {
    const padding = embeddingPaddingIds(model, options.embeddingPaddingIds);
    steps = steps.map((st) => {
      const id = padding.get(st.layer);
      return id === undefined || st.rule === null ? st : { ...st, rule: embeddingRuleWithPaddingId(id) };
    });
  }
  const clipped = steps.filter((st) => st.rule !== null || st.slow).map((st) => st.layer.name);
  const perLayerPlan = perLayer ? perLayerBounds(clipped, options.maxGradNorm) : null;
  const bounds = perLayerPlan?.bounds ?? null;
  const masks = layers.some((l) => {
    const c = l.getClassName();
    return c === 'Masking' || (c === 'Embedding' && (l as unknown as { maskZero?: boolean }).maskZero === true);
  });
  return {
    model,
    steps,
    loss: options.loss,
    lossFn,
    perLayer,
    maxGradNorm,
    bounds,
    sensitivity: perLayerPlan?.sensitivity ?? maxGradNorm,
    inputShape: shapeOf(model.inputs[0]),
    outputShape: shapeOf(model.outputs[0]),
    masks,
    slowLayers: steps.filter((st) => st.slow).map((st) => st.layer.name),
    signature: weightsSignature(model),
  };
}

/** The layers a wrapper holds (TimeDistributed, Bidirectional) or a nested model's layers. */
function innerLayers(layer: AnyLayer): AnyLayer[] {
  const l = layer as unknown as { layer?: AnyLayer; forwardLayer?: AnyLayer; backwardLayer?: AnyLayer; layers?: AnyLayer[] };
  return [l.layer, l.forwardLayer, l.backwardLayer, ...(Array.isArray(l.layers) ? l.layers : [])].filter((x): x is AnyLayer => x !== undefined && x !== null);
}

/**
 * Refuses what a layer hides inside it: a nested model (not supported yet: its layers would not get
 * their own rules), or a BatchNormalization inside a wrapper (the wrapper would run it on batch
 * statistics, mixing examples, and update its moving statistics from raw data).
 */
function refuseNested(layer: AnyLayer): void {
  if (Array.isArray((layer as unknown as { layers?: unknown }).layers)) {
    throw new PrivkitError(
      'UNSUPPORTED_LAYER',
      `Layer "${layer.name}" is a nested model (${layer.getClassName()}); per-example clipping supports a chain of layers: flatten the nested model into the outer one.`,
      { layer: layer.name },
    );
  }
  const stack = innerLayers(layer);
  while (stack.length > 0) {
    const inner = stack.pop() as AnyLayer;
    if (inner.getClassName() === 'BatchNormalization') {
      throw new PrivkitError(
        'UNSUPPORTED_LAYER',
        `Layer "${layer.name}" (${layer.getClassName()}) wraps a BatchNormalization ("${inner.name}"), which mixes examples and breaks per-example sensitivity; use LayerNormalization instead.`,
        { layer: layer.name, inner: inner.name },
      );
    }
    stack.push(...innerLayers(inner));
  }
}

/** A short description of any value, for messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') {
    const shape = (value as { shape?: unknown }).shape;
    if (Array.isArray(shape)) return `a tensor of shape [${shape.join(', ')}]`;
    if (Array.isArray(value)) return `an array of ${value.length}`;
    return `an object (${(value as object).constructor?.name ?? 'Object'})`;
  }
  return `${typeof value} ${String(value)}`;
}
