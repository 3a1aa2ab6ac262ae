/**
 * The models `privkit train` can build (`mlp`, `cnn`), and the check that a model loaded from disk
 * fits the data. Loaded lazily by the train command (it imports tfjs).
 */
import * as tf from '@tensorflow/tfjs';
import { UsageError } from './UsageError.js';

/** The architectures `privkit train` builds by name. */
export type BuiltinModel = 'mlp' | 'cnn';

/** The names of {@link BuiltinModel}, in the order shown in messages. */
export const BUILTIN_MODELS: readonly BuiltinModel[] = Object.freeze(['mlp', 'cnn']);

/** Options of {@link buildModel}. */
export interface BuildModelOptions {
  /** Shape of one example, e.g. [28, 28, 1] or [features]. */
  readonly exampleShape: readonly number[];
  /** Number of classes (units of the softmax layer). */
  readonly numClasses: number;
  /** Seed of the weight initializers (layer k uses seed + k). @defaultValue tfjs' random initialisation */
  readonly seed?: number;
}

/**
 * Builds a fresh model ending in a softmax over the classes:
 * - `mlp`: Flatten (for examples of rank > 1) → Dense(128, relu) → Dense(classes, softmax);
 * - `cnn`: the tanh CNN of Papernot et al. 2021 ("Tempered Sigmoid Activations for Deep Learning with
 *   Differential Privacy") and Tramèr & Boneh 2021 ("Differentially Private Learning Needs Better
 *   Features"): Conv2D(16, 8×8, strides 2, same, tanh) → MaxPooling2D(2, strides 1) → Conv2D(32, 4×4,
 *   strides 2, valid, tanh) → MaxPooling2D(2, strides 1) → Flatten → Dense(32, tanh) → Dense(classes, softmax).
 * No BatchNormalization: it mixes examples and breaks per-example sensitivity.
 * @param kind - the architecture.
 * @param options - the data's example shape and class count, and the initializer seed.
 * @returns the model (not compiled: DP-SGD computes its own per-example gradients).
 * @throws UsageError for `cnn` on data whose examples are not images ([height, width, channels]).
 * @example
 * ```ts
 * const model = buildModel('cnn', { exampleShape: [28, 28, 1], numClasses: 10, seed: 1 });
 * ```
 */
export function buildModel(kind: BuiltinModel, options: BuildModelOptions): tf.Sequential {
  const { exampleShape, numClasses, seed } = options;
  const inputShape = [...exampleShape];
  let layer = 0;
  // A seeded initializer per layer makes a run with --seed reproducible end to end.
  const init = (): { kernelInitializer?: ReturnType<typeof tf.initializers.glorotUniform> } =>
    seed === undefined ? {} : { kernelInitializer: tf.initializers.glorotUniform({ seed: (seed + layer++) % 2 ** 32 }) };
  if (kind === 'cnn') {
    if (exampleShape.length !== 3) {
      throw new UsageError(
        `--model cnn needs image data (examples shaped [height, width, channels]); got examples shaped ${formatShape(exampleShape)}`,
        '--model',
      );
    }
    return tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape, filters: 16, kernelSize: 8, strides: 2, padding: 'same', activation: 'tanh', ...init() }),
        tf.layers.maxPooling2d({ poolSize: 2, strides: 1 }),
        tf.layers.conv2d({ filters: 32, kernelSize: 4, strides: 2, padding: 'valid', activation: 'tanh', ...init() }),
        tf.layers.maxPooling2d({ poolSize: 2, strides: 1 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 32, activation: 'tanh', ...init() }),
        tf.layers.dense({ units: numClasses, activation: 'softmax', ...init() }),
      ],
    });
  }
  const head = exampleShape.length > 1 ? [tf.layers.flatten({ inputShape })] : [];
  return tf.sequential({
    layers: [
      ...head,
      tf.layers.dense({ units: 128, activation: 'relu', ...(head.length === 0 ? { inputShape } : {}), ...init() }),
      tf.layers.dense({ units: numClasses, activation: 'softmax', ...init() }),
    ],
  });
}

/**
 * Checks that a model takes the data's examples and has one output unit per class.
 * @param model - e.g. a model loaded from `--model path`.
 * @param path - how to name the model in the message.
 * @param exampleShape - shape of one example of the data.
 * @param numClasses - classes of the data.
 * @throws UsageError (`INVALID_ARGUMENT`) naming both shapes when they differ (a `null` dimension of
 *   the model matches any size), when the model does not have exactly one input and one output, or
 *   when its output is not a softmax (see {@link outputActivation}): the loss is categorical
 *   cross-entropy on probabilities, and a linear output would train on meaningless "probabilities".
 * @example
 * ```ts
 * checkModelFitsData(await loadModel('model.json'), 'model.json', [28, 28, 1], 10);
 * ```
 */
export function checkModelFitsData(model: tf.LayersModel, path: string, exampleShape: readonly number[], numClasses: number): void {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new UsageError(
      `--model ${path} has ${model.inputs.length} inputs and ${model.outputs.length} outputs; train needs exactly one of each`,
      '--model',
    );
  }
  const modelExample = model.inputs[0].shape.slice(1);
  const outputShape = model.outputs[0].shape;
  const units = outputShape[outputShape.length - 1];
  const inputFits = modelExample.length === exampleShape.length && modelExample.every((d, i) => d === null || d === exampleShape[i]);
  const outputFits = outputShape.length === 2 && (units === null || units === numClasses);
  if (!inputFits || !outputFits) {
    throw new UsageError(
      `--model ${path} takes examples shaped ${formatShape(modelExample)} and outputs ${formatShape(outputShape.slice(1))}, ` +
        `but the data has examples shaped ${formatShape(exampleShape)} and ${numClasses} classes (outputs [${numClasses}])`,
      '--model',
    );
  }
  const { layer, activation } = outputActivation(model);
  if (activation !== 'softmax') {
    throw new UsageError(
      `--model ${path} must output probabilities: its last layer "${layer}" has activation ${JSON.stringify(activation)}; ` +
        `end it in activation 'softmax' (a Dense layer's, or a Softmax / Activation('softmax') layer)`,
      '--model',
    );
  }
}

/**
 * The layer that produces a model's (first) output and the activation it applies last: a layer's
 * `activation` setting ("softmax", "linear", …), "softmax" for a Softmax layer, the inner model's for a
 * nested model, and "none" for a layer with no activation (e.g. Flatten, Add).
 * @param model - the model.
 * @returns the layer's name and the activation.
 * @example
 * ```ts
 * outputActivation(mlp); // { layer: 'dense_Dense2', activation: 'softmax' }
 * ```
 */
export function outputActivation(model: tf.LayersModel): { layer: string; activation: string } {
  // The layer behind the first output tensor (a Sequential's last layer).
  const layer = (model.outputs[0] as unknown as { sourceLayer?: tf.layers.Layer }).sourceLayer ?? model.layers[model.layers.length - 1];
  if (layer instanceof tf.LayersModel) return outputActivation(layer);
  if (layer.getClassName() === 'Softmax') return { layer: layer.name, activation: 'softmax' };
  const config = layer.getConfig() as { activation?: unknown };
  const activation = typeof config.activation === 'string' ? config.activation : 'none';
  return { layer: layer.name, activation };
}

/** A shape for messages: "[28, 28, 1]", with "?" for an unknown dimension. */
export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}
