import * as tf from '@tensorflow/tfjs';
import { buildShadowModel } from './buildShadowModel.js';
import { checkContext, checkJobs, requireModel } from './_internals/checkShadowInputs.js';
import { shadowLoss } from './_internals/shadowLoss.js';
import { epochOrder, maskIndices } from './shadowBatches.js';
import { shadowOptimizer, type ShadowJob, type ShadowTrainingContext } from './trainShadowModel.js';
import { invalid, show } from '../../accountant/index.js';

type Activation = (x: tf.Tensor) => tf.Tensor;

// The activations the batched forward pass reproduces, by their tfjs-layers names.
const ACTIVATIONS: Record<string, Activation> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.relu6(x),
  tanh: (x) => tf.tanh(x),
  sigmoid: (x) => tf.sigmoid(x),
  softmax: (x) => tf.softmax(x, -1),
  elu: (x) => tf.elu(x),
  selu: (x) => tf.selu(x),
  softplus: (x) => tf.softplus(x),
};

/** One stage of the batched forward pass. */
type Stage = { kind: 'flatten' } | { kind: 'activation'; fn: Activation } | { kind: 'dense'; layer: number; useBias: boolean; fn: Activation };

/**
 * The stages of a model the batched trainer can run — a chain of Flatten, Dense (on per-example
 * vectors, no regularizers or constraints) and Activation layers — or `null` when it cannot (any other
 * layer, a branch, dropout), in which case shadows are trained one by one.
 * @param model - a model built from the target's topology.
 * @returns the stages, or null.
 * @throws PrivkitError `INVALID_ARGUMENT` when `model` is not a LayersModel.
 * @example
 * ```ts
 * batchedStages(mlp) !== null; // true for Flatten → Dense → Dense
 * ```
 */
export function batchedStages(model: tf.LayersModel): Stage[] | null {
  requireModel('model', model);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return null;
  const stages: Stage[] = [];
  let previous: tf.layers.Layer | null = null;
  for (const [i, layer] of model.layers.entries()) {
    const cls = layer.getClassName();
    const inbound = layer.inboundNodes.flatMap((node) => node.inboundLayers);
    if (cls === 'InputLayer') {
      previous = layer;
      continue;
    }
    // A plain chain: each layer reads exactly the previous one.
    if (previous !== null && (inbound.length !== 1 || inbound[0] !== previous)) return null;
    previous = layer;
    const config = layer.getConfig() as Record<string, unknown>;
    if (cls === 'Flatten') stages.push({ kind: 'flatten' });
    else if (cls === 'Activation') {
      const fn = ACTIVATIONS[String(config.activation)];
      if (fn === undefined) return null;
      stages.push({ kind: 'activation', fn });
    } else if (cls === 'Dense') {
      const fn = ACTIVATIONS[String(config.activation)];
      // Layer.getConfig() has camelCase keys (snake_case is only the serialised topology's).
      const plain = ['kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'kernelConstraint', 'biasConstraint'].every(
        (k) => config[k] === null || config[k] === undefined,
      );
      const inputRank = (layer.input as tf.SymbolicTensor).shape.length;
      // A frozen layer has no trainable weights to read its kernel from: the one-by-one path keeps it frozen.
      if (fn === undefined || !plain || inputRank !== 2 || !layer.trainable) return null;
      stages.push({ kind: 'dense', layer: i, useBias: config.useBias !== false, fn });
    } else return null;
  }
  return stages.some((s) => s.kind === 'dense') ? stages : null;
}

/**
 * Dense layer matmul a·w with a hand-written backward pass that uses only untransposed 2-D matmuls
 * (∂a = dy·wᵀ, ∂w = aᵀ·dy with explicit transposes). The chain rule is the same as tfjs' MatMul
 * gradient; the point is speed: the wasm backend runs `matMul(a, b, transposeA, transposeB)` with a
 * transpose flag, or with a batch dimension, through a slow generic loop, and only the plain 2-D case
 * through XNNPACK (about 10× faster measured here on 128×784×256).
 */
const denseMatMul = tf.customGrad(((a: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, w]);
  return {
    value: tf.matMul(a as tf.Tensor2D, w as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const g = dy as tf.Tensor2D;
      return [tf.matMul(g, tf.transpose(saved[1] as tf.Tensor2D)), tf.matMul(tf.transpose(saved[0] as tf.Tensor2D), g)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor, w: tf.Tensor) => tf.Tensor;

/**
 * {@link denseMatMul} for the first dense layer, whose input is the data: nothing upstream needs
 * ∂a, so its backward pass returns zeros there instead of a third matmul (dy·wᵀ), which saves a third
 * of that layer's work. Only for inputs that are not trained.
 */
const inputDenseMatMul = tf.customGrad(((a: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a]);
  return {
    value: tf.matMul(a as tf.Tensor2D, w as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [tf.zerosLike(saved[0]), tf.matMul(tf.transpose(saved[0] as tf.Tensor2D), dy as tf.Tensor2D)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor, w: tf.Tensor) => tf.Tensor;

/**
 * Trains several shadow models of a dense architecture at once, as one computation: one forward pass
 * per step runs all M models, each on its own batch, and one gradient of the summed loss
 * Σ_m mean_b L_{m,b} updates them all; ∂/∂W_m of that sum is model m's own gradient (the models share
 * no weights), and Adam and SGD update element-wise, so each model follows the trajectory
 * {@link trainShadowModel} gives it (same initial weights, same batches), up to floating-point rounding
 * (tested). It saves the per-step dispatch cost M-fold, and its dense layers use a backward pass that
 * takes the backend's fast matmul path (see denseMatMul above).
 *
 * All jobs must have the same number of IN examples (so that they take the same steps); the
 * complementary-pair masks of `shadowInMasks` give at most two sizes, and the caller groups by size.
 * @param ctx - topology, data and a non-private recipe.
 * @param jobs - the shadows, all of one IN size.
 * @param stages - from {@link batchedStages} for this topology.
 * @returns the trained models, in the order of `jobs` (the caller disposes them).
 * @throws PrivkitError `INVALID_ARGUMENT` for a bad context or job (see `trainShadowModel`), no jobs,
 *   jobs of different IN sizes, or `stages` that are not a non-null result of {@link batchedStages}.
 * @example
 * ```ts
 * const models = await trainDenseBatch(ctx, jobs, batchedStages(probe)!);
 * ```
 */
export async function trainDenseBatch(ctx: ShadowTrainingContext, jobs: readonly ShadowJob[], stages: readonly Stage[]): Promise<tf.LayersModel[]> {
  checkJobs('jobs', jobs, checkContext('ctx', ctx));
  if (jobs.length === 0) invalid('`jobs` must hold at least one shadow job; got none.', { field: 'jobs' });
  const validStage = (s: unknown): boolean => s !== null && typeof s === 'object' && ['flatten', 'activation', 'dense'].includes((s as Stage).kind);
  if (!Array.isArray(stages) || !stages.every(validStage) || !stages.some((s) => s.kind === 'dense')) {
    invalid(`\`stages\` must be what batchedStages(model) returns for this topology (not null); got ${show(stages)}.`, { field: 'stages' });
  }
  const { train } = ctx;
  const members = jobs.map((j) => maskIndices(j.mask));
  const m = members[0].length;
  if (members.some((a) => a.length !== m)) {
    invalid(`\`jobs\` must all have the same number of IN examples; got different IN sizes (${[...new Set(members.map((a) => a.length))].join(', ')}).`, { field: 'jobs' });
  }
  const models = await Promise.all(jobs.map((j) => buildShadowModel(ctx.topology, j.seed)));
  const M = jobs.length;
  // Each model's own variables, read through LayerVariable.read() (the tf.Variable behind it).
  const weightsOf = (model: tf.LayersModel, layer: number): tf.Variable[] => model.layers[layer].trainableWeights.map((w) => w.read() as tf.Variable);
  const vars = models.flatMap((model) => stages.flatMap((s) => (s.kind === 'dense' ? weightsOf(model, s.layer) : [])));
  const optimizer = shadowOptimizer(train);
  const loss = shadowLoss(models[0]); // from logits for a logits-output architecture, as trainShadowModel
  const forward = (model: tf.LayersModel, xb: tf.Tensor): tf.Tensor => {
    let h = xb;
    let isData = true; // h is still the (untrained) input: no gradient needed with respect to it
    for (const s of stages) {
      if (s.kind === 'flatten') h = tf.reshape(h, [h.shape[0], -1]);
      else if (s.kind === 'activation') h = s.fn(h);
      else {
        const [kernel, bias] = weightsOf(model, s.layer);
        h = isData ? inputDenseMatMul(h, kernel) : denseMatMul(h, kernel);
        isData = false;
        if (s.useBias) h = tf.add(h, bias);
        h = s.fn(h);
      }
    }
    return h;
  };
  try {
    for (let epoch = 0; epoch < train.epochs; epoch++) {
      const orders = jobs.map((j, k) => epochOrder(members[k], j.seed, epoch));
      for (let s = 0; s < m; s += train.batchSize) {
        const size = Math.min(train.batchSize, m - s);
        const flat = new Int32Array(M * size);
        orders.forEach((o, k) => flat.set(o.subarray(s, s + size), k * size));
        const idx = tf.tensor1d(flat, 'int32');
        tf.tidy(() => {
          const xb = tf.gather(ctx.x, idx);
          const yb = tf.gather(ctx.y, idx);
          optimizer.minimize(
            () => {
              const terms = models.map((model, k) => {
                const out = forward(model, tf.slice(xb, k * size, size));
                return tf.mean(loss(tf.slice(yb, k * size, size), out));
              });
              return tf.addN(terms) as tf.Scalar;
            },
            false,
            vars,
          );
        });
        idx.dispose();
      }
      ctx.onEpoch?.(
        jobs.map((j) => j.index),
        epoch,
      );
    }
    return models;
  } catch (e) {
    models.forEach((model) => model.dispose());
    throw e;
  } finally {
    optimizer.dispose();
  }
}
