/**
 * The file shadow store: exact round trip of masks and logits, all-or-nothing saves (a failing model
 * save leaves neither a shadow folder nor a temporary one), unreadable shadows reported, and cache
 * keys that change with every setting and ignore tfjs' per-process layer names.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivkitError } from '../../../accountant/index.js';
import { describeShadowCache, fileShadowStore, shadowCacheKey } from '../../../mia/node/fileShadowStore.js';
import type { StoredShadow } from '../../../mia/shadow/ShadowStore.js';
import type { ShadowSettings } from '../../../mia/shadow/ShadowTrainingOptions.js';
import { loadModel } from '../../../src/node/io/fileModelIO.js';
import { useBackend } from '../../../src/backend/useBackend.js';
import { imageData, mlp, topologyOf, weightsOf } from '../shadow/_fixtures.js';

beforeAll(async () => {
  await useBackend('wasm');
});

const dirs: string[] = [];
function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'privkit-store-test-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const KEY = 'abc123';
const N = 5;
const K = 3;

function shadow(index: number): StoredShadow {
  // Values that a lossy encoding would not keep: subnormals, −0, extremes, non-round fractions.
  const view = (v: number) => Float32Array.from({ length: N * K }, (_, i) => [1.4e-45, -0, 3.4e38, -1 / 3, Math.PI * (i + v)][i % 5]);
  return { index, inMask: Uint8Array.of(1, 0, 0, 1, 1), logits: { views: [view(0), view(1)] } };
}

describe('fileShadowStore', () => {
  it('loads back exactly what it saved (mask, every view, bit for bit) and the model', async () => {
    // Arrange
    const dir = freshDir();
    const store = fileShadowStore(dir, KEY);
    const model = mlp([2, 2], K, 3);
    const saved = shadow(7);

    // Act
    const missing = await store.load(7);
    await store.save(saved, model);
    const loaded = await store.load(7);
    const reloaded = await loadModel(join(dir, KEY, 'shadow-0007'));

    // Assert
    expect(missing).toBeNull();
    expect(loaded).not.toBeNull();
    expect(loaded!.index).toBe(7);
    expect(loaded!.inMask).toEqual(saved.inMask);
    expect(loaded!.logits.views).toHaveLength(2);
    loaded!.logits.views.forEach((v, k) => {
      expect(new Uint32Array(v.buffer, v.byteOffset, v.length)).toEqual(new Uint32Array(saved.logits.views[k].buffer));
    });
    expect(readdirSync(join(dir, KEY)).sort()).toEqual(['shadow-0007']);
    expect(readdirSync(join(dir, KEY, 'shadow-0007')).sort()).toEqual(['logits.bin', 'mask.bin', 'meta.json', 'model.json', 'weights.bin']);
    expect(weightsOf(reloaded)).toEqual(weightsOf(model));
    expect(await store.load(8)).toBeNull();
    model.dispose();
    reloaded.dispose();
  });

  it('keeps the first save of a shadow (another worker or shard got there first)', async () => {
    // Arrange
    const store = fileShadowStore(freshDir(), KEY);
    const model = mlp([2, 2], K, 3);
    const first = shadow(1);
    const second: StoredShadow = { ...shadow(1), logits: { views: [new Float32Array(N * K), new Float32Array(N * K)] } };

    // Act
    await store.save(first, model);
    await store.save(second, model);

    // Assert
    expect((await store.load(1))!.logits.views).toEqual(first.logits.views);
    model.dispose();
  });

  it('shows nothing of a shadow whose save failed: no shadow folder, no temporary folder', async () => {
    // Arrange: a "model" whose save fails after the temporary folder exists (a full disk, say).
    const dir = freshDir();
    const store = fileShadowStore(dir, KEY);
    const failing = {
      save: async () => {
        throw new Error('ENOSPC: no space left on device');
      },
    } as unknown as tf.LayersModel;

    // Act
    const attempt = store.save(shadow(3), failing);

    // Assert
    await expect(attempt).rejects.toThrow('ENOSPC');
    expect(readdirSync(join(dir, KEY))).toEqual([]);
    expect(await store.load(3)).toBeNull();
  });

  it('shows nothing of a shadow whose model was saved but whose outputs could not be', async () => {
    // Arrange: logits views of unequal lengths make the logits write fail after model.json is written.
    const dir = freshDir();
    const store = fileShadowStore(dir, KEY);
    const model = mlp([2, 2], K, 3);
    const broken: StoredShadow = { ...shadow(4), logits: { views: [new Float32Array(N * K), new Float32Array(N * K + 1)] } };

    // Act
    const attempt = store.save(broken, model);

    // Assert
    await expect(attempt).rejects.toThrow();
    expect(readdirSync(join(dir, KEY))).toEqual([]);
    model.dispose();
  });

  it('reports an unreadable cached shadow as BAD_DATA_FILE naming its folder', async () => {
    // Arrange
    const dir = freshDir();
    const store = fileShadowStore(dir, KEY);
    const model = mlp([2, 2], K, 3);
    await store.save(shadow(2), model);
    model.dispose();
    const folder = join(dir, KEY, 'shadow-0002');
    writeFileSync(join(folder, 'logits.bin'), new Uint8Array(12)); // truncated

    // Act
    let error: unknown;
    try {
      await store.load(2);
    } catch (e) {
      error = e;
    }

    // Assert
    expect(error).toBeInstanceOf(PrivkitError);
    expect((error as PrivkitError).code).toBe('BAD_DATA_FILE');
    expect((error as Error).message).toContain(folder);
    expect((error as Error).message).toMatch(/delete that folder to retrain it/);
  });
});

describe('shadowCacheKey', () => {
  const data = imageData(20, 1, { side: 4 });
  let base: ShadowSettings;
  beforeAll(() => {
    const target = mlp([4, 4, 1], 3, 5);
    base = { topology: topologyOf(target), train: { epochs: 2, batchSize: 8, learningRate: 0.01 }, count: 4, seed: 0, augmentation: 'none', data };
    target.dispose();
  });

  it('is 24 hex digits, and the same for equal settings', () => {
    expect(shadowCacheKey(base)).toMatch(/^[0-9a-f]{24}$/);
    expect(shadowCacheKey({ ...base, data: { ...data, x: data.x.slice(), y: data.y.slice() } })).toBe(shadowCacheKey(base));
  });

  it('changes with the epochs, learning rate, optimizer, DP recipe, count, seed, views, and the data', () => {
    // Arrange
    const x = data.x.slice();
    x[17] += 1e-6;
    const y = data.y.slice();
    y[3] = (y[3] + 1) % 3;
    const variants: ShadowSettings[] = [
      { ...base, train: { ...base.train, epochs: 3 } },
      { ...base, train: { ...base.train, learningRate: 0.02 } },
      { ...base, train: { ...base.train, batchSize: 4 } },
      { ...base, train: { ...base.train, optimizer: 'sgd' } },
      { ...base, train: { ...base.train, dp: { noiseMultiplier: 1, maxGradNorm: 1 } } },
      { ...base, count: 6 },
      { ...base, seed: 1 },
      { ...base, augmentation: 'flip' },
      { ...base, data: { ...data, x } },
      { ...base, data: { ...data, y } },
      { ...base, data: { ...data, numClasses: 4 } },
    ];

    // Act
    const keys = variants.map(shadowCacheKey);

    // Assert
    expect(new Set([shadowCacheKey(base), ...keys]).size).toBe(variants.length + 1);
    // The default optimizer is Adam: naming it does not change the key.
    expect(shadowCacheKey({ ...base, train: { ...base.train, optimizer: 'adam' } })).toBe(shadowCacheKey(base));
  });

  it('reads only the population it is given (a subarray view, not its whole buffer)', () => {
    // Arrange
    const bigX = new Float32Array(data.x.length + 16);
    bigX.set(data.x, 16);
    const view = bigX.subarray(16);
    bigX[0] = 42; // outside the view

    // Act / Assert
    expect(shadowCacheKey({ ...base, data: { ...data, x: view } })).toBe(shadowCacheKey(base));
  });

  it('is the same for two builds of the same architecture with different layer names', () => {
    // Arrange: tfjs numbers layers per process (dense_Dense7, …); a user may also name them.
    const again = mlp([4, 4, 1], 3, 5);
    const named = tf.sequential({
      name: 'my_target',
      layers: [
        tf.layers.flatten({ inputShape: [4, 4, 1], name: 'in_flat' }),
        tf.layers.dense({ units: 5, activation: 'relu', name: 'hidden' }),
        tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
      ],
    });
    const wider = mlp([4, 4, 1], 3, 6);

    // Act
    const keys = [again, named, wider].map((m) => shadowCacheKey({ ...base, topology: topologyOf(m) }));
    [again, named, wider].forEach((m) => m.dispose());

    // Assert
    expect(JSON.stringify(topologyOf(mlp([4, 4, 1], 3, 5)))).not.toBe(JSON.stringify(base.topology)); // names do differ
    expect(keys[0]).toBe(shadowCacheKey(base));
    expect(keys[1]).toBe(shadowCacheKey(base));
    expect(keys[2]).not.toBe(shadowCacheKey(base));
  });

  it('tells functional models with the same layers but different wiring apart, and ignores their names', () => {
    // Arrange: both have layers [input, dense(4), dense(4), add]; only the connections differ.
    const build = (chain: boolean) => {
      const input = tf.input({ shape: [4] });
      const a = tf.layers.dense({ units: 4 }).apply(input) as tf.SymbolicTensor;
      const b = tf.layers.dense({ units: 4 }).apply(chain ? a : input) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: tf.layers.add().apply([a, b]) as tf.SymbolicTensor });
    };
    const settings = (m: tf.LayersModel): ShadowSettings => ({ ...base, topology: topologyOf(m), data: { ...data, exampleShape: [16] } });
    const models = [build(true), build(false), build(true)];

    // Act
    const [chain, parallel, chainAgain] = models.map((m) => shadowCacheKey(settings(m)));
    models.forEach((m) => m.dispose());

    // Assert
    expect(chain).not.toBe(parallel);
    expect(chainAgain).toBe(chain);
  });
});

describe('describeShadowCache', () => {
  it('writes settings.json once, summarising the population by its size', () => {
    // Arrange
    const dir = freshDir();
    const data = imageData(10, 2, { side: 4 });
    const settings: ShadowSettings = { topology: {}, train: { epochs: 1, batchSize: 4, learningRate: 0.1 }, count: 2, seed: 5, augmentation: 'none', data };

    // Act
    describeShadowCache(dir, 'k', settings);
    describeShadowCache(dir, 'k', { ...settings, seed: 6 });

    // Assert
    const path = join(dir, 'k', 'settings.json');
    expect(existsSync(path)).toBe(true);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      train: settings.train,
      count: 2,
      seed: 5,
      augmentation: 'none',
      population: { examples: 10, exampleShape: [4, 4, 1], numClasses: 3 },
    });
  });
});
