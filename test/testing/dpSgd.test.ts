/**
 * privkit's DP-SGD under its own testing module: clippingRespected on makePrivate (flat and per-layer)
 * and on DpOptimizer; the same property catches a user's step that forgets to clip; sensitivity of the
 * clipped sum over random neighbouring batches; checkDp and dpProperty on one noisy step, whose claim
 * comes from privkit's PLD accountant.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { PldAccountant, gaussian } from '../../accountant/index.js';
import { makePrivate } from '../../src/makePrivate.js';
import { DpOptimizer } from '../../src/optimizer/DpOptimizer.js';
import {
  batchTensors,
  buildModel,
  checkDpSync,
  clippingRespected,
  dpProperty,
  labelledExamples,
  modelSpecs,
  neighbouringDatasets,
  sampleGaussian,
  sensitivity,
  type LabelledExample,
  type Mechanism,
  type ModelSpec,
  type PreNoiseStep,
} from '../../src/testing/index.js';
import { dpSgdClaim, dpSgdNeighbours, dpSgdStep } from './_mechanisms.js';

const SEED = 77;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A user's own step, per-example loop: Σ_i min(1, C/‖g_i‖)·g_i, or Σ_i g_i when `clip` is false (the bug). */
function userStep(model: tf.LayersModel, maxGradNorm: number, clip: boolean): PreNoiseStep {
  return {
    maxGradNorm,
    preNoiseSum: (x, y) => {
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const sums: tf.Tensor[] = vars.map((v) => tf.zerosLike(v));
      for (let i = 0; i < x.shape[0]; i++) {
        const { grads } = tf.variableGrads(() => {
          const xi = tf.slice(x, i, 1);
          const yi = tf.slice(y, i, 1);
          return tf.sum(tf.metrics.categoricalCrossentropy(yi, model.apply(xi) as tf.Tensor)) as tf.Scalar;
        }, vars);
        const gs = vars.map((v) => grads[v.name]);
        const norm = Math.sqrt(gs.reduce((s, g) => s + tf.sum(tf.square(g)).dataSync()[0], 0));
        const factor = clip ? Math.min(1, maxGradNorm / (norm + 1e-6)) : 1;
        gs.forEach((g, j) => {
          const next = tf.add(sums[j], tf.mul(g, factor));
          sums[j].dispose();
          sums[j] = next;
        });
        tf.dispose(gs);
      }
      return sums;
    },
  };
}

const mlps = modelSpecs({ architectures: ['mlp'], maxHiddenLayers: 1, maxUnits: 4 });

describe('clippingRespected', () => {
  it("privkit's makePrivate respects maxGradNorm, flat and per-layer, on MLPs and CNNs", () => {
    const options = { optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' as const, noiseMultiplier: 1, sampleRate: 0.01, datasetSize: 1000 };
    fc.assert(clippingRespected((model) => makePrivate({ ...options, model, maxGradNorm: 0.1 })), { seed: SEED, numRuns: 8 });
    fc.assert(clippingRespected((model) => makePrivate({ ...options, model, maxGradNorm: 0.1, clipping: 'per-layer' })), { seed: SEED, numRuns: 8 });
  });

  it('a bare DpOptimizer and a user step that clips pass', () => {
    fc.assert(
      clippingRespected((model) => new DpOptimizer({ model, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', maxGradNorm: 0.05, noiseMultiplier: 1, expectedBatchSize: 4 })),
      { seed: SEED, numRuns: 6 },
    );
    fc.assert(clippingRespected((model) => userStep(model, 0.1, true), { models: mlps, maxBatchSize: 3 }), { seed: SEED, numRuns: 6 });
  });

  it("catches a user's step that forgets to clip; the failure names the example, its contribution and C", () => {
    const out = fc.check(clippingRespected((model) => userStep(model, 0.1, false), { models: mlps, maxBatchSize: 3 }), { seed: SEED, numRuns: 20 });
    expect(out.failed).toBe(true);
    expect(String(out.errorInstance)).toMatch(/Example 0 of 1 moves the pre-noise sum by ‖S\(B\) − S\(B∖\{0\}\)‖₂ = [\d.]+ > maxGradNorm 0\.1\.\n {2}model: \{.*\}\n {2}example: \{"x":/);
    expect(out.counterexample?.[0].batch).toHaveLength(1); // shrunk to one example
  });

  it('no tensor leaks across runs', () => {
    const before = tf.memory().numTensors;
    fc.assert(clippingRespected((model) => userStep(model, 0.1, true), { models: mlps, maxBatchSize: 2 }), { seed: SEED, numRuns: 3 });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('sensitivity of the clipped sum', () => {
  it("privkit's clipped gradient sum moves by at most C in L2 between neighbouring batches", () => {
    const spec: ModelSpec = { inputShape: [3], layers: [{ kind: 'dense', units: 4, activation: 'tanh' }], numClasses: 2, seed: 5 };
    const model = buildModel(spec);
    const dp = new DpOptimizer({ model, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', maxGradNorm: 0.2, noiseMultiplier: 1, expectedBatchSize: 4 });
    const clippedSum = (batch: readonly LabelledExample[]): Float64Array => {
      const { x, y } = batchTensors(batch, spec);
      const c = dp.clipAndAccumulate(x, y);
      const flat = Float64Array.from(c.grads.flatMap((g) => Array.from(g.dataSync())));
      tf.dispose([x, y, c.perExampleNorms, c.clipFactors, c.losses, ...c.grads]);
      return flat;
    };
    const batches = neighbouringDatasets(labelledExamples(spec, { min: -10, max: 10 }), { maxLength: 5 });
    fc.assert(sensitivity(clippedSum, { norm: 'l2', bound: 0.2 * (1 + 1e-4), datasets: batches }), { seed: SEED, numRuns: 30 });
    // Replace-one moves it by up to 2C: the bound for add/remove is not enough there.
    const replaced = neighbouringDatasets(labelledExamples(spec, { min: -10, max: 10 }), { maxLength: 5, relation: 'replace' });
    expect(fc.check(sensitivity(clippedSum, { norm: 'l2', bound: 0.2 * (1 + 1e-4), datasets: replaced }), { seed: SEED, numRuns: 30 }).failed).toBe(true);
    model.dispose();
  });
});

describe('checkDp on one DP-SGD step (the whole noisy gradient, 3 numbers)', () => {
  it('passes the clipped step at the ε privkit accounts for, refutes the unclipped one', () => {
    const claim = dpSgdClaim();
    const good = checkDpSync(dpSgdStep({ clipNorm: 1, noiseNorm: 1 }), claim, { neighbours: dpSgdNeighbours, samples: 60_000, seed: 1 });
    expect(good.passed, good.summary).toBe(true);
    const bad = checkDpSync(dpSgdStep({ clipNorm: 1e6, noiseNorm: 1 }), claim, { neighbours: dpSgdNeighbours, samples: 60_000, seed: 1 });
    expect(bad.passed).toBe(false);
    expect(bad.event).toMatch(/y\[\d\]|⟨y, w⟩|‖y − m‖₂/);
    expect(bad.summary).toContain('D′ = {"x":[[0.1,0.2],[-0.3,0.4],[0.5,-0.1],[0.2,0.2],[1,-1]]');
  });

  it('dpProperty over random neighbouring batches: the clipped, correctly noised step meets its PLD claim', () => {
    const spec: ModelSpec = { inputShape: [2], layers: [], numClasses: 2, seed: 3 };
    const model = buildModel(spec);
    const sigma = 1.5;
    const dp = new DpOptimizer({ model, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', maxGradNorm: 0.5, noiseMultiplier: sigma, expectedBatchSize: 4 });
    const sums = new WeakMap<readonly LabelledExample[], Float64Array>();
    // As in _mechanisms.ts: the clipped sum once per dataset, the step's Gaussian noise from random().
    const step: Mechanism<LabelledExample[]> = (batch, random) => {
      let s = sums.get(batch);
      if (s === undefined) {
        const { x, y } = batchTensors(batch, spec);
        const c = dp.clipAndAccumulate(x, y);
        s = Float64Array.from(c.grads.flatMap((g) => Array.from(g.dataSync())));
        tf.dispose([x, y, c.perExampleNorms, c.clipFactors, c.losses, ...c.grads]);
        sums.set(batch, s);
      }
      return s.map((v) => v + sampleGaussian(random, sigma * dp.sensitivity));
    };
    const claim = { epsilon: new PldAccountant().compose(gaussian(sigma)).getEpsilon(1e-5), delta: 1e-5 };
    const datasets = neighbouringDatasets(labelledExamples(spec, { min: -20, max: 20 }), { maxLength: 4 });
    fc.assert(dpProperty(step, claim, { datasets, samples: 10_000, runs: 5 }), { seed: SEED, numRuns: 5 });
    model.dispose();
  });
});
