/**
 * Bad-input sweep of privkit's DP-SGD API (`privkit` and `privkit/node`, beside the accountant's,
 * the auditor's and the CLI's own sweeps): every public function with NaN, ±∞, 0, negative, huge,
 * wrongly typed and wrongly shaped arguments. Each case must either return a correct result or
 * throw a PrivkitError with the expected code whose message names the bad argument — never a NaN,
 * a TypeError from deep inside tfjs, a hang, or a leaked tensor (harness: test/testing/_hostileInputs.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe } from 'vitest';
import {
  DpOptimizer,
  PoissonSampler,
  clippedGradients,
  gaussianNoise,
  makePrivate,
  perExampleLoss,
  planClipping,
  poissonBatches,
  registerLayerRule,
  restorePrivate,
  useBackend,
} from '../../src/index.js';
import { loadDataset, loadModel, loadPrivate, saveCheckpoint, seededPermutation, writeFileAtomic } from '../../src/node/index.js';
import { X, refuses, returns, sweep, type HostileCase } from '../testing/_hostileInputs.js';

const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], activation: 'softmax' })] });
const optimizer = tf.train.sgd(0.1);
const base = { model, optimizer, loss: 'categoricalCrossentropy' as const, maxGradNorm: 1, noiseMultiplier: 1, sampleRate: 0.5, datasetSize: 4 };
const x = tf.ones([4, 3]);
const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2);
const priv = makePrivate(base);
const dpBase = { model, optimizer, loss: 'categoricalCrossentropy' as const, maxGradNorm: 1, noiseMultiplier: 1, expectedBatchSize: 2 };
const dir = mkdtempSync(join(tmpdir(), 'privkit-hostile-'));
const aFile = join(dir, 'a-file');
writeFileSync(aFile, 'x');
const fit = (options: unknown) => () => priv.fit(x, y, X(options));
const fiveRows = tf.ones([5, 3]);
const threeClasses = tf.ones([4, 3]);

const bad = [NaN, Infinity, -Infinity, 0, -1, 1e300, '1', null];

const cases: HostileCase[] = [
  // makePrivate: each privacy-critical value, every kind of bad.
  ['makePrivate(null)', () => makePrivate(X(null)), refuses('makePrivate')],
  ['makePrivate: model not a model', () => makePrivate({ ...base, model: X({}) }), refuses('`model`')],
  ['makePrivate: optimizer missing', () => makePrivate({ ...base, optimizer: X(undefined) }), refuses('`optimizer`')],
  ['makePrivate: loss unknown', () => makePrivate({ ...base, loss: X('hinge') }), refuses('`loss`')],
  ['makePrivate: loss a number', () => makePrivate({ ...base, loss: X(42) }), refuses('`loss`')],
  ...bad.map((v): HostileCase => [`makePrivate: maxGradNorm ${String(v)}`, () => makePrivate({ ...base, maxGradNorm: X(v) }), refuses(v === 1e300 ? '`noiseMultiplier`' : '`maxGradNorm`')]),
  ['makePrivate: maxGradNorm [] with flat clipping', () => makePrivate({ ...base, maxGradNorm: [] }), refuses('`maxGradNorm`')],
  ['makePrivate: per-layer bounds of the wrong count', () => makePrivate({ ...base, clipping: 'per-layer', maxGradNorm: [1, 1] }), refuses('`maxGradNorm`')],
  ...[NaN, Infinity, 0, -0.1, 1.5, '0.1', null].map((v): HostileCase => [`makePrivate: sampleRate ${String(v)}`, () => makePrivate({ ...base, sampleRate: X(v) }), refuses('`sampleRate`')]),
  ...[NaN, Infinity, 0, -1, 1.5, 1e300, '4'].map((v): HostileCase => [`makePrivate: datasetSize ${String(v)}`, () => makePrivate({ ...base, datasetSize: X(v) }), refuses('`datasetSize`')]),
  ...[NaN, Infinity, -1, '1', null].map((v): HostileCase => [`makePrivate: noiseMultiplier ${String(v)}`, () => makePrivate({ ...base, noiseMultiplier: X(v) }), refuses('`noiseMultiplier`')]),
  ['makePrivate: noiseMultiplier 1e300 overflows float32 noise', () => makePrivate({ ...base, noiseMultiplier: 1e300 }), refuses('`noiseMultiplier`')],
  ['makePrivate: σ and targetEpsilon', () => makePrivate({ ...base, targetEpsilon: 1, delta: 1e-5, epochs: 1 }), refuses('not both')],
  ['makePrivate: targetEpsilon without delta', () => makePrivate({ ...base, noiseMultiplier: undefined, targetEpsilon: 1, epochs: 1 }), refuses('`targetEpsilon`')],
  ...[NaN, Infinity, 0, -1, 1e300].map((v): HostileCase => [`makePrivate: epochs ${String(v)}`, () => makePrivate({ ...base, noiseMultiplier: undefined, targetEpsilon: 1, delta: 1e-5, epochs: v }), refuses('`epochs`')]),
  ['makePrivate: accountant unknown', () => makePrivate({ ...base, accountant: X('prv') }), refuses('`accountant`')],
  ...[-1, 1.5, 2 ** 32, NaN, '7'].map((v): HostileCase => [`makePrivate: seed ${String(v)}`, () => makePrivate({ ...base, seed: X(v) }), refuses('`seed`')]),
  ['makePrivate: clipping unknown', () => makePrivate({ ...base, clipping: X('global') }), refuses('`clipping`')],
  ['makePrivate: padding id for a layer that is not there', () => makePrivate({ ...base, embeddingPaddingIds: { nope: 0 } }), refuses('`embeddingPaddingIds`')],
  ['makePrivate: secureNoise', () => makePrivate(X({ ...base, secureNoise: true })), refuses('`secureNoise`')],
  // fit.
  ['fit: x not a tensor', () => priv.fit(X([[1, 2, 3]]), y, { epochs: 1, delta: 1e-5 }), refuses('`x`')],
  ['fit: y not a tensor', () => priv.fit(x, X('labels'), { epochs: 1, delta: 1e-5 }), refuses('`y`')],
  ['fit: x of another size than datasetSize', () => priv.fit(fiveRows, y, { epochs: 1, delta: 1e-5 }), refuses('datasetSize')],
  ['fit: options missing', fit(undefined), refuses('fit needs options')],
  ...[NaN, Infinity, 0, -1, 1e300].map((v): HostileCase => [`fit: epochs ${String(v)}`, fit({ epochs: v, delta: 1e-5 }), refuses('`epochs`')]),
  ...[NaN, 0, 1, -1, '1e-5'].map((v): HostileCase => [`fit: delta ${String(v)}`, fit({ epochs: 1, delta: v }), refuses('`delta`')]),
  ...[NaN, 0, -1, Infinity].map((v): HostileCase => [`fit: targetEpsilon ${String(v)}`, fit({ epochs: 1, delta: 1e-5, targetEpsilon: v }), refuses('`targetEpsilon`')]),
  ...[NaN, 0, -1, 1.5].map((v): HostileCase => [`fit: maxPhysicalBatchSize ${String(v)}`, fit({ epochs: 1, delta: 1e-5, maxPhysicalBatchSize: v }), refuses('`maxPhysicalBatchSize`')]),
  ['fit: verbose 2', fit({ epochs: 1, delta: 1e-5, verbose: 2 }), refuses('`verbose`')],
  ['fit: targets of the wrong class count', () => priv.fit(x, threeClasses, { epochs: 1, delta: 1e-5 }), refuses('[4, 3]')],
  // DpOptimizer.
  ...[NaN, Infinity, 0, -1].map((v): HostileCase => [`DpOptimizer: expectedBatchSize ${String(v)}`, () => new DpOptimizer({ ...dpBase, expectedBatchSize: v }), refuses('`expectedBatchSize`')]),
  ['DpOptimizer: setStepCount NaN', () => new DpOptimizer(dpBase).setStepCount(NaN), refuses('step count')],
  ['DpOptimizer: setStepCount −1', () => new DpOptimizer(dpBase).setStepCount(-1), refuses('step count')],
  // Sampling and noise.
  ...[0, -1, 1.5, NaN, 1e300].map((v): HostileCase => [`poissonBatches: n ${String(v)}`, () => poissonBatches(v, 0.1).next(), refuses('`n`')]),
  ...[0, 2, NaN, -0.5].map((v): HostileCase => [`poissonBatches: sampleRate ${String(v)}`, () => poissonBatches(10, v).next(), refuses('`sampleRate`')]),
  ['poissonBatches: seed 1.5', () => poissonBatches(10, 0.1, 1.5).next(), refuses('randomness')],
  ['PoissonSampler: state all zeros', () => new PoissonSampler(10, 0.1, { state: [0, 0, 0, 0] }), refuses('randomness')],
  ['PoissonSampler: restore a secure sampler', () => new PoissonSampler(10, 0.1, 'secure').restore([1, 2, 3, 4]), refuses('secure sampler')],
  ['PoissonSampler: state of three words', () => new PoissonSampler(10, 0.1, { seed: 1 }).restore([1, 2, 3]), refuses('sampler state')],
  ['PoissonSampler: a seeded batch', () => new PoissonSampler(10, 0.5, { seed: 3 }).next(), returns((b: Int32Array) => b.every((i) => i >= 0 && i < 10))],
  ...[-1, NaN, Infinity].map((v): HostileCase => [`gaussianNoise: std ${String(v)}`, () => gaussianNoise([3], v, 'secure'), refuses('`std`')]),
  ['gaussianNoise: shape [−1]', () => gaussianNoise([-1], 1, 'secure'), refuses('`shape`')],
  ['gaussianNoise: shape [1.5]', () => gaussianNoise([1.5], 1, 'secure'), refuses('`shape`')],
  ['gaussianNoise: shape [1e10] (too large to allocate)', () => gaussianNoise([1e10], 1, 'secure'), refuses('`shape`')],
  ['gaussianNoise: source "insecure"', () => gaussianNoise([3], 1, X('insecure')), refuses('`source`')],
  ['gaussianNoise: seed "x"', () => gaussianNoise([3], 1, X({ seed: 'x' })), refuses('`source`')],
  // Clipping and losses.
  ['clippedGradients: model null', () => clippedGradients(X(null), x, y, { loss: 'categoricalCrossentropy', maxGradNorm: 1 }), refuses('`model`')],
  ['clippedGradients: x not a tensor', () => clippedGradients(model, X('x'), y, { loss: 'categoricalCrossentropy', maxGradNorm: 1 }), refuses('`x`')],
  ['clippedGradients: disposed x', () => {
    const gone = tf.ones([4, 3]);
    gone.dispose();
    return clippedGradients(model, gone, y, { loss: 'categoricalCrossentropy', maxGradNorm: 1 });
  }, refuses('disposed')],
  ['clippedGradients: maxGradNorm NaN', () => clippedGradients(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: NaN }), refuses('`maxGradNorm`')],
  ['planClipping: model a string', () => planClipping(X('model'), { loss: 'meanSquaredError', maxGradNorm: 1 }), refuses('`model`')],
  ['perExampleLoss: unknown name', () => perExampleLoss(X('hinge')), refuses('`loss`')],
  ['registerLayerRule: rule null', () => registerLayerRule('MyLayer', X(null)), refuses('rule')],
  ['registerLayerRule: class name empty', () => registerLayerRule('', X({})), refuses('className')],
  ['useBackend: unknown name', () => useBackend(X('gpu')), refuses('`backend`')],
  ['useBackend: a number', () => useBackend(X(42)), refuses('`backend`')],
  // Checkpoints.
  ['restorePrivate: garbage state', () => restorePrivate(X({ hello: 1 }), { model, optimizer }), refuses('privkit', 'BAD_CHECKPOINT')],
  ['restorePrivate: null state', () => restorePrivate(X(null), { model, optimizer }), refuses('privkit', 'BAD_CHECKPOINT')],
  ['loadPrivate: no folder', () => loadPrivate(join(dir, 'nope'), { model, optimizer }), refuses('nope', 'BAD_CHECKPOINT')],
  ['loadPrivate: a file, not a folder', () => loadPrivate(aFile, { model, optimizer }), refuses('a-file', 'BAD_CHECKPOINT')],
  ['save: under a regular file', () => saveCheckpoint(priv, join(aFile, 'ckpt')), refuses('a-file', 'IO_ERROR')],
  // privkit/node.
  ['loadDataset: unknown dataset', () => loadDataset('dataset:imagenet'), refuses('imagenet', 'BAD_DATA_FILE')],
  ['loadDataset: missing file', () => loadDataset(join(dir, 'none.csv')), refuses('none.csv', 'BAD_DATA_FILE')],
  ['loadDataset: a number', () => loadDataset(X(42)), refuses('`spec`')],
  ...[-1, 1.5, NaN, 1e300].map((v): HostileCase => [`seededPermutation: n ${String(v)}`, () => seededPermutation(v, 0), refuses('`n`')]),
  ['seededPermutation: seed NaN', () => seededPermutation(3, NaN), refuses('`seed`')],
  ['writeFileAtomic: under a regular file', () => writeFileAtomic(join(aFile, 'x.json'), '{}'), refuses('a-file', 'IO_ERROR')],
  ['loadModel: missing folder', () => loadModel(join(dir, 'no-model')), refuses('no-model', 'BAD_MODEL_FILE')],
];

describe('bad-input sweep: privkit (DP-SGD) and privkit/node', () => {
  sweep(cases);
});
