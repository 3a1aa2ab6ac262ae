/**
 * The batched dense trainer against the one-by-one reference: same jobs and seeds ⇒ the same weights
 * up to float32 rounding; a shadow's weights do not depend on which other shadows share its group
 * (what makes resumed runs identical); and which architectures it takes.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchedStages, trainDenseBatch } from '../../../mia/shadow/batchedDenseTraining.js';
import { buildShadowModel } from '../../../mia/shadow/buildShadowModel.js';
import { shadowSeed } from '../../../mia/shadow/shadowBatches.js';
import { shadowInMasks } from '../../../mia/shadow/shadowInMasks.js';
import type { ShadowTrainingOptions } from '../../../mia/shadow/ShadowTrainingOptions.js';
import { trainShadowModel, type ShadowJob } from '../../../mia/shadow/trainShadowModel.js';
import { useBackend } from '../../../src/backend/useBackend.js';
import { contextFor, imageData, maxAbsDiff, mlp, tinyCnn, topologyOf, weightsOf } from './_fixtures.js';

beforeAll(async () => {
  await useBackend('wasm');
});

const N = 120;
const data = imageData(N, 11);
const masks = shadowInMasks(N, 4, 7);
const jobs: ShadowJob[] = masks.map((mask, index) => ({ index, seed: shadowSeed(7, index), mask }));

let topology: object;
beforeAll(() => {
  const target = mlp([8, 8, 1], 3, 16);
  topology = topologyOf(target);
  target.dispose();
});

/** Trains with both trainers and returns [batched, reference] weights per job. */
async function trainBoth(train: ShadowTrainingOptions, chosen: readonly ShadowJob[]): Promise<[Float32Array[][], Float32Array[][]]> {
  const ctx = contextFor(data, topology, train);
  try {
    const probe = await buildShadowModel(topology, 0);
    const stages = batchedStages(probe)!;
    probe.dispose();
    const batched = await trainDenseBatch(ctx, chosen, stages);
    const batchedWeights = batched.map(weightsOf);
    batched.forEach((m) => m.dispose());
    const reference: Float32Array[][] = [];
    for (const job of chosen) {
      const m = await trainShadowModel(ctx, job);
      reference.push(weightsOf(m));
      m.dispose();
    }
    return [batchedWeights, reference];
  } finally {
    ctx.dispose();
  }
}

describe('trainDenseBatch against trainShadowModel', () => {
  // Tolerance: both trainers run the same float32 arithmetic except for how a few steps are spelled
  // (tfjs' Dense may fuse bias and activation into its matmul; the batched pass adds them separately
  // and writes its matmul backward with explicit transposes). A reordered reduction changes a result by
  // a few float32 ulps (~1e-7 relative); over 2 epochs of ⌈60/16⌉ = 4 steps at lr 0.01 that drift stays
  // orders of magnitude below 1e-5 for weights of size ~1, while training moves the weights by > 1e-3
  // (checked, so that untrained copies cannot pass). On the cpu and wasm backends the difference
  // measured here is in fact exactly 0.
  const TOLERANCE = 1e-5;

  for (const backend of ['wasm', 'cpu'] as const) {
    for (const optimizer of ['adam', 'sgd'] as const) {
      it(`gives the same weights up to float32 rounding (${backend}, ${optimizer}, 2 epochs)`, async () => {
        // Arrange
        await useBackend(backend);
        const train: ShadowTrainingOptions = { epochs: 2, batchSize: 16, learningRate: 0.01, optimizer };

        // Act
        const [batched, reference] = await trainBoth(train, jobs);

        // Assert
        for (let k = 0; k < jobs.length; k++) {
          expect(maxAbsDiff(batched[k], reference[k])).toBeLessThan(TOLERANCE);
          const initial = await buildShadowModel(topology, jobs[k].seed);
          expect(maxAbsDiff(reference[k], weightsOf(initial))).toBeGreaterThan(1e-3);
          initial.dispose();
        }
        await useBackend('wasm');
      });
    }
  }

  it('trains a shadow bit-identically alone (M = 1) and inside a group of 4 (Adam and SGD)', async () => {
    for (const optimizer of ['adam', 'sgd'] as const) {
      // Arrange
      const ctx = contextFor(data, topology, { epochs: 2, batchSize: 16, learningRate: 0.01, optimizer });
      const probe = await buildShadowModel(topology, 0);
      const stages = batchedStages(probe)!;
      probe.dispose();

      // Act
      const group = await trainDenseBatch(ctx, jobs, stages);
      const alone = await trainDenseBatch(ctx, [jobs[2]], stages);
      const reordered = await trainDenseBatch(ctx, [jobs[3], jobs[2]], stages);

      // Assert
      expect(weightsOf(alone[0])).toEqual(weightsOf(group[2]));
      expect(weightsOf(reordered[1])).toEqual(weightsOf(group[2]));
      expect(weightsOf(group[3])).not.toEqual(weightsOf(group[2]));
      [...group, ...alone, ...reordered].forEach((m) => m.dispose());
      ctx.dispose();
    }
  });

  it('reports each epoch once for the whole group, and leaks no tensors', async () => {
    // Arrange
    const epochs: [readonly number[], number][] = [];
    const ctx = { ...contextFor(data, topology, { epochs: 3, batchSize: 32, learningRate: 0.01 }), onEpoch: (s: readonly number[], e: number) => epochs.push([s, e]) };
    const probe = await buildShadowModel(topology, 0);
    const stages = batchedStages(probe)!;
    probe.dispose();
    const before = tf.memory().numTensors;

    // Act
    const models = await trainDenseBatch(ctx, jobs.slice(0, 2), stages);
    models.forEach((m) => m.dispose());

    // Assert
    expect(epochs).toEqual([
      [[0, 1], 0],
      [[0, 1], 1],
      [[0, 1], 2],
    ]);
    expect(tf.memory().numTensors).toBe(before);
    ctx.dispose();
  });

  it('refuses a group whose shadows have different IN sizes', async () => {
    // Arrange: n odd ⇒ shadows 0 and 1 differ in size by one.
    const odd = imageData(31, 2);
    const [m0, m1] = shadowInMasks(31, 2, 0);
    const ctx = contextFor(odd, topology, { epochs: 1, batchSize: 8, learningRate: 0.01 });
    const probe = await buildShadowModel(topology, 0);
    const stages = batchedStages(probe)!;
    probe.dispose();
    const before = tf.memory().numTensors;

    // Act / Assert
    await expect(
      trainDenseBatch(ctx, [{ index: 0, seed: 1, mask: m0 }, { index: 1, seed: 2, mask: m1 }], stages),
    ).rejects.toThrow(/different IN sizes/);
    // The models it had built are freed.
    expect(tf.memory().numTensors).toBe(before);
    ctx.dispose();
  });
});

describe('batchedStages', () => {
  async function stagesOf(model: tf.LayersModel) {
    // Through buildShadowModel, as trainMissingShadows does.
    const built = await buildShadowModel(topologyOf(model), 0);
    model.dispose();
    try {
      return batchedStages(built);
    } finally {
      built.dispose();
    }
  }

  it('takes Flatten → Dense → Activation → Dense chains, sequential or functional', async () => {
    // Arrange
    const sequential = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [4, 4, 1] }),
        tf.layers.dense({ units: 5, activation: 'tanh' }),
        tf.layers.activation({ activation: 'relu' }),
        tf.layers.dense({ units: 3, activation: 'softmax', useBias: false }),
      ],
    });
    const input = tf.input({ shape: [4] });
    const hidden = tf.layers.dense({ units: 3, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
    const functional = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(hidden) as tf.SymbolicTensor });

    // Act
    const s = await stagesOf(sequential);
    const f = await stagesOf(functional);

    // Assert
    expect(s?.map((st) => st.kind)).toEqual(['flatten', 'dense', 'activation', 'dense']);
    expect(s?.filter((st) => st.kind === 'dense').map((st) => (st as { useBias: boolean }).useBias)).toEqual([true, false]);
    expect(f?.map((st) => st.kind)).toEqual(['dense', 'dense']);
  });

  it('returns null for Conv2D, Dropout, a branch, regularizers, an unknown activation, Dense on rank-3 input, and no Dense at all', async () => {
    // Arrange
    const dropout = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [4], units: 4, activation: 'relu' }), tf.layers.dropout({ rate: 0.5 }), tf.layers.dense({ units: 2, activation: 'softmax' })],
    });
    const input = tf.input({ shape: [4] });
    const left = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
    const right = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
    const branch = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, activation: 'softmax' }).apply(tf.layers.add().apply([left, right]) as tf.SymbolicTensor) as tf.SymbolicTensor });
    const skipInput = tf.input({ shape: [4] });
    const skipHidden = tf.layers.dense({ units: 4 }).apply(skipInput) as tf.SymbolicTensor;
    const skip = tf.model({ inputs: skipInput, outputs: tf.layers.add().apply([skipInput, skipHidden]) as tf.SymbolicTensor });
    const regularized = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2, kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }) })] });
    const hardSigmoid = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2, activation: 'hardSigmoid' })] });
    const rank3 = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3, 4], units: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] });
    const noDense = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 2] }), tf.layers.activation({ activation: 'softmax' })] });

    // Act
    const results = {
      conv2d: await stagesOf(tinyCnn(8, 3)),
      dropout: await stagesOf(dropout),
      branch: await stagesOf(branch),
      skip: await stagesOf(skip),
      regularized: await stagesOf(regularized),
      hardSigmoid: await stagesOf(hardSigmoid),
      rank3: await stagesOf(rank3),
      noDense: await stagesOf(noDense),
    };

    // Assert
    expect(results).toEqual({ conv2d: null, dropout: null, branch: null, skip: null, regularized: null, hardSigmoid: null, rank3: null, noDense: null });
  });
});
