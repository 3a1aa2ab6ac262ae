/**
 * Trains a character model on a corpus, non-privately (a plain tfjs Adam loop over shuffled batches)
 * or with DP-SGD (`makePrivate(...).fit`: Poisson-sampled batches, per-example clipping, Gaussian
 * noise, an RDP ledger). An example is a record of `sequenceLength` characters (see `charExamples`).
 */
import * as tf from '@tensorflow/tfjs';
import { PrivkitError, seededUniform, type AccountantKind } from '../../../accountant/index.js';
import { makePrivate, registerWasmKernels } from '../../../src/index.js';
import { CharVocabulary } from './CharVocabulary.js';
import { charExamples } from './charExamples.js';
import { buildCharModel, CHAR_MODEL_DEFAULTS, type CharModelOptions } from './charModel.js';
import { charSequenceLoss } from './charSequenceLoss.js';
import { chainForward } from './_internals/chainForward.js';

/** DP-SGD settings of {@link trainCharModel}: give `noiseMultiplier`, or `targetEpsilon` to calibrate it. */
export interface CharDpOptions {
  /** σ ≥ 0. */
  readonly noiseMultiplier?: number;
  /** ε to reach after `epochs` at `delta` (σ is calibrated; training stops before exceeding it). */
  readonly targetEpsilon?: number;
  /** δ at which ε is reported (and calibrated). */
  readonly delta: number;
  /** C: each example's (record's) gradient is clipped to this L2 norm. */
  readonly maxGradNorm: number;
  /** Accountant. @defaultValue 'rdp' */
  readonly accountant?: AccountantKind;
}

/** What {@link TrainCharModelOptions.onEpoch} is told after each epoch. */
export interface CharEpochLogs {
  /** Mean training loss of the epoch in bits per character (a statistic of the training data). */
  readonly bitsPerCharacter: number;
  /** ε after the epoch (DP only). */
  readonly epsilon?: number;
  /** Wall-clock seconds of the epoch. */
  readonly seconds: number;
}

/** Options of {@link trainCharModel}. */
export interface TrainCharModelOptions {
  /** The corpus: one document or several (context windows never cross documents). */
  readonly text: string | readonly string[];
  /**
   * The vocabulary; build it with the canary alphabets as `extraCharacters`.
   * @defaultValue `CharVocabulary.fromText(text)`
   */
  readonly vocabulary?: CharVocabulary;
  /** Model sizes (see {@link CharModelOptions}; `vocabSize` comes from the vocabulary). @defaultValue the defaults there */
  readonly model?: Omit<CharModelOptions, 'vocabSize' | 'seed' | 'sequenceLength'>;
  /** T: characters per example. @defaultValue 64 */
  readonly sequenceLength?: number;
  /** Passes over the corpus (under DP: ⌈epochs/q⌉ Poisson-sampled steps). */
  readonly epochs: number;
  /** Examples per batch; under DP the EXPECTED batch size (q = batchSize / examples). @defaultValue 32 */
  readonly batchSize?: number;
  /** Adam's learning rate. @defaultValue 0.003 */
  readonly learningRate?: number;
  /** Seed of the initial weights, the shuffling and (DP) the noise and batch sampler. @defaultValue 0 */
  readonly seed?: number;
  /** Train with DP-SGD. @defaultValue non-private */
  readonly dp?: CharDpOptions;
  /** Called after each epoch with the model being trained (e.g. to measure exposure as it trains); may return a promise. */
  readonly onEpoch?: (epoch: number, logs: CharEpochLogs, model: tf.LayersModel) => void | Promise<void>;
}

/** What {@link trainCharModel} returns. */
export interface TrainedCharModel {
  /** The trained model (the caller disposes it). */
  readonly model: tf.LayersModel;
  readonly vocabulary: CharVocabulary;
  /** ε spent at `dp.delta` (DP only). */
  readonly epsilon?: number;
  /** σ used (DP only; calibrated when `targetEpsilon` was given). */
  readonly noiseMultiplier?: number;
  /** Number of training examples (records). */
  readonly examples: number;
  /** Per-epoch training loss, bits per character. */
  readonly bitsPerCharacter: number[];
}

/**
 * Trains a character model on `text`.
 * @param options - see {@link TrainCharModelOptions}.
 * @returns the model, its vocabulary and (DP) the ε spent.
 * @throws PrivkitError `INVALID_ARGUMENT` for bad sizes or DP settings; `BUDGET_EXCEEDED` if a DP run
 *   would exceed `targetEpsilon` (it stops before).
 * @example
 * ```ts
 * const vocabulary = CharVocabulary.fromText(corpus, { extraCharacters: '0123456789' });
 * const { model, epsilon } = await trainCharModel({ text: corpus, vocabulary, epochs: 10, batchSize: 32,
 *   dp: { targetEpsilon: 8, delta: 1e-5, maxGradNorm: 1 } });
 * ```
 */
export async function trainCharModel(options: TrainCharModelOptions): Promise<TrainedCharModel> {
  const { epochs, dp } = options;
  if (!(epochs > 0 && Number.isFinite(epochs))) throw new PrivkitError('INVALID_ARGUMENT', `\`epochs\` must be in (0, ∞); got ${String(epochs)}.`);
  const batchSize = options.batchSize ?? 32;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new PrivkitError('INVALID_ARGUMENT', `\`batchSize\` must be an integer ≥ 1; got ${String(batchSize)}.`);
  const learningRate = options.learningRate ?? 0.003;
  if (!(learningRate > 0 && Number.isFinite(learningRate))) {
    throw new PrivkitError('INVALID_ARGUMENT', `\`learningRate\` must be in (0, ∞); got ${String(learningRate)}.`);
  }
  const seed = options.seed ?? 0;
  const vocabulary = options.vocabulary ?? CharVocabulary.fromText(options.text);
  const context = options.model?.context ?? CHAR_MODEL_DEFAULTS.context;
  const sequenceLength = options.sequenceLength ?? CHAR_MODEL_DEFAULTS.sequenceLength;
  const ex = charExamples(options.text, vocabulary, { context, sequenceLength });
  const model = buildCharModel({ ...options.model, sequenceLength, vocabSize: vocabulary.size, seed });
  const optimizer = tf.train.adam(learningRate);
  const x = tf.tensor3d(ex.windows, [ex.examples, sequenceLength, context]);
  const y = tf.tensor2d(ex.targets, [ex.examples, sequenceLength]);
  // Mean characters per example: turns a per-example loss (nats per record) into bits per character.
  const perExampleToBits = ex.examples / ex.characters / Math.LN2;
  const bitsPerCharacter: number[] = [];
  try {
    if (dp !== undefined) {
      const priv = makePrivate({
        model,
        optimizer,
        loss: charSequenceLoss,
        maxGradNorm: dp.maxGradNorm,
        sampleRate: Math.min(1, batchSize / ex.examples),
        datasetSize: ex.examples,
        seed,
        epochs,
        delta: dp.delta,
        ...(dp.noiseMultiplier === undefined ? {} : { noiseMultiplier: dp.noiseMultiplier }),
        ...(dp.targetEpsilon === undefined ? {} : { targetEpsilon: dp.targetEpsilon }),
        ...(dp.accountant === undefined ? {} : { accountant: dp.accountant }),
      });
      let started = performance.now();
      await priv.fit(x, y, {
        epochs,
        delta: dp.delta,
        ...(dp.targetEpsilon === undefined ? {} : { targetEpsilon: dp.targetEpsilon }),
        callbacks: {
          onEpochEnd: async (epoch, logs) => {
            const bits = logs.loss * perExampleToBits;
            bitsPerCharacter.push(bits);
            await options.onEpoch?.(epoch, { bitsPerCharacter: bits, epsilon: logs.epsilon, seconds: (performance.now() - started) / 1000 }, model);
            started = performance.now();
          },
        },
      });
      return { model, vocabulary, epsilon: priv.getEpsilon(dp.delta), noiseMultiplier: priv.noiseMultiplier, examples: ex.examples, bitsPerCharacter };
    }
    registerWasmKernels(); // the Embedding's gradient on wasm needs UnsortedSegmentSum
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const order = Int32Array.from({ length: ex.examples }, (_, i) => i);
    for (let epoch = 0; epoch < Math.ceil(epochs); epoch++) {
      const started = performance.now();
      shuffle(order, seededUniform(((seed >>> 0) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0));
      // A fractional last epoch visits that fraction of the (shuffled) examples.
      const visit = Math.min(order.length, Math.round((epochs - epoch) * order.length));
      let lossSum = 0;
      for (let s = 0; s < visit; s += batchSize) {
        const idx = tf.tensor1d(order.subarray(s, Math.min(visit, s + batchSize)), 'int32');
        const loss = tf.tidy(() => {
          const xb = tf.gather(x, idx);
          const yb = tf.gather(y, idx);
          const count = tf.maximum(tf.sum(tf.cast(tf.notEqual(yb, 0), 'float32')), 1);
          return optimizer.minimize(() => tf.div(tf.sum(charSequenceLoss(yb, chainForward(model, xb))), count) as tf.Scalar, true, vars) as tf.Scalar;
        });
        idx.dispose();
        lossSum += loss.dataSync()[0] * Math.min(batchSize, visit - s);
        loss.dispose();
      }
      // lossSum / visit is nats per character averaged over batches; close to the per-character mean.
      const bits = lossSum / visit / Math.LN2;
      bitsPerCharacter.push(bits);
      await options.onEpoch?.(epoch, { bitsPerCharacter: bits, seconds: (performance.now() - started) / 1000 }, model);
    }
    return { model, vocabulary, examples: ex.examples, bitsPerCharacter };
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
  }
}

/** Fisher–Yates in place. */
function shuffle(order: Int32Array, u: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}
