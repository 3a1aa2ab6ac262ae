/**
 * A small character-level language model that DP-SGD can train: built only from layers with a
 * per-example gradient rule (Embedding, Dense, LayerNormalization) and weightless layers (Reshape,
 * Activation).
 *
 * Architecture. The input is, for each of T target positions, the window of the `context` characters
 * before it: ids [B, T, context] (id 0 = padding before the start of a document). T is fixed when the
 * model is built (privkit's per-example clipping walks the layers' static shapes, and a Reshape with a
 * free axis has none); positions do not interact, so any number of windows can be scored by packing
 * them T at a time. The model is
 *
 *   Embedding(V → e) → Reshape [B, T, context·e] → Dense(filters, relu) → LayerNorm
 *     → (Dense(filters, relu) → LayerNorm) × (layers − 1) → Dense(V) → softmax      ⇒ [B, T, V]
 *
 * and predicts the next character at every position. The first Dense over the concatenated window
 * embeddings IS a causal convolution of kernel size `context` (z_t = Σ_j W_j·E[x_{t−context+j}]), with
 * the im2col done on the integer ids when the examples are built instead of on floats inside the model:
 * tfjs' Conv1D layer cannot run `padding: 'causal'`, and privkit's Conv1D rule forms patches by a
 * one-hot convolution costing (context·e)² per position (2× this layer's forward pass at the
 * defaults), while the Dense rule reads its input as it is (the ghost norm of Li et al. 2022, §4). The
 * later layers are position-wise (1×1 convolutions). Without residual connections (privkit clips
 * chains of layers) the receptive field is exactly `context` characters (a neural n-gram model,
 * Bengio et al. 2003, run at every position).
 *
 * Why next-character-at-every-position ([B, T, V]) rather than only the last position ([B, V]): the
 * work per predicted character is the same (each position reads its own window); what differs is the
 * unit DP-SGD protects and its per-example overhead. A [B, T, V] example is a record of T consecutive
 * characters and each character is the target of exactly one example. With [B, V] examples every
 * character would sit in the windows of `context` overlapping examples, so a canary would be
 * protected only by group privacy over ~context + its length examples, and the per-example work of
 * DP-SGD (norms, clip factors, the Embedding rule's loop over each example's ids) would be paid for
 * every character instead of once per T of them.
 *
 * The logits are a separate layer from the softmax so that scorers can take log-softmax of them.
 */
import * as tf from '@tensorflow/tfjs';
import { PrivkitError } from '../../../accountant/index.js';

/** Options of {@link buildCharModel}. */
export interface CharModelOptions {
  /** V: the vocabulary size, padding and unknown included (`CharVocabulary.size`). */
  readonly vocabSize: number;
  /** Characters each prediction sees (the receptive field). @defaultValue 16 */
  readonly context?: number;
  /** T: target positions per example (the input is [B, T, context]). @defaultValue 64 */
  readonly sequenceLength?: number;
  /** e: the embedding width of one character. @defaultValue 16 */
  readonly embedding?: number;
  /** Width of the hidden layers. @defaultValue 128 */
  readonly filters?: number;
  /** Hidden layers: the context layer and `layers − 1` position-wise ones. @defaultValue 2 */
  readonly layers?: number;
  /** Seed of the weight initialisers. @defaultValue 0 */
  readonly seed?: number;
}

/** The defaults of {@link CharModelOptions}. */
export const CHAR_MODEL_DEFAULTS = { context: 16, sequenceLength: 64, embedding: 16, filters: 128, layers: 2 } as const;

function positiveInteger(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!(Number.isInteger(value) && value >= 1 && value <= max)) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`${name}\` must be an integer in [1, ${max}]; got ${String(value)}.`);
  }
  return value;
}

/**
 * Builds the character model (untrained). Input: windows of ids [B, T, context] (float32 or int32),
 * row t the `context` characters before target t; output: next-character probabilities [B, T, V].
 * @param options - see {@link CharModelOptions}.
 * @returns a `tf.Sequential` (the caller disposes it).
 * @throws PrivkitError `INVALID_ARGUMENT` for a size that is not a positive integer, or V < 3.
 * @example
 * ```ts
 * const model = buildCharModel({ vocabSize: vocabulary.size, context: 32, sequenceLength: 64 });
 * const probs = model.predict(tf.zeros([1, 64, 32])) as tf.Tensor; // [1, 64, V]
 * ```
 */
export function buildCharModel(options: CharModelOptions): tf.Sequential {
  const vocabSize = positiveInteger('vocabSize', options.vocabSize);
  if (vocabSize < 3) throw new PrivkitError('INVALID_ARGUMENT', `\`vocabSize\` must be ≥ 3 (padding, unknown and a character); got ${vocabSize}.`);
  const context = positiveInteger('context', options.context ?? CHAR_MODEL_DEFAULTS.context, 4096);
  const sequenceLength = positiveInteger('sequenceLength', options.sequenceLength ?? CHAR_MODEL_DEFAULTS.sequenceLength);
  const embedding = positiveInteger('embedding', options.embedding ?? CHAR_MODEL_DEFAULTS.embedding);
  const filters = positiveInteger('filters', options.filters ?? CHAR_MODEL_DEFAULTS.filters);
  const layers = positiveInteger('layers', options.layers ?? CHAR_MODEL_DEFAULTS.layers, 64);
  const seed = options.seed ?? 0;
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 101 + k });

  const model = tf.sequential();
  model.add(
    tf.layers.embedding({
      name: 'char_embedding',
      inputDim: vocabSize,
      outputDim: embedding,
      inputShape: [sequenceLength, context],
      embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: seed * 101 }),
    }),
  );
  model.add(tf.layers.reshape({ name: 'char_window', targetShape: [sequenceLength, context * embedding] }));
  for (let l = 0; l < layers; l++) {
    model.add(tf.layers.dense({ name: l === 0 ? 'char_context' : `char_hidden_${l}`, units: filters, activation: 'relu', kernelInitializer: init(l + 1) }));
    model.add(tf.layers.layerNormalization({ name: `char_norm_${l}` }));
  }
  model.add(tf.layers.dense({ name: 'char_logits', units: vocabSize, kernelInitializer: init(layers + 1) }));
  model.add(tf.layers.activation({ name: 'char_softmax', activation: 'softmax' }));
  return model;
}

/**
 * T and the context length of a character model, from its input [B, T, context].
 * @param model - a model taking context windows.
 * @returns `sequenceLength` (null when the model takes any T) and `context`.
 * @throws PrivkitError `INVALID_ARGUMENT` when the model's input is not [B, T, context] with a fixed context.
 * @example
 * ```ts
 * const { context } = charModelShape(model);
 * ```
 */
export function charModelShape(model: tf.LayersModel): { sequenceLength: number | null; context: number } {
  const shape = model.inputs[0]?.shape;
  const context = shape?.[2];
  if (shape === undefined || shape.length !== 3 || typeof context !== 'number' || !(context >= 1)) {
    throw new PrivkitError('INVALID_ARGUMENT', `A character model takes context windows [B, T, context]; this model's input is ${JSON.stringify(shape)}.`);
  }
  return { sequenceLength: shape[1], context };
}
