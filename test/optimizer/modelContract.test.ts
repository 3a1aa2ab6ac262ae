/**
 * What DP training does with models and inputs off the happy path (issue 11 §2, §6): masks are carried
 * exactly as tfjs carries them, weight regularizers are applied (after the noise), activity
 * regularizers and untrainable shapes are refused at construction, and every bad input to a step is a
 * typed error that applies nothing, counts nothing and leaks nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DpOptimizer, PrivkitError, makePrivate } from '../../src/index.js';
import { clippedGradients } from '../../src/kernels/clippedGradients.js';
import { perExampleLoss } from '../../src/kernels/perExampleLoss.js';
import { expectPrivkitError } from '../_support/errors.js';

function maskedTextModel(seed: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: 12, outputDim: 4, inputLength: 6, maskZero: true, embeddingsInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.simpleRNN({ units: 5, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }), recurrentInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 3 }) }),
    ],
  });
}

/** Padded id sequences: each row a random length 1…6 of ids in 1…11, then zeros. */
function paddedIds(batch: number, seed: number): tf.Tensor2D {
  let s = seed;
  const next = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const values = new Float32Array(batch * 6);
  for (let i = 0; i < batch; i++) {
    const len = 1 + Math.floor(next() * 6);
    for (let t = 0; t < len; t++) values[i * 6 + t] = 1 + Math.floor(next() * 11);
  }
  return tf.tensor2d(values, [batch, 6]);
}

describe('masks', () => {
  it('Embedding(maskZero) → SimpleRNN: the DP pass computes the losses of model.predict and the per-example gradients of a brute-force loop', () => {
    const model = maskedTextModel(3);
    const x = paddedIds(6, 9);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3);
    const out = clippedGradients(model, x, y, { loss: 'categoricalCrossentropy', maxGradNorm: 1e6, allowSlowLayers: true });
    const loss = perExampleLoss('categoricalCrossentropy');
    const predicted = tf.tidy(() => loss(y, model.predict(x) as tf.Tensor).dataSync());
    const dpLosses = out.losses.dataSync();
    // Without the mask the padded positions would be read by the RNN: a different function.
    const unmasked = tf.tidy(() => {
      const clone = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 12, outputDim: 4, inputLength: 6 }), tf.layers.simpleRNN({ units: 5 }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
      clone.setWeights(model.getWeights());
      const l = loss(y, clone.predict(x) as tf.Tensor).dataSync();
      clone.dispose();
      return l;
    });
    let differs = 0;
    for (let i = 0; i < 6; i++) {
      expect(dpLosses[i]).toBeCloseTo(predicted[i], 5);
      if (Math.abs(unmasked[i] - predicted[i]) > 1e-4) differs++;
    }
    expect(differs).toBeGreaterThan(0); // the mask matters for this data
    // Per-example gradient norms against the brute force (each example alone, through model.apply).
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const norms = out.perExampleNorms.dataSync();
    for (let i = 0; i < 6; i++) {
      const n = tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.sum(loss(tf.slice(y, i, 1), model.apply(tf.slice(x, i, 1), { training: true }) as tf.Tensor)) as tf.Scalar, vars);
        return Math.sqrt(Object.values(grads).reduce((a, g) => a + tf.sum(tf.square(g)).dataSync()[0], 0));
      });
      expect(Math.abs(norms[i] - n)).toBeLessThan(1e-4 * Math.max(1, n));
    }
    tf.dispose([x, y, out.perExampleNorms, out.clipFactors, out.losses, ...out.grads]);
    model.dispose();
  });
});

describe('regularizers', () => {
  function regularized(l2: number): tf.Sequential {
    return tf.sequential({
      layers: [
        tf.layers.dense({
          units: 2,
          inputShape: [3],
          kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
          biasInitializer: tf.initializers.constant({ value: 0.5 }),
          ...(l2 > 0 ? { kernelRegularizer: tf.regularizers.l2({ l2 }), biasRegularizer: tf.regularizers.l1({ l1: l2 }) } : {}),
        }),
      ],
    });
  }

  it('weight penalties are added after the noise: the update is the DP gradient plus ∇R(θ), exactly', () => {
    const x = tf.tensor2d([[1, 2, 3], [0.5, -1, 2], [-1, 0, 1]]);
    const y = tf.tensor2d([[1, 0], [0, 1], [0.5, 0.5]]);
    const lr = 0.1;
    const a = regularized(0.3);
    const b = regularized(0);
    b.setWeights(a.getWeights());
    const before = a.getWeights().map((w) => w.dataSync().slice());
    const common = { loss: 'meanSquaredError' as const, maxGradNorm: 0.5, noiseMultiplier: 0.7, expectedBatchSize: 3, seed: 21 };
    new DpOptimizer({ ...common, model: a, optimizer: tf.train.sgd(lr) }).step(x, y);
    new DpOptimizer({ ...common, model: b, optimizer: tf.train.sgd(lr) }).step(x, y);
    const [ka, ba] = a.getWeights().map((w) => w.dataSync());
    const [kb, bb] = b.getWeights().map((w) => w.dataSync());
    // Same noise (same seed and step): the difference is lr·∇R at the old weights: 2·0.3·W for l2, 0.3·sign(b) for l1.
    for (let j = 0; j < ka.length; j++) expect(ka[j]).toBeCloseTo(kb[j] - lr * 2 * 0.3 * before[0][j], 5);
    for (let j = 0; j < ba.length; j++) expect(ba[j]).toBeCloseTo(bb[j] - lr * 0.3 * Math.sign(before[1][j]), 5);
    tf.dispose([x, y]);
  });

  it('an activity regularizer (it depends on each example) is refused at construction', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    // tfjs cannot even call such a layer; privkit must not drop it silently either.
    (model.layers[0] as unknown as { activityRegularizer: unknown }).activityRegularizer = tf.regularizers.l2();
    expectPrivkitError(() => new DpOptimizer({ model, optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError', maxGradNorm: 1, noiseMultiplier: 1, expectedBatchSize: 1 }), 'UNSUPPORTED_LAYER', /activity regularizer/);
  });
});

describe('refused at construction, not at the first step', () => {
  const base = { optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' as const, maxGradNorm: 1, noiseMultiplier: 1, sampleRate: 0.1, datasetSize: 100 };

  it('a layer without a rule, a trainable BatchNormalization, two inputs, two outputs', () => {
    const lstm = tf.sequential({ layers: [tf.layers.lstm({ units: 2, inputShape: [3, 2] }), tf.layers.dense({ units: 1 })] });
    expectPrivkitError(() => makePrivate({ ...base, model: lstm }), 'UNSUPPORTED_LAYER', /LSTM.*allowSlowLayers/);
    const bn = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] }), tf.layers.batchNormalization()] });
    expectPrivkitError(() => makePrivate({ ...base, model: bn }), 'UNSUPPORTED_LAYER', /BatchNormalization.*LayerNormalization/);
    const a = tf.input({ shape: [2] });
    const b = tf.input({ shape: [2] });
    const two = tf.model({ inputs: [a, b], outputs: tf.layers.dense({ units: 1 }).apply(tf.layers.concatenate().apply([a, b])) as tf.SymbolicTensor });
    expectPrivkitError(() => makePrivate({ ...base, model: two }), 'UNSUPPORTED_LAYER', /2 input/);
    const c = tf.input({ shape: [2] });
    const twoOut = tf.model({ inputs: c, outputs: [tf.layers.dense({ units: 1 }).apply(c) as tf.SymbolicTensor, tf.layers.dense({ units: 1 }).apply(c) as tf.SymbolicTensor] });
    expectPrivkitError(() => makePrivate({ ...base, model: twoOut }), 'UNSUPPORTED_LAYER', /2 output/);
  });

  it('a frozen BatchNormalization runs in inference mode: a fixed per-example map (sensitivity holds)', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2] }), tf.layers.batchNormalization(), tf.layers.dense({ units: 1 })] });
    model.layers[1].trainable = false;
    const x = tf.tensor2d([[1, 2], [3, -1], [0, 5], [2, 2]]);
    const y = tf.tensor2d([[1], [0], [2], [1]]);
    const all = clippedGradients(model, x, y, { loss: 'meanSquaredError', maxGradNorm: 0.5 });
    // Each example's loss is its loss alone: batch statistics would make it depend on the others.
    const alone = tf.tidy(() => clippedGradients(model, tf.slice(x, 1, 1), tf.slice(y, 1, 1), { loss: 'meanSquaredError', maxGradNorm: 0.5 }).losses.dataSync()[0]);
    expect(all.losses.dataSync()[1]).toBeCloseTo(alone, 5);
    tf.dispose([x, y, all.perExampleNorms, all.clipFactors, all.losses, ...all.grads]);
  });

  it('σ and targetEpsilon together, secureNoise, a non-optimizer, a bad seed', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    expectPrivkitError(() => makePrivate({ ...base, model, targetEpsilon: 1, delta: 1e-5, epochs: 1 }), 'INVALID_ARGUMENT', /not both/);
    expectPrivkitError(() => makePrivate({ ...base, model, secureNoise: true } as never), 'INVALID_ARGUMENT', /secureNoise/);
    expectPrivkitError(() => makePrivate({ ...base, model, optimizer: {} as never }), 'INVALID_ARGUMENT', /optimizer/);
    for (const seed of [-1, 1.5, 2 ** 32, NaN]) expectPrivkitError(() => makePrivate({ ...base, model, seed }), 'INVALID_ARGUMENT', /seed/);
  });
});

describe('bad inputs to a step: typed errors; nothing applied, counted or leaked', () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' })] });
  const dp = new DpOptimizer({ model, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', maxGradNorm: 1, noiseMultiplier: 1, expectedBatchSize: 2 });
  const good = { x: tf.ones([2, 4]), y: tf.oneHot(tf.tensor1d([0, 1], 'int32'), 3) };

  const cases: [string, () => unknown, RegExp][] = [
    ['the wrong feature count', () => dp.step(tf.ones([2, 5]), good.y), /x.*\[2, 5\].*\[B, 4\]/],
    ['the wrong class count', () => dp.step(good.x, tf.ones([2, 4])), /\[B, 3\].*\[2, 4\]/],
    ['class ids with categoricalCrossentropy', () => dp.step(good.x, tf.tensor1d([0, 1])), /sparseCategoricalCrossentropy/],
    ['x not a tensor', () => dp.step([[1, 2, 3, 4]] as never, good.y), /`x` must be/],
    ['y not a tensor', () => dp.step(good.x, 'labels' as never), /`y` must be/],
    ['x as an array of tensors', () => dp.step([good.x] as never, good.y), /one tf.Tensor/],
    ['batch sizes that differ', () => dp.step(good.x, tf.oneHot(tf.tensor1d([0, 1, 2], 'int32'), 3)), /same batch size/],
    ['a scalar target', () => dp.step(good.x, tf.scalar(1)), /same batch size/],
    ['maxPhysicalBatchSize NaN', () => dp.step(good.x, good.y, NaN), /maxPhysicalBatchSize/],
    ['maxPhysicalBatchSize 0', () => dp.step(good.x, good.y, 0), /maxPhysicalBatchSize/],
    ['maxPhysicalBatchSize −1', () => dp.step(good.x, good.y, -1), /maxPhysicalBatchSize/],
    ['maxPhysicalBatchSize 1.5', () => dp.step(good.x, good.y, 1.5), /maxPhysicalBatchSize/],
    ['a NaN input', () => dp.step(tf.fill([2, 4], NaN), good.y), /NaN or infinite/],
  ];

  for (const [what, call, message] of cases) {
    it(what, () => {
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      const steps = dp.stepCount;
      const before = tf.memory().numTensors;
      for (let k = 0; k < 3; k++) {
        try {
          tf.tidy(() => void call());
          expect.unreachable();
        } catch (e) {
          expect(e).toBeInstanceOf(PrivkitError);
          expect((e as Error).message).toMatch(message);
        }
      }
      expect(tf.memory().numTensors).toBe(before);
      expect(dp.stepCount).toBe(steps);
      expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(weights);
    });
  }

  it('clipping inside a caller\'s tf.tidy leaves nothing behind (nothing escapes by tf.keep)', () => {
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) tf.tidy(() => void dp.clipAndAccumulate(tf.ones([2, 4]), tf.oneHot(tf.tensor1d([0, 1], 'int32'), 3)));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a step that diverged names the weights, not the inputs', () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
    const opt = new DpOptimizer({ model: m, optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError', maxGradNorm: 1, noiseMultiplier: 0, expectedBatchSize: 1 });
    m.setWeights([tf.tensor2d([[Infinity]]), tf.tensor1d([0])]);
    expectPrivkitError(() => opt.step(tf.ones([1, 1]), tf.ones([1, 1])), 'INVALID_ARGUMENT', /weights are NaN or infinite/);
    expect(opt.stepCount).toBe(0);
  });
});
