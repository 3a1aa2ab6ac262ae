/**
 * trainMissingShadows: trains exactly the shadows a store lacks, saves each as it finishes, groups
 * dense shadows without changing their results, falls back to one-by-one training for other
 * architectures, and leaks no tensors (also when saving fails).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryLogits } from '../../../mia/shadow/queryLogits.js';
import { shadowSeed } from '../../../mia/shadow/shadowBatches.js';
import { shadowInMasks } from '../../../mia/shadow/shadowInMasks.js';
import { memoryShadowStore, type ShadowStore, type StoredShadow } from '../../../mia/shadow/ShadowStore.js';
import type { ShadowTrainingOptions } from '../../../mia/shadow/ShadowTrainingOptions.js';
import { trainMissingShadows } from '../../../mia/shadow/trainMissingShadows.js';
import { trainShadowModel, type ShadowJob } from '../../../mia/shadow/trainShadowModel.js';
import { useBackend } from '../../../src/backend/useBackend.js';
import { contextFor, imageData, mlp, tinyCnn, topologyOf } from './_fixtures.js';

beforeAll(async () => {
  await useBackend('wasm');
});

// n odd: shadows come in two IN sizes (⌊n/2⌋ and ⌈n/2⌉), so grouping by size is exercised.
const N = 61;
const data = imageData(N, 21);
const TRAIN: ShadowTrainingOptions = { epochs: 2, batchSize: 16, learningRate: 0.01 };

function jobsFor(count: number, seed = 3): ShadowJob[] {
  return shadowInMasks(N, count, seed).map((mask, index) => ({ index, seed: shadowSeed(seed, index), mask }));
}

/** A store that records what it was asked and keeps the models' outputs. */
function recordingStore(): ShadowStore & { saved: StoredShadow[] } {
  const inner = memoryShadowStore();
  const saved: StoredShadow[] = [];
  return {
    saved,
    load: (i) => inner.load(i),
    save: async (s, m) => {
      saved.push(s);
      await inner.save(s, m);
    },
  };
}

async function logitsOf(store: ShadowStore, count: number): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < count; i++) out.push((await store.load(i))!.logits.views[0]);
  return out;
}

let mlpTopology: object;
beforeAll(() => {
  const target = mlp([8, 8, 1], 3, 12);
  mlpTopology = topologyOf(target);
  target.dispose();
});

describe('trainMissingShadows', () => {
  it('trains only the shadows the store lacks, saving each one and reporting it', async () => {
    // Arrange: the store already holds shadows 1 and 4 (placeholders the call must not touch).
    const jobs = jobsFor(6);
    const store = memoryShadowStore();
    const placeholder = (j: ShadowJob): StoredShadow => ({ index: j.index, inMask: j.mask, logits: { views: [new Float32Array(N * 3).fill(j.index)] } });
    await store.save(placeholder(jobs[1]), undefined as never);
    await store.save(placeholder(jobs[4]), undefined as never);
    const onShadowSaved = vi.fn();
    const ctx = contextFor(data, mlpTopology, TRAIN);

    // Act
    const trained = await trainMissingShadows(ctx, jobs, store, { augmentation: 'none', batchModels: 2, onShadowSaved });

    // Assert
    expect([...trained].sort()).toEqual([0, 2, 3, 5]);
    expect(onShadowSaved.mock.calls.map((c) => c[0]).sort()).toEqual([0, 2, 3, 5]);
    expect((await store.load(1))!.logits.views[0]).toEqual(new Float32Array(N * 3).fill(1));
    expect((await store.load(4))!.logits.views[0]).toEqual(new Float32Array(N * 3).fill(4));
    for (const i of [0, 2, 3, 5]) {
      const s = (await store.load(i))!;
      expect(s.inMask).toBe(jobs[i].mask);
      expect(s.logits.views).toHaveLength(1);
      expect(s.logits.views[0]).toHaveLength(N * 3);
    }

    // Act again: nothing is missing now.
    onShadowSaved.mockClear();
    const again = await trainMissingShadows(ctx, jobs, store, { augmentation: 'none', onShadowSaved });

    // Assert
    expect(again).toEqual([]);
    expect(onShadowSaved).not.toHaveBeenCalled();
    ctx.dispose();
  });

  it('gives every shadow the same outputs whatever the grouping (batchModels 1, 2, 3, 8) and whichever were already done', async () => {
    // Arrange
    const jobs = jobsFor(6);
    const ctx = contextFor(data, mlpTopology, TRAIN);
    const run = async (batchModels: number, store: ShadowStore = memoryShadowStore()) => {
      await trainMissingShadows(ctx, jobs, store, { augmentation: 'none', batchModels });
      return logitsOf(store, jobs.length);
    };

    // Act
    const all8 = await run(8);
    const all2 = await run(2);
    const all3 = await run(3);
    const all1 = await run(1);
    const resumed = memoryShadowStore();
    await trainMissingShadows(ctx, [jobs[0], jobs[3], jobs[5]], resumed, { augmentation: 'none', batchModels: 8 });
    const rest = await run(8, resumed);

    // Assert
    expect(all2).toEqual(all8);
    expect(all3).toEqual(all8);
    expect(all1).toEqual(all8);
    expect(rest).toEqual(all8);
    expect(all8[0]).not.toEqual(all8[2]);
    ctx.dispose();
  });

  it('groups dense shadows by IN size and reports epochs per group', async () => {
    // Arrange: with n odd, shadows 0, 3 have ⌊n/2⌋ and 1, 2 have ⌈n/2⌉ examples.
    const jobs = jobsFor(4);
    const groups: number[][] = [];
    const ctx = { ...contextFor(data, mlpTopology, { ...TRAIN, epochs: 1 }), onEpoch: (s: readonly number[]) => groups.push([...s]) };

    // Act
    await trainMissingShadows(ctx, jobs, memoryShadowStore(), { augmentation: 'none', batchModels: 8 });

    // Assert
    expect(groups).toEqual([
      [0, 3],
      [1, 2],
    ]);
    ctx.dispose();
  });

  it('falls back to one-by-one training for a Conv2D architecture, giving trainShadowModel results', async () => {
    // Arrange
    const cnn = tinyCnn(8, 3);
    const ctx = contextFor(data, topologyOf(cnn), TRAIN);
    cnn.dispose();
    const jobs = jobsFor(2);
    const store = memoryShadowStore();
    const onEpoch = vi.fn();

    // Act
    const trained = await trainMissingShadows({ ...ctx, onEpoch }, jobs, store, { augmentation: 'flip', batchModels: 8 });
    const reference = await trainShadowModel(ctx, jobs[1]);
    const expected = queryLogits(reference, ctx.x, 'flip');
    reference.dispose();

    // Assert
    expect(trained).toEqual([0, 1]);
    // One shadow per epoch report: it was not trained in a group.
    expect(onEpoch.mock.calls).toEqual([
      [[0], 0],
      [[0], 1],
      [[1], 0],
      [[1], 1],
    ]);
    const s1 = (await store.load(1))!;
    expect(s1.logits.views).toHaveLength(2);
    expect(s1.logits.views).toEqual(expected.views);
    // Trained: the shadow fits its own half better than the other half.
    const fit = (mask: Uint8Array, member: number) => {
      let loss = 0;
      let count = 0;
      for (let i = 0; i < N; i++) if (mask[i] === member) (loss -= s1.logits.views[0][i * 3 + data.y[i]]), count++;
      return loss / count;
    };
    expect(fit(jobs[1].mask, 1)).toBeLessThan(fit(jobs[1].mask, 0));
    ctx.dispose();
  });

  it('trains Dense layers without bias and frozen Dense layers, batched or not, as the one-by-one trainer does', async () => {
    // Arrange
    const target = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [8, 8, 1] }),
        tf.layers.dense({ units: 8, activation: 'relu', useBias: false }),
        tf.layers.dense({ units: 8, activation: 'relu', trainable: false }),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    const ctx = contextFor(data, topologyOf(target), TRAIN);
    target.dispose();
    const jobs = jobsFor(2);
    const batched = memoryShadowStore();
    const single = memoryShadowStore();

    // Act
    await trainMissingShadows(ctx, jobs, batched, { augmentation: 'none', batchModels: 8 });
    await trainMissingShadows(ctx, jobs, single, { augmentation: 'none', batchModels: 1 });
    const reference = await trainShadowModel(ctx, jobs[0]);
    const expected = queryLogits(reference, ctx.x, 'none');
    reference.dispose();

    // Assert: all paths agree with the reference trainer (up to float32 rounding).
    for (const store of [batched, single]) {
      const got = (await store.load(0))!.logits.views[0];
      let d = 0;
      got.forEach((v, i) => (d = Math.max(d, Math.abs(v - expected.views[0][i]))));
      expect(d).toBeLessThan(1e-4);
    }
    ctx.dispose();
  });
});

describe('trainMissingShadows leaks no tensors', () => {
  const count = () => tf.memory().numTensors;

  it('across repeated batched runs, fallback runs and DP runs', async () => {
    // Arrange
    const ctx = contextFor(data, mlpTopology, TRAIN);
    const cnn = tinyCnn(8, 3);
    const cnnCtx = contextFor(data, topologyOf(cnn), { ...TRAIN, epochs: 1 });
    cnn.dispose();
    const dpCtx = contextFor(data, mlpTopology, { ...TRAIN, epochs: 1, dp: { noiseMultiplier: 1, maxGradNorm: 1 } });
    const jobs = jobsFor(3);
    const before = count();

    // Act / Assert
    const after: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      await trainMissingShadows(ctx, jobs, memoryShadowStore(), { augmentation: 'flip', batchModels: 2 });
      after.push(count());
    }
    await trainMissingShadows(cnnCtx, jobs, memoryShadowStore(), { augmentation: 'none' });
    after.push(count());
    await trainMissingShadows(dpCtx, jobs.slice(0, 1), memoryShadowStore(), { augmentation: 'none' });
    after.push(count());
    expect(after).toEqual([before, before, before, before, before]);
    [ctx, cnnCtx, dpCtx].forEach((c) => c.dispose());
  });

  it('when the store fails to save a shadow of a group', async () => {
    // Arrange: the second save of the run fails (e.g. a full disk).
    const ctx = contextFor(data, mlpTopology, TRAIN);
    const inner = memoryShadowStore();
    let saves = 0;
    const failing: ShadowStore = {
      load: (i) => inner.load(i),
      save: async (s, m) => {
        if (++saves === 2) throw new Error('disk full');
        await inner.save(s, m);
      },
    };
    const before = count();

    // Act
    const run = trainMissingShadows(ctx, jobsFor(8), failing, { augmentation: 'none', batchModels: 4 });

    // Assert
    await expect(run).rejects.toThrow('disk full');
    expect(count()).toBe(before);
    ctx.dispose();
  });
});

afterAll(() => {
  vi.restoreAllMocks();
});
