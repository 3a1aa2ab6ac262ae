/**
 * The loss/target shape contract (issue 11 §1), on the issue's own reproductions: a one-unit model
 * (regression with `meanSquaredError`, `sigmoid` + `binaryCrossentropy`) trained with a [B] target —
 * which tfjs' own `fit` accepts — is expanded to [B, 1] as `fit` does, and is then exact (leave-one-out
 * change ≤ C; per-example norms equal a brute-force loop with y as [B, 1]); a custom loss returning a
 * scalar, [B, 1] or [B, B], a custom loss that mixes examples while returning [B], class ids for
 * 'categoricalCrossentropy' and a target of another batch size are `INVALID_ARGUMENT` — from
 * `clippedGradients`, `DpOptimizer.step` and `makePrivate(...).step` alike, where a refused step
 * applies nothing, counts nothing and leaks nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { clippedGradients, type ClippedGradients, type ClippingOptions } from '../../src/kernels/clippedGradients.js';
import type { LossSpec } from '../../src/kernels/perExampleLoss.js';
import { makePrivate } from '../../src/makePrivate.js';
import { DpOptimizer } from '../../src/optimizer/DpOptimizer.js';
import { expectInvalid, privkitErrorOf } from '../_support/errors.js';
import { disposeClipped } from './_bruteForce.js';
import { bruteForceNoLeak, expectSameAsBruteForce, leaveOneOutChanges } from './_sensitivity.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const B = 8;
const C = 0.5;

/** Dense(4, tanh) → Dense(units, head): the one-unit regression / sigmoid models (or K units). */
function model(head: 'linear' | 'sigmoid' | 'softmax', units = 1, seed = 1): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 4, inputShape: [3], activation: 'tanh', kernelInitializer: tf.initializers.glorotNormal({ seed }) }),
      tf.layers.dense({ units, activation: head, kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 1 }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 2, stddev: 0.5 }) }),
    ],
  });
}

const inputs = (n = B): tf.Tensor2D => tf.randomNormal([n, 3], 0, 3, 'float32', 21) as tf.Tensor2D;
const realTargets = (): tf.Tensor1D => tf.randomNormal([B], 0, 2, 'float32', 22) as tf.Tensor1D;
const binaryTargets = (): tf.Tensor1D => tf.tensor1d([0, 1, 1, 0, 1, 0, 0, 1]);

const perExampleMse = (yt: tf.Tensor, yp: tf.Tensor): tf.Tensor => tf.mean(tf.square(tf.sub(yp, yt)), -1);
/** The broken custom losses of the issue (and their relatives), each on top of a correct per-example MSE. */
const broken: [string, LossSpec, RegExp][] = [
  ['returns a scalar (the batch mean)', (yt, yp) => tf.mean(perExampleMse(yt, yp)), /returned shape \[\] for a batch of (\d+)[^;]*;.*one loss per example, shape \[\1\]/],
  ['returns [B, 1]', (yt, yp) => tf.expandDims(perExampleMse(yt, yp), 1), /returned shape \[(\d+), 1\] for a batch of \1[^;]*;.*shape \[\1\]/],
  ['returns [B, B] (a target broadcast across the batch)', (yt, yp) => tf.square(tf.sub(yp, tf.reshape(yt, [-1]))), /returned shape \[(\d+), \1\] for a batch of \1/],
  ['returns [B] but subtracts the batch mean', (yt, yp) => tf.sub(perExampleMse(yt, yp), tf.mean(perExampleMse(yt, yp))), /mixes examples.*example \d+'s loss is .* in the batch but .* alone/],
  ['returns [B] but divides by the batch size', (yt, yp) => tf.div(perExampleMse(yt, yp), yt.shape[0]), /mixes examples/],
];

function expectExactWithColumnTargets(loss: LossSpec, head: 'linear' | 'sigmoid', y: tf.Tensor1D, options: Partial<ClippingOptions>, bound: number): void {
  const m = model(head);
  const x = inputs();
  const column = tf.reshape(y, [B, 1]);
  const clip = (xs: tf.Tensor, ys: tf.Tensor): ClippedGradients => clippedGradients(m, xs, ys, { loss, maxGradNorm: C, ...options });
  const before = tf.memory().numTensors;

  const out = clip(x, y);
  const asColumn = clip(x, column);
  // The same computation as with y of shape [B, 1], bit for bit, and the brute force agrees.
  expect(out.losses.shape).toEqual([B]);
  expect(Array.from(out.perExampleNorms.dataSync())).toEqual(Array.from(asColumn.perExampleNorms.dataSync()));
  out.grads.forEach((g, j) => expect(Array.from(g.dataSync())).toEqual(Array.from(asColumn.grads[j].dataSync())));
  const maxGradNorm = options.clipping === 'per-layer' ? (options.maxGradNorm as number[]) : C;
  const ref = bruteForceNoLeak(m, x, column, { loss, maxGradNorm });
  expectSameAsBruteForce(out, ref, `${String(typeof loss === 'string' ? loss : 'custom')} with y [B]`);
  // The bound binds: most examples' gradients are larger than it here.
  expect(ref.norms.filter((n) => n > bound).length).toBeGreaterThanOrEqual(B / 2);
  disposeClipped(out);
  disposeClipped(asColumn);

  const changes = leaveOneOutChanges(clip, x, y);
  for (const change of changes) expect(change).toBeLessThanOrEqual(bound * (1 + 1e-5));
  expect(Math.max(...changes)).toBeGreaterThan(0.9 * bound);
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([x, y, column]);
  m.dispose();
}

describe('a [B] target for a one-unit output is expanded to [B, 1], as tfjs fit does', () => {
  it("tfjs' own fit accepts a [B] target for a one-unit model (why privkit expands it instead of refusing it)", async () => {
    const m = model('linear');
    m.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
    const x = inputs();
    const y = realTargets();
    const history = await m.fit(x, y, { epochs: 1, batchSize: B, verbose: 0 });
    expect(Number.isFinite(history.history.loss[0] as number)).toBe(true);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('meanSquaredError on linear(1) with y [B]: identical to y [B, 1], equal to the brute force, leave-one-out change ≤ C', () => {
    expectExactWithColumnTargets('meanSquaredError', 'linear', realTargets(), {}, C);
  });

  it('binaryCrossentropy on sigmoid(1) with y [B]: likewise', () => {
    expectExactWithColumnTargets('binaryCrossentropy', 'sigmoid', binaryTargets(), {}, C);
  });

  it('per-layer clipping: leave-one-out change ≤ √(Σ C_l²) for both', () => {
    const bounds = [0.3, 0.2];
    const options = { clipping: 'per-layer' as const, maxGradNorm: bounds };
    expectExactWithColumnTargets('meanSquaredError', 'linear', realTargets(), options, Math.hypot(...bounds));
    expectExactWithColumnTargets('binaryCrossentropy', 'sigmoid', binaryTargets(), options, Math.hypot(...bounds));
  });

  it('a custom loss written as mean((ŷ − y)², −1) — [B] against [B, 1] would broadcast to [B, B] and still give [B] — is exact too', () => {
    expectExactWithColumnTargets(perExampleMse, 'linear', realTargets(), {}, C);
  });
});

describe('broken shapes are INVALID_ARGUMENT naming them', () => {
  for (const [what, loss, message] of broken) {
    it(`a custom loss that ${what}`, () => {
      const m = model('linear');
      const x = inputs();
      const y = realTargets();
      const before = tf.memory().numTensors;
      expectInvalid(() => clippedGradients(m, x, y, { loss, maxGradNorm: C }), message);
      expectInvalid(() => clippedGradients(m, x, y, { loss, maxGradNorm: [C, C], clipping: 'per-layer' }), message);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, y]);
      m.dispose();
    });
  }

  it("'categoricalCrossentropy' with integer class ids [B]: names both shapes and suggests 'sparseCategoricalCrossentropy'", () => {
    const m = model('softmax', 3);
    const x = inputs();
    const ids = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32');
    expectInvalid(() => clippedGradients(m, x, ids, { loss: 'categoricalCrossentropy', maxGradNorm: C }), /\[B, 3\].*got targets \[8\].*sparseCategoricalCrossentropy/);
    // ... and the same ids are what 'sparseCategoricalCrossentropy' takes.
    const out = clippedGradients(m, x, ids, { loss: 'sparseCategoricalCrossentropy', maxGradNorm: C });
    expect(out.losses.shape).toEqual([B]);
    disposeClipped(out);
    tf.dispose([x, ids]);
    m.dispose();
  });

  it('meanSquaredError on linear(3) with y [B] or [B, 1] (a broadcast over the units tfjs fit refuses too): names both shapes', () => {
    const m = model('linear', 3);
    const x = inputs();
    const y = realTargets();
    expectInvalid(() => clippedGradients(m, x, y, { loss: 'meanSquaredError', maxGradNorm: C }), /\[B, 3\].*got targets \[8\]/);
    const column = tf.reshape(y, [B, 1]);
    expectInvalid(() => clippedGradients(m, x, column, { loss: 'meanSquaredError', maxGradNorm: C }), /\[B, 3\].*got targets \[8, 1\]/);
    tf.dispose([x, y, column]);
    m.dispose();
  });

  it('y with another batch size than x', () => {
    const m = model('linear');
    const x = inputs();
    const y = tf.randomNormal([B - 1, 1], 0, 1, 'float32', 23);
    expectInvalid(() => clippedGradients(m, x, y, { loss: 'meanSquaredError', maxGradNorm: C }), /same batch size; got 8 and 7/);
    tf.dispose([x, y]);
    m.dispose();
  });
});

describe('the custom-loss check itself (lossContract.checkLossIndependence)', () => {
  // Sigmoid(1) + a hand-written binary cross-entropy: a correct per-example loss, finite for every
  // sigmoid output. (The check's random prediction for a one-unit output must not be the constant 1.)
  it('accepts an unclipped binary cross-entropy on a sigmoid(1) head, and is exact', () => {
    const bce: LossSpec = (y, p) => tf.neg(tf.mean(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))), -1));
    expectExactWithColumnTargets(bce, 'sigmoid', binaryTargets(), {}, C);
  });

  // Mixing through the predictions, on a one-unit head: loss_i = (ŷ_i − mean_j ŷ_j − y_i)².
  it('refuses a [B] loss that centres the predictions of a one-unit head by their batch mean', () => {
    const centred: LossSpec = (y, p) => perExampleMse(y, tf.sub(p, tf.mean(p, 0, true)));
    const m = model('linear');
    const x = inputs();
    const y = realTargets();
    expectInvalid(() => clippedGradients(m, x, y, { loss: centred, maxGradNorm: C }), /mixes examples/);
    tf.dispose([x, y]);
    m.dispose();
  });
});

/** What a refused step may not change. */
function snapshot(m: tf.LayersModel, steps: () => number, ledger: () => number) {
  return { weights: m.getWeights().map((w) => Array.from(w.dataSync())), steps: steps(), ledger: ledger(), tensors: tf.memory().numTensors };
}

describe('DpOptimizer.step and makePrivate(...).step: the same contract; a refused step applies, counts and leaks nothing', () => {
  type Subject = { name: string; make: (m: tf.LayersModel, loss: LossSpec) => { step: (x: tf.Tensor, y: tf.Tensor) => unknown; steps: () => number; ledger: () => number } };
  const subjects: Subject[] = [
    {
      name: 'DpOptimizer',
      make: (m, loss) => {
        const dp = new DpOptimizer({ model: m, optimizer: tf.train.sgd(0.1), loss, maxGradNorm: C, noiseMultiplier: 1, expectedBatchSize: B, seed: 5 });
        return { step: (x, y) => dp.step(x, y), steps: () => dp.stepCount, ledger: () => 0 };
      },
    },
    {
      name: 'makePrivate',
      make: (m, loss) => {
        const priv = makePrivate({ model: m, optimizer: tf.train.sgd(0.1), loss, maxGradNorm: C, noiseMultiplier: 1, sampleRate: B / 100, datasetSize: 100, seed: 5 });
        return { step: (x, y) => priv.step(x, y), steps: () => priv.dpOptimizer.stepCount, ledger: () => priv.accountant.ledger.length };
      },
    },
  ];
  const refusals: [string, 'linear' | 'softmax', number, LossSpec, () => tf.Tensor, RegExp][] = [
    ...broken.map(([what, loss, message]): [string, 'linear', number, LossSpec, () => tf.Tensor, RegExp] => [`a custom loss that ${what}`, 'linear', 1, loss, realTargets, message]),
    ["'categoricalCrossentropy' with class ids [B]", 'softmax', 3, 'categoricalCrossentropy', () => tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), /sparseCategoricalCrossentropy/],
    ['y with another batch size', 'linear', 1, 'meanSquaredError', () => tf.randomNormal([B - 1], 0, 1, 'float32', 23), /same batch size/],
    ['meanSquaredError on linear(1) with y [B, 2]', 'linear', 1, 'meanSquaredError', () => tf.randomNormal([B, 2], 0, 1, 'float32', 24), /\[B, 1\].*got targets \[8, 2\]/],
  ];

  for (const subject of subjects) {
    for (const [what, head, units, loss, target, message] of refusals) {
      it(`${subject.name}: ${what} — 10 refused steps: weights, step count, ledger and tensor count unchanged`, () => {
        const m = model(head, units);
        const s = subject.make(m, loss);
        const x = inputs();
        const y = target();
        const before = snapshot(m, s.steps, s.ledger);
        for (let k = 0; k < 10; k++) {
          const e = privkitErrorOf(() => s.step(x, y));
          expect(e.code).toBe('INVALID_ARGUMENT');
          expect(e.message).toMatch(message);
        }
        expect(snapshot(m, s.steps, s.ledger)).toEqual(before);
        tf.dispose([x, y]);
        m.dispose();
      });
    }

    for (const [loss, head, targets] of [
      ['meanSquaredError', 'linear', realTargets],
      ['binaryCrossentropy', 'sigmoid', binaryTargets],
    ] as const) {
      it(`${subject.name}: ${loss} on ${head}(1) with y [B] takes the step y [B, 1] takes (same seed: same weights, one step counted)`, () => {
        const results = [false, true].map((column) => {
          const m = model(head);
          const s = subject.make(m, loss);
          const x = inputs();
          const y1 = targets();
          const y = column ? tf.reshape(y1, [B, 1]) : y1;
          s.step(x, y);
          const out = { weights: m.getWeights().map((w) => Array.from(w.dataSync())), steps: s.steps(), ledger: s.ledger() };
          tf.dispose([x, y, y1]);
          m.dispose();
          return out;
        });
        expect(results[0].steps).toBe(1);
        expect(results[0]).toEqual(results[1]);
      });
    }
  }

});
