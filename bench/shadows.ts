/**
 * Shadow-model training speed (issue: "16 shadow models trained with the fast path vs one after
 * another, same settings — ratio ≥ 1.8"). Same architecture (the issue's MLP 784-256-10), population,
 * recipe, seeds and masks in every arm; the arms differ only in how the shadows are trained:
 * - sequential: one after another in this thread, each through tfjs-layers' own training (autograd),
 *   as a user would without privkit (batchModels 1, no workers);
 * - batched: groups of 8 trained as one computation in this thread (batchModels 8);
 * - workers: 2 worker threads, one model at a time each (batchModels 1);
 * - fast: 2 worker threads, each training its 8 shadows as one computation (the default fast path).
 * Wall-clock seconds per arm (worker start-up included) and speed-ups against sequential.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { inProcessShadowRunner, trainShadowModels, type ShadowRunner } from '../mia/index.js';
import { fileShadowRunner } from '../mia/node/index.js';
import { loadDataset } from '../src/node/loadDataset.js';

const SHADOWS = 16;
const POPULATION = 2000;

export async function shadowBench(): Promise<Record<string, number | string>> {
  const d = loadDataset('dataset:mnist', { split: 'all', seed: 0 });
  const data = { ...d, x: d.x.slice(0, POPULATION * 784), y: d.y.slice(0, POPULATION) };
  const targetModel = tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 256, activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' })],
  });
  const train = { epochs: 10, batchSize: 128, learningRate: 1e-3, optimizer: 'adam' as const };
  const time = async (runner: ShadowRunner): Promise<number> => {
    const t0 = performance.now();
    await trainShadowModels({ targetModel, data, shadow: { count: SHADOWS, train, runner }, seed: 1 });
    return (performance.now() - t0) / 1000;
  };
  const withCache = async (make: (dir: string) => ShadowRunner): Promise<number> => {
    const dir = mkdtempSync(join(tmpdir(), 'privkit-bench-'));
    try {
      return await time(make(dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const sequential = await time(inProcessShadowRunner({ batchModels: 1 }));
  const batched = await time(inProcessShadowRunner({ batchModels: 8 }));
  const workers = await withCache((dir) => fileShadowRunner({ cacheDir: dir, workers: 2, batchModels: 1, backend: 'wasm' }));
  const fast = await withCache((dir) => fileShadowRunner({ cacheDir: dir, workers: 2, batchModels: 8, backend: 'wasm' }));
  targetModel.dispose();
  const r = (x: number): number => Math.round(x * 100) / 100;
  return {
    setting: `${SHADOWS} shadows of MLP 784-256-10, ${POPULATION}-row MNIST population (1000 IN each), ${train.epochs} epochs, batch ${train.batchSize}, Adam`,
    sequentialSeconds: r(sequential),
    batchedSeconds: r(batched),
    workersSeconds: r(workers),
    fastSeconds: r(fast),
    batchedSpeedup: r(sequential / batched),
    workersSpeedup: r(sequential / workers),
    fastSpeedup: r(sequential / fast),
  };
}
