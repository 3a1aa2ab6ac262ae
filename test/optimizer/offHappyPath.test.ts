/**
 * Cases found by review off the happy path (issue 11): what must be refused at construction, a
 * custom loss that mixes examples only on real data, masks past a layer that does not support them,
 * frozen regularized layers, seeded noise streams that must never coincide, a budget that reads the
 * ledger (not the settable step counter), a state read while a step runs, and optimizer states that do
 * not fit the model.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DpOptimizer, PrivkitError, gaussian, gaussianNoise, makePrivate, restorePrivate } from '../../src/index.js';
import { clippedGradients } from '../../src/kernels/clippedGradients.js';
import { perExampleLoss } from '../../src/kernels/perExampleLoss.js';
import { Xoshiro128 } from '../../src/optimizer/randomness.js';
import { expectPrivkitError } from '../_support/errors.js';

const base = { optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' as const, maxGradNorm: 1, noiseMultiplier: 1, sampleRate: 0.1, datasetSize: 100 };

describe('refused at construction', () => {
  it('a BatchNormalization inside a wrapper, frozen or not (it would run on batch statistics)', () => {
    for (const frozen of [true, false]) {
      const td = tf.layers.timeDistributed({ layer: tf.layers.batchNormalization() });
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3, 2] }), td, tf.layers.flatten(), tf.layers.dense({ units: 1 })] });
      if (frozen) td.trainable = false;
      expectPrivkitError(() => makePrivate({ ...base, model, allowSlowLayers: true }), 'UNSUPPORTED_LAYER', /wraps a BatchNormalization/);
    }
  });

  it('a nested model used as a layer, and a stateful RNN', () => {
    const inner = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
    const outer = tf.sequential({ layers: [inner, tf.layers.dense({ units: 1 })] });
    expectPrivkitError(() => makePrivate({ ...base, model: outer }), 'UNSUPPORTED_LAYER', /nested model/);
    const stateful = tf.sequential({ layers: [tf.layers.lstm({ units: 2, batchInputShape: [4, 3, 2], stateful: true }), tf.layers.dense({ units: 1 })] });
    expectPrivkitError(() => makePrivate({ ...base, model: stateful, allowSlowLayers: true }), 'UNSUPPORTED_LAYER', /stateful/);
  });
});

describe('a custom loss that mixes examples only on real data', () => {
  it('normalised by the batch mean of real-target counts: refused at the batch where it mixes, nothing applied', () => {
    // Targets −100 mark "no target" (a common masked loss); normalising by the batch's mean count mixes
    // examples, but random check data never has −100, so only the real batch shows it.
    const masked = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor => {
      const m = tf.cast(tf.notEqual(yTrue, -100), 'float32');
      return tf.div(tf.sum(tf.mul(m, tf.square(tf.sub(yPred, yTrue))), -1), tf.mean(tf.sum(m, -1)));
    };
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3] })] });
    const dp = new DpOptimizer({ model, optimizer: tf.train.sgd(0.1), loss: masked, maxGradNorm: 1, noiseMultiplier: 1, expectedBatchSize: 4 });
    const x = tf.randomNormal([4, 3], 0, 1, 'float32', 5);
    const yAll = tf.randomNormal([4, 4], 0, 1, 'float32', 6);
    dp.step(x, yAll); // every example has 4 targets: normalising by 4 is per-example, accepted
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    const ragged = tf.tensor2d([[1, -100, -100, -100], [1, 2, 3, 4], [0.5, -100, -100, -100], [2, 1, -100, -100]]);
    expectPrivkitError(() => dp.step(x, ragged), 'INVALID_ARGUMENT', /mixes examples/);
    expect(dp.stepCount).toBe(1);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(weights);
    tf.dispose([x, yAll, ragged]);
  });
});

describe('masks past a layer that does not support masking', () => {
  it('Embedding(maskZero) → Conv1D → SimpleRNN: the DP losses equal predict\'s (tfjs keeps passing the last mask)', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 10, outputDim: 3, inputLength: 5, maskZero: true, embeddingsInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.conv1d({ filters: 3, kernelSize: 2, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
        tf.layers.simpleRNN({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }), recurrentInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
        tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
      ],
    });
    const x = tf.tensor2d([[3, 4, 0, 0, 0], [1, 2, 3, 4, 5], [7, 0, 0, 0, 0]]);
    const y = tf.tensor2d([[1, 0], [0, 1], [1, 0]]);
    const out = clippedGradients(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: 1, allowSlowLayers: true });
    const expected = tf.tidy(() => perExampleLoss('categoricalCrossentropy')(y, model.predict(x) as tf.Tensor).dataSync());
    const got = out.losses.dataSync();
    for (let i = 0; i < 3; i++) expect(got[i]).toBeCloseTo(expected[i], 5);
    tf.dispose([x, y, out.perExampleNorms, out.clipFactors, out.losses, ...out.grads]);
  });
});

describe('regularizers', () => {
  it('a frozen layer with a kernel regularizer: steps work (its penalty has no gradient here) and leak nothing', () => {
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 3, inputShape: [2], kernelRegularizer: tf.regularizers.l2({ l2: 0.1 }) }), tf.layers.dense({ units: 1 })],
    });
    model.layers[0].trainable = false;
    const dp = new DpOptimizer({ model, optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError', maxGradNorm: 1, noiseMultiplier: 1, expectedBatchSize: 2 });
    const x = tf.ones([2, 2]);
    const y = tf.ones([2, 1]);
    dp.step(x, y);
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) dp.step(x, y);
    expect(tf.memory().numTensors).toBe(before);
    expect(dp.stepCount).toBe(4);
    tf.dispose([x, y]);
  });
});

describe('seeded noise streams', () => {
  it('(seed 0, step 23508, tensor 7) and (step 28439, tensor 2) — equal under the old 32-bit hash — differ', () => {
    const a = gaussianNoise([8], 1, { key: [0, 23508, 0, 7] });
    const b = gaussianNoise([8], 1, { key: [0, 28439, 0, 2] });
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(b.dataSync()));
    tf.dispose([a, b]);
  });

  it('10⁵ steps × 8 tensors: every (step, tensor) stream has its own state and its own first 64 output bits', () => {
    // The keyed states are distinct by construction (a bijection); the first two output words of 8e5
    // independent streams coincide with probability ≈ C(8e5, 2)/2⁶⁴ ≈ 2e-8, so any repeat is a defect.
    const states = new Set<string>();
    const firsts = new Set<string>();
    for (let step = 0; step < 100_000; step++) {
      for (let t = 0; t < 8; t++) {
        const g = Xoshiro128.fromKey([0, step, 0, t]);
        states.add(g.state().join(','));
        firsts.add(`${g.next()},${g.next()}`);
      }
    }
    expect(states.size).toBe(800_000);
    expect(firsts.size).toBe(800_000);
  });
});

describe('the budget reads the ledger', () => {
  const data = () => ({ x: tf.randomNormal([20, 2], 0, 1, 'float32', 1), y: tf.randomNormal([20, 1], 0, 1, 'float32', 2) });

  it('resetting the optimizer\'s step counter does not reset the budget', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    const priv = makePrivate({ ...base, optimizer: tf.train.sgd(0.01), model, sampleRate: 0.25, datasetSize: 20, noiseMultiplier: 1, seed: 3 });
    const { x, y } = data();
    const target = 1.5;
    await expect(priv.fit(x, y, { epochs: 1000, delta: 1e-5, targetEpsilon: target })).rejects.toThrowError(PrivkitError);
    const spent = priv.getEpsilon(1e-5);
    expect(spent).toBeLessThanOrEqual(target);
    priv.dpOptimizer.setStepCount(0);
    await expect(priv.fit(x, y, { epochs: 1, delta: 1e-5, targetEpsilon: target })).rejects.toThrowError(/BUDGET|would take ε above/);
    expect(priv.getEpsilon(1e-5)).toBe(spent);
    tf.dispose([x, y]);
  });

  it('events composed into the accountant count against the budget', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    const priv = makePrivate({ ...base, optimizer: tf.train.sgd(0.01), model, sampleRate: 0.25, datasetSize: 20, noiseMultiplier: 1, seed: 3 });
    priv.accountant.compose(gaussian(0.7)); // another release on the same data, ε ≈ 7.5 at δ = 1e-5 alone
    const { x, y } = data();
    const target = priv.getEpsilon(1e-5) + 0.05;
    await expect(priv.fit(x, y, { epochs: 1000, delta: 1e-5, targetEpsilon: target })).rejects.toThrowError(/would take ε above/);
    expect(priv.getEpsilon(1e-5)).toBeLessThanOrEqual(target);
    tf.dispose([x, y]);
  });
});

describe('state() and restorePrivate', () => {
  it('a step taken while state() awaits tfjs does not mix two instants (Adam\'s iteration count agrees with the steps)', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    const priv = makePrivate({ ...base, optimizer: tf.train.adam(0.01), model, sampleRate: 0.5, datasetSize: 4, seed: 1 });
    const x = tf.ones([2, 2]);
    const y = tf.ones([2, 1]);
    priv.step(x, y);
    const pending = priv.state();
    priv.step(x, y); // not awaited: runs before state() resumes
    const state = await pending;
    const iter = state.optimizer.find((t) => t.name === 'iter');
    expect(state.steps).toBe(2);
    expect(iter?.values[0]).toBe(2);
    tf.dispose([x, y]);
  });

  it('an optimizer state that does not fit the model is BAD_CHECKPOINT, and the model is left as it was', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
    const priv = makePrivate({ ...base, optimizer: tf.train.adam(0.01), model, sampleRate: 0.5, datasetSize: 4, seed: 1 });
    const x = tf.ones([2, 4]);
    const y = tf.ones([2, 3]);
    priv.step(x, y);
    const state = await priv.state();
    const broken = { ...state, optimizer: state.optimizer.map((t) => (t.name === 'iter' ? t : { ...t, shape: [1], values: new Float32Array(1) })) };
    const fresh = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
    const before = fresh.getWeights().map((w) => Array.from(w.dataSync()));
    await expect(restorePrivate(broken, { model: fresh, optimizer: tf.train.adam(0.01) })).rejects.toThrowError(/optimizer state/);
    expect(fresh.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    tf.dispose([x, y]);
  });
});
