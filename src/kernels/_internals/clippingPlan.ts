/**
 * What a clipping configuration means for a given model, resolved and validated once, shared by the
 * clipping kernel (`clippedGradients`) and the noise stage (`DpOptimizer`), so that both read the
 * options the same way:
 * - the clipped layers (those with trainable weights, in `model.trainableWeights` order) and, with
 *   per-layer clipping, their bounds C_l and the sensitivity √(Σ_l C_l²);
 * - the Embedding padding ids, and which entry of `model.trainableWeights` holds each padding row.
 */
import type * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../../accountant/index.js';
import { registeredRule } from '../layerRules.js';
import type { AnyLayer } from '../rules/LayerRule.js';
import { embeddingRule } from '../rules/embedding.js';

/** How per-example gradients are clipped: one bound on the whole gradient, or one per layer. */
export type ClippingMode = 'flat' | 'per-layer';

/** The layers the clipping pass sees (a model's own layers, without its InputLayer). */
function chainLayers(model: tf.LayersModel): AnyLayer[] {
  return model.layers.filter((l) => l.getClassName() !== 'InputLayer');
}

/**
 * The layers whose weights are trained, in order: each gets one bound under per-layer clipping.
 * (The same set as the clipping pass's rule and slow-loop layers: a trainable layer with weights.)
 */
export function clippedLayers(model: tf.LayersModel): AnyLayer[] {
  return chainLayers(model).filter((l) => l.trainable && l.trainableWeights.length > 0);
}

/** `clipping`, validated. @throws PrivkitError `INVALID_ARGUMENT`. */
export function clippingMode(clipping: ClippingMode | undefined): ClippingMode {
  if (clipping === undefined || clipping === 'flat' || clipping === 'per-layer') return clipping ?? 'flat';
  throw new PrivkitError('INVALID_ARGUMENT', `\`clipping\` must be 'flat' or 'per-layer'; got ${JSON.stringify(clipping)}.`);
}

const positive = (c: unknown): c is number => typeof c === 'number' && c > 0 && Number.isFinite(c);

/**
 * The flat bound C. @throws PrivkitError `INVALID_ARGUMENT` for C ∉ (0, ∞) or an array (per-layer
 * bounds with flat clipping).
 */
export function flatBound(maxGradNorm: number | readonly number[]): number {
  if (positive(maxGradNorm)) return maxGradNorm;
  if (Array.isArray(maxGradNorm)) {
    throw new PrivkitError(
      'INVALID_ARGUMENT',
      `\`maxGradNorm\` is an array of ${maxGradNorm.length} per-layer bounds, but \`clipping\` is 'flat'; pass \`clipping: 'per-layer'\` or one number.`,
    );
  }
  throw new PrivkitError('INVALID_ARGUMENT', `\`maxGradNorm\` must be in (0, ∞); got ${String(maxGradNorm)}.`);
}

/** Per-layer bounds, and the L2 sensitivity of the clipped sum they give. */
export interface PerLayerBounds {
  /** C_l, one per clipped layer, in order. */
  readonly bounds: number[];
  /** √(Σ_l C_l²): one example changes the clipped sum by at most this (C itself for an equal split). */
  readonly sensitivity: number;
}

/**
 * Per-layer bounds for the clipped layers named: the array given (its length must be the layer
 * count), or C/√L each for a single C (so that √(Σ C_l²) = C).
 * @throws PrivkitError `INVALID_ARGUMENT` naming the layer count and the layers.
 */
export function perLayerBounds(layerNames: readonly string[], maxGradNorm: number | readonly number[]): PerLayerBounds {
  const count = layerNames.length;
  if (!Array.isArray(maxGradNorm)) {
    const c = maxGradNorm as number;
    if (!positive(c)) throw new PrivkitError('INVALID_ARGUMENT', `\`maxGradNorm\` must be in (0, ∞); got ${String(c)}.`);
    return { bounds: layerNames.map(() => c / Math.sqrt(count)), sensitivity: c };
  }
  const bounds = maxGradNorm as readonly number[];
  if (bounds.length !== count) {
    throw new PrivkitError(
      'INVALID_ARGUMENT',
      `\`maxGradNorm\` has ${bounds.length} per-layer bound${bounds.length === 1 ? '' : 's'}, but the model has ${count} clipped layer${count === 1 ? '' : 's'} (${layerNames.join(', ')}); give one bound per layer, in this order.`,
      { expected: count, got: bounds.length, layers: [...layerNames] },
    );
  }
  bounds.forEach((c, l) => {
    if (!positive(c)) {
      throw new PrivkitError('INVALID_ARGUMENT', `\`maxGradNorm[${l}]\` (layer "${layerNames[l]}") must be in (0, ∞); got ${String(c)}.`);
    }
  });
  return { bounds: [...bounds], sensitivity: Math.sqrt(bounds.reduce((s, c) => s + c * c, 0)) };
}

/** Is this layer an embedding lookup (an Embedding, or a class registered with the embedding rule)? */
function isEmbedding(layer: AnyLayer): boolean {
  const className = layer.getClassName();
  return className === 'Embedding' || registeredRule(className) === embeddingRule;
}

/**
 * `embeddingPaddingIds` resolved to layers, validated: each name is an Embedding layer of the model,
 * each id an integer in [0, inputDim).
 * @throws PrivkitError `INVALID_ARGUMENT` naming the entry.
 */
export function embeddingPaddingIds(model: tf.LayersModel, ids: Readonly<Record<string, number>>): Map<AnyLayer, number> {
  if (typeof ids !== 'object' || ids === null || Array.isArray(ids)) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`embeddingPaddingIds\` must map Embedding layer names to ids; got ${JSON.stringify(ids)}.`);
  }
  const layers = chainLayers(model);
  const out = new Map<AnyLayer, number>();
  for (const [name, id] of Object.entries(ids)) {
    const layer = layers.find((l) => l.name === name);
    if (layer === undefined || !isEmbedding(layer)) {
      const embeddings = layers.filter(isEmbedding).map((l) => `"${l.name}"`);
      const what = layer === undefined ? 'is not a layer of the model' : `is a ${layer.getClassName()} layer`;
      throw new PrivkitError(
        'INVALID_ARGUMENT',
        `\`embeddingPaddingIds\` names "${name}", which ${what}; its Embedding layers: ${embeddings.length > 0 ? embeddings.join(', ') : 'none'}.`,
        { layer: name },
      );
    }
    const inputDim = (layer as unknown as { inputDim: number }).inputDim;
    if (!(Number.isInteger(id) && id >= 0 && id < inputDim)) {
      throw new PrivkitError('INVALID_ARGUMENT', `\`embeddingPaddingIds["${name}"]\` must be an integer in [0, ${inputDim}); got ${String(id)}.`, { layer: name });
    }
    out.set(layer, id);
  }
  return out;
}

/**
 * For each trained Embedding layer with a padding id: the index of its table in
 * `model.trainableWeights`, and the padding row.
 */
export function paddingRows(model: tf.LayersModel, ids: Readonly<Record<string, number>>): Map<number, number> {
  const rows = new Map<number, number>();
  const weights = model.trainableWeights;
  for (const [layer, id] of embeddingPaddingIds(model, ids)) {
    if (!layer.trainable || layer.trainableWeights.length === 0) continue; // frozen: nothing to protect
    const index = weights.indexOf(layer.trainableWeights[0]);
    if (index >= 0) rows.set(index, id);
  }
  return rows;
}
