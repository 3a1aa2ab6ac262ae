/**
 * Registry of per-layer gradient rules, keyed by tfjs layer class name (the design of Opacus'
 * `@register_grad_sampler`). Layers without trainable weights pass through unchanged; a trainable
 * layer without a rule is refused by name, and BatchNormalization is refused outright because it
 * mixes examples (each example's output depends on the whole batch, so per-example sensitivity is lost).
 */
import { PrivkitError } from '../../accountant/index.js';
import type { AnyLayer, LayerRule } from './rules/LayerRule.js';
import { convolutionRule } from './rules/convolution.js';
import { convolution3dRule } from './rules/convolution3d.js';
import { denseRule } from './rules/dense.js';
import { depthwiseConvolutionRule } from './rules/depthwiseConvolution.js';
import { embeddingRule } from './rules/embedding.js';
import { layerNormalizationRule } from './rules/layerNormalization.js';
import { separableConvolutionRule } from './rules/separableConvolution.js';
import { simpleRnnRule } from './rules/simpleRnn.js';
import { transposedConvolutionRule } from './rules/transposedConvolution.js';

const rules = new Map<string, LayerRule>([
  ['Dense', denseRule],
  ['Conv2D', convolutionRule],
  ['Conv1D', convolutionRule],
  ['Embedding', embeddingRule],
  ['LayerNormalization', layerNormalizationRule],
  ['SeparableConv2D', separableConvolutionRule],
  ['DepthwiseConv2D', depthwiseConvolutionRule],
  ['Conv2DTranspose', transposedConvolutionRule],
  ['Conv3D', convolution3dRule],
  ['SimpleRNN', simpleRnnRule],
]);

/**
 * Registers (or replaces) the rule for a layer class.
 * @param className - tfjs `getClassName()` of the layer.
 * @param rule - the rule.
 * @example
 * ```ts
 * registerLayerRule('MyDense', denseRule);
 * ```
 */
export function registerLayerRule(className: string, rule: LayerRule): void {
  if (typeof className !== 'string' || className === '') {
    throw new PrivkitError('INVALID_ARGUMENT', `\`className\` must be a layer class name (getClassName()); got ${JSON.stringify(className)}.`);
  }
  const methods = ['forward', 'preActivationShape', 'normsSquared', 'clippedSum'] as const;
  if (rule === null || typeof rule !== 'object' || methods.some((m) => typeof (rule as unknown as Record<string, unknown>)[m] !== 'function')) {
    throw new PrivkitError('INVALID_ARGUMENT', `A layer rule must implement ${methods.join(', ')}; got ${rule === null ? 'null' : typeof rule} for "${className}".`);
  }
  rules.set(className, rule);
}

/** The rule registered for a layer class, if any (no checks; see {@link ruleFor}). */
export function registeredRule(className: string): LayerRule | undefined {
  return rules.get(className);
}

/** The class names that have a rule, sorted. */
export function supportedLayerClasses(): string[] {
  return [...rules.keys()].sort();
}

/**
 * The rule for a layer: null for a layer that passes through (no trainable weights), else its rule.
 * @throws PrivkitError `UNSUPPORTED_LAYER` naming the layer and the supported list, or from the rule's
 *   `check` (a configuration the rule cannot compute exactly).
 */
export function ruleFor(layer: AnyLayer): LayerRule | null {
  const className = layer.getClassName();
  if (className === 'BatchNormalization') {
    throw new PrivkitError(
      'UNSUPPORTED_LAYER',
      `Layer "${layer.name}" is BatchNormalization, which mixes examples and breaks per-example sensitivity; use LayerNormalization instead.`,
      { layer: layer.name, className },
    );
  }
  if (layer.trainableWeights.length === 0) return null;
  const rule = rules.get(className);
  if (rule === undefined) {
    throw new PrivkitError(
      'UNSUPPORTED_LAYER',
      `Layer "${layer.name}" (${className}) has trainable weights and no per-example gradient rule; supported: ${supportedLayerClasses().join(', ')}.`,
      { layer: layer.name, className, supported: supportedLayerClasses() },
    );
  }
  rule.check?.(layer);
  return rule;
}
