/**
 * DP training checkpoints (Node): `model/` (weights), `optimizer.json` (the wrapped optimizer's state),
 * `privacy.json` (settings, accountant ledger, noise seed and step, sampler seed and position). The JSON
 * files are written atomically and `privacy.json` last, so a checkpoint without it is incomplete.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PrivkitError, type AccountantKind, type AccountantState } from '../../accountant/index.js';
import { fileIOHandler, writeFileAtomic } from '../io/fileModelIO.js';
import type { ClippingMode } from '../kernels/clippedGradients.js';
import type { LossSpec } from '../kernels/perExampleLoss.js';
import { makePrivate, type PrivateTraining } from '../makePrivate.js';

/** tfjs' `{ name, tensor }` pairs of optimizer state (not exported by the tfjs union package). */
type NamedTensor = { name: string; tensor: tf.Tensor };

interface PrivacyFile {
  readonly version: 1;
  readonly options: {
    readonly maxGradNorm: number | number[];
    /** Absent in checkpoints written before per-layer clipping: 'flat'. */
    readonly clipping?: ClippingMode;
    readonly embeddingPaddingIds?: Record<string, number>;
    readonly noiseMultiplier: number;
    readonly sampleRate: number;
    readonly datasetSize: number;
    readonly loss: string | null;
    readonly accountant: AccountantKind;
    readonly secureNoise: boolean;
  };
  readonly accountant: AccountantState;
  readonly noise: { readonly seed: number; readonly steps: number };
  readonly sampler: { readonly seed: number; readonly drawn: number };
}

interface SavedTensor {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: tf.DataType;
  readonly data: string; // base64 of the raw little-endian values
}

async function encode(named: NamedTensor[]): Promise<SavedTensor[]> {
  return Promise.all(
    named.map(async ({ name, tensor }) => {
      const values = await tensor.data();
      const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      return { name, shape: tensor.shape, dtype: tensor.dtype, data: Buffer.from(bytes).toString('base64') };
    }),
  );
}

function decode(saved: SavedTensor[]): NamedTensor[] {
  return saved.map(({ name, shape, dtype, data }) => {
    const buf = Buffer.from(data, 'base64');
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const values = dtype === 'int32' ? new Int32Array(ab) : new Float32Array(ab);
    return { name, tensor: tf.tensor(values, shape, dtype) };
  });
}

/** Writes a checkpoint of `priv` into `dir`. */
export async function saveCheckpoint(priv: PrivateTraining, dir: string): Promise<void> {
  const o = priv.options;
  await o.model.save(fileIOHandler(join(dir, 'model')));
  const optimizerWeights = await o.optimizer.getWeights();
  writeFileAtomic(join(dir, 'optimizer.json'), JSON.stringify({ weights: await encode(optimizerWeights) }));
  const privacy: PrivacyFile = {
    version: 1,
    options: {
      maxGradNorm: typeof o.maxGradNorm === 'number' ? o.maxGradNorm : [...o.maxGradNorm],
      clipping: o.clipping ?? 'flat',
      ...(o.embeddingPaddingIds === undefined ? {} : { embeddingPaddingIds: { ...o.embeddingPaddingIds } }),
      noiseMultiplier: o.noiseMultiplier,
      sampleRate: o.sampleRate,
      datasetSize: o.datasetSize,
      loss: typeof o.loss === 'string' ? o.loss : null,
      accountant: o.accountant,
      secureNoise: o.secureNoise ?? false,
    },
    accountant: priv.accountant.toJSON(),
    noise: { seed: priv.dpOptimizer.noiseSeed, steps: priv.dpOptimizer.stepCount },
    sampler: { seed: priv.sampler.seed, drawn: priv.sampler.drawn },
  };
  writeFileAtomic(join(dir, 'privacy.json'), JSON.stringify(privacy, null, 2));
}

/** Reads a checkpoint back into a model and optimizer of the same kind. */
export async function loadCheckpoint(
  dir: string,
  parts: { model: tf.LayersModel; optimizer: tf.Optimizer; loss?: LossSpec },
): Promise<PrivateTraining> {
  const privacyPath = join(dir, 'privacy.json');
  let privacy: PrivacyFile;
  let optimizerState: { weights: SavedTensor[] };
  try {
    privacy = JSON.parse(readFileSync(privacyPath, 'utf8'));
    optimizerState = JSON.parse(readFileSync(join(dir, 'optimizer.json'), 'utf8'));
  } catch (e) {
    throw new PrivkitError('BAD_MODEL_FILE', `${dir}: not a complete privkit checkpoint (${(e as Error).message}).`, { path: dir });
  }
  if (privacy?.version !== 1 || typeof privacy.options !== 'object' || !Array.isArray(optimizerState?.weights)) {
    throw new PrivkitError('BAD_MODEL_FILE', `${privacyPath}: not a privkit checkpoint (version 1).`, { path: privacyPath });
  }
  const loss = parts.loss ?? (privacy.options.loss as LossSpec | null);
  if (loss === null) {
    throw new PrivkitError('INVALID_ARGUMENT', 'This checkpoint was trained with a custom loss function; pass it as `loss`.');
  }
  // Weights: the saved order is the model's weight order (same architecture).
  const artifacts = await (fileIOHandler(join(dir, 'model')).load as () => Promise<tf.io.ModelArtifacts>)();
  const named = tf.io.decodeWeights(artifacts.weightData as ArrayBuffer, artifacts.weightSpecs ?? []);
  const values = (artifacts.weightSpecs ?? []).map((s) => named[s.name]);
  if (values.length !== parts.model.weights.length || values.some((v, i) => !tf.util.arraysEqual(v.shape, parts.model.weights[i].shape as number[]))) {
    throw new PrivkitError('BAD_MODEL_FILE', `${dir}: the checkpoint's weights do not fit the model given (different architecture).`, { path: dir });
  }
  parts.model.setWeights(values);
  tf.dispose(values);
  const o = privacy.options;
  const priv = makePrivate({
    model: parts.model,
    optimizer: parts.optimizer,
    loss,
    maxGradNorm: o.maxGradNorm,
    ...(o.clipping === undefined ? {} : { clipping: o.clipping }),
    ...(o.embeddingPaddingIds === undefined ? {} : { embeddingPaddingIds: o.embeddingPaddingIds }),
    noiseMultiplier: o.noiseMultiplier,
    sampleRate: o.sampleRate,
    datasetSize: o.datasetSize,
    accountant: o.accountant,
    secureNoise: o.secureNoise,
    seed: privacy.noise.seed,
  });
  const optimizerWeights = decode(optimizerState.weights);
  if (optimizerWeights.length > 0) await parts.optimizer.setWeights(optimizerWeights);
  for (const entry of privacy.accountant.ledger) priv.accountant.compose(entry.event, entry.count);
  priv.dpOptimizer.setStepCount(privacy.noise.steps);
  priv.sampler.seed = privacy.sampler.seed;
  priv.sampler.drawn = privacy.sampler.drawn;
  return priv;
}
