/**
 * Small random classifiers built only from layers privkit clips per example (Dense, Conv2D,
 * LayerNormalization, and the weightless Flatten), as plain descriptions that fast-check can shrink,
 * and {@link buildModel} to turn one into a seeded tfjs model.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { invalid, PrivkitError, requireOptions, show } from '../../accountant/index.js';
import type { ExampleShape } from './dataArbitraries.js';
import { requireCount } from './_internals/validate.js';

/** Activations the arbitraries use. */
export type SpecActivation = 'linear' | 'relu' | 'tanh' | 'sigmoid';

/** One hidden layer. */
export type LayerSpec =
  | { readonly kind: 'dense'; readonly units: number; readonly activation: SpecActivation }
  | { readonly kind: 'conv2d'; readonly filters: number; readonly kernelSize: number; readonly activation: SpecActivation }
  | { readonly kind: 'layerNormalization' }
  | { readonly kind: 'flatten' };

/** A classifier: input shape, hidden layers, a softmax Dense output over `numClasses`, and an initialiser seed. */
export interface ModelSpec extends ExampleShape {
  readonly inputShape: readonly number[];
  readonly layers: readonly LayerSpec[];
  readonly numClasses: number;
  readonly seed: number;
}

/**
 * Options of {@link modelSpecs}.
 * @example
 * ```ts
 * const options: ModelSpecsOptions = { architectures: ['mlp'], maxHiddenLayers: 1, maxUnits: 4 };
 * ```
 */
export interface ModelSpecsOptions {
  /** `'mlp'`: vector input, Dense (+ LayerNormalization) layers. `'cnn'`: image input, Conv2D, Flatten, Dense. @defaultValue ['mlp', 'cnn'] */
  readonly architectures?: readonly ('mlp' | 'cnn')[];
  /** Most hidden Dense layers (at most 100). @defaultValue 2 */
  readonly maxHiddenLayers?: number;
  /** Most units (or filters) per hidden layer (at most 10 000). @defaultValue 8 */
  readonly maxUnits?: number;
  /** Most classes (at least 2, at most 10 000). @defaultValue 4 */
  readonly maxClasses?: number;
}

const activation = fc.constantFrom<SpecActivation>('tanh', 'relu', 'linear', 'sigmoid');

/** Size limits of the models described here: small, so that fast-check can build hundreds of them. */
const MAX_LAYERS = 100;
const MAX_UNITS = 10_000;
const SPEC_ACTIVATIONS: readonly SpecActivation[] = ['linear', 'relu', 'tanh', 'sigmoid'];

/**
 * Small model descriptions (not tfjs models: fast-check makes hundreds, and tfjs variables must be
 * disposed). MLPs take 1–6 features; CNNs take 3×3 to 6×6 images with 1–2 channels and start with a
 * 2×2 or 3×3 Conv2D. Every layer has a per-example gradient rule in privkit.
 * @param options - architectures and sizes; see {@link ModelSpecsOptions}.
 * @returns an arbitrary of {@link ModelSpec}.
 * @throws PrivkitError `INVALID_ARGUMENT` for sizes that are not integers in range (layers ≤ 100, units
 *   and classes ≤ 10 000), or `architectures` that is not a non-empty array of 'mlp' / 'cnn'.
 * @example
 * ```ts
 * fc.assert(fc.property(modelSpecs(), (spec) => { const m = buildModel(spec); m.dispose(); }), { numRuns: 5 });
 * ```
 */
export function modelSpecs(options: ModelSpecsOptions = {}): fc.Arbitrary<ModelSpec> {
  requireOptions('options', options);
  const architectures = options.architectures ?? ['mlp', 'cnn'];
  if (!Array.isArray(architectures) || architectures.length === 0 || !architectures.every((a) => a === 'mlp' || a === 'cnn')) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`architectures\` must list 'mlp' and/or 'cnn'; got ${show(architectures)}.`);
  }
  const maxHidden = requireCount('maxHiddenLayers', options.maxHiddenLayers ?? 2, 0, MAX_LAYERS);
  const maxUnits = requireCount('maxUnits', options.maxUnits ?? 8, 1, MAX_UNITS);
  const maxClasses = requireCount('maxClasses', options.maxClasses ?? 4, 2, MAX_UNITS);
  const dense = fc.record({ kind: fc.constant('dense' as const), units: fc.integer({ min: 1, max: maxUnits }), activation });
  const hidden = fc.array(fc.tuple(dense, fc.boolean()), { maxLength: maxHidden }).map((ls) =>
    ls.flatMap(([d, norm]): LayerSpec[] => (norm ? [d, { kind: 'layerNormalization' }] : [d])),
  );
  const common = { numClasses: fc.integer({ min: 2, max: maxClasses }), seed: fc.nat({ max: 1_000_000 }) };
  const mlp = fc.record({ inputShape: fc.integer({ min: 1, max: 6 }).map((d) => [d]), layers: hidden, ...common });
  const cnn = fc
    .record({
      side: fc.integer({ min: 3, max: 6 }),
      channels: fc.integer({ min: 1, max: 2 }),
      filters: fc.integer({ min: 1, max: Math.min(4, maxUnits) }),
      kernelSize: fc.integer({ min: 2, max: 3 }),
      activation,
      layers: hidden,
      ...common,
    })
    .map(({ side, channels, filters, kernelSize, activation: act, layers, numClasses, seed }) => ({
      inputShape: [side, side, channels],
      layers: [{ kind: 'conv2d' as const, filters, kernelSize, activation: act }, { kind: 'flatten' as const }, ...layers],
      numClasses,
      seed,
    }));
  const chosen = architectures.map((a) => (a === 'mlp' ? mlp : cnn));
  return fc.oneof(...(chosen as fc.Arbitrary<ModelSpec>[]));
}

/**
 * A tfjs `Sequential` model of `spec`, weights initialised from `spec.seed` (the same spec gives the same
 * weights). The caller disposes it.
 * @param spec - the description.
 * @returns the model, ending in Dense(numClasses, softmax).
 * @throws PrivkitError `INVALID_ARGUMENT` for a spec tfjs could not build, named by field: an input
 *   shape that is not positive integers, an unknown layer kind or activation, units or filters outside
 *   [1, 10 000], a conv2d on non-image input or with a kernel larger than its input, a class count
 *   outside [2, 10 000], or a seed that is not an integer ≥ 0.
 * @example
 * ```ts
 * const model = buildModel({ inputShape: [4], layers: [{ kind: 'dense', units: 3, activation: 'tanh' }], numClasses: 2, seed: 1 });
 * ```
 */
export function buildModel(spec: ModelSpec): tf.Sequential {
  checkSpec(spec);
  const model = tf.sequential();
  let first = true;
  const input = (): { inputShape?: number[] } => {
    if (!first) return {};
    first = false;
    return { inputShape: [...spec.inputShape] };
  };
  spec.layers.forEach((l, i) => {
    // + 1: tfjs reads a seed of 0 as "no seed" (Math.random), so the same spec would give other weights.
    const init = tf.initializers.glorotNormal({ seed: spec.seed + i + 1 });
    if (l.kind === 'dense') model.add(tf.layers.dense({ units: l.units, activation: l.activation, kernelInitializer: init, ...input() }));
    else if (l.kind === 'conv2d') model.add(tf.layers.conv2d({ filters: l.filters, kernelSize: l.kernelSize, activation: l.activation, kernelInitializer: init, ...input() }));
    else if (l.kind === 'layerNormalization') model.add(tf.layers.layerNormalization({ ...input() }));
    else model.add(tf.layers.flatten({ ...input() }));
  });
  if (spec.inputShape.length > 1 && !spec.layers.some((l) => l.kind === 'flatten')) model.add(tf.layers.flatten({ ...input() }));
  model.add(tf.layers.dense({ units: spec.numClasses, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: spec.seed + spec.layers.length + 1 }), ...input() }));
  return model;
}

/** Checks a {@link ModelSpec} layer by layer, tracking the image size that conv2d layers shrink. */
function checkSpec(spec: unknown): asserts spec is ModelSpec {
  if (spec === null || typeof spec !== 'object') invalid(`\`spec\` must be a ModelSpec { inputShape, layers, numClasses, seed }; got ${show(spec)}.`);
  const s = spec as Partial<Record<keyof ModelSpec, unknown>>;
  const shape = s.inputShape;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isSafeInteger(d) && d > 0)) {
    invalid(`\`spec.inputShape\` must be a non-empty list of positive integers; got ${show(shape)}.`);
  }
  if (!Array.isArray(s.layers)) invalid(`\`spec.layers\` must be an array of layer specs; got ${show(s.layers)}.`);
  // [height, width] while the activations are images, null once flattened (or for vector input).
  let image: number[] | null = shape.length === 3 ? [shape[0], shape[1]] : null;
  s.layers.forEach((layer: unknown, i) => {
    const where = `spec.layers[${i}]`;
    const l = layer as Record<string, unknown> | null;
    const activation = (): void => {
      if (!SPEC_ACTIVATIONS.includes(l?.activation as SpecActivation)) {
        invalid(`\`${where}.activation\` must be one of ${SPEC_ACTIVATIONS.map((a) => `'${a}'`).join(', ')}; got ${show(l?.activation)}.`);
      }
    };
    if (l === null || typeof l !== 'object') invalid(`\`${where}\` must be a layer spec; got ${show(layer)}.`);
    if (l.kind === 'dense') {
      requireCount(`${where}.units`, l.units, 1, MAX_UNITS);
      activation();
    } else if (l.kind === 'conv2d') {
      if (image === null) invalid(`\`${where}\`: conv2d needs image input [height, width, channels] before any flatten; got input shaped [${shape.join(', ')}].`);
      requireCount(`${where}.filters`, l.filters, 1, MAX_UNITS);
      const k = requireCount(`${where}.kernelSize`, l.kernelSize, 1, Math.min(image[0], image[1]));
      activation();
      image = [image[0] - k + 1, image[1] - k + 1];
    } else if (l.kind === 'flatten') {
      image = null;
    } else if (l.kind !== 'layerNormalization') {
      invalid(`\`${where}.kind\` must be 'dense', 'conv2d', 'layerNormalization' or 'flatten'; got ${show(l.kind)}.`);
    }
  });
  requireCount('spec.numClasses', s.numClasses, 2, MAX_UNITS);
  requireCount('spec.seed', s.seed, 0);
}
