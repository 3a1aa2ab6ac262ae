/**
 * Issue 11 §5: the audit trains through the code users run. For identical seeds the audit's training
 * and a user's `makePrivate` + `fit` give bit-identical weights (every canary type); gradient canaries
 * enter only through the optimizer's stage hooks, the listeners and the accountant are the run's, and
 * the run's own checks (finiteness) apply.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditDpTraining, type AuditDpTrainingOptions } from '../../../mia/audit/auditDpTraining.js';
import { designCanaries, trainWithCanaries, type CanaryDesign } from '../../../mia/audit/_internals/canaryTraining.js';
import { PrivkitError, createAccountant, gaussian, makePrivate, poissonSampled, useBackend } from '../../../src/index.js';
import { base, mlp } from './auditDpTraining.fixtures.js';

/** The bits of every weight of a model. */
function weightBits(model: tf.LayersModel): number[][] {
  return model.getWeights().map((w) => {
    const v = w.dataSync() as Float32Array;
    return Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length));
  });
}

/** What a user writes: makePrivate with the audit's recipe and seed, then fit on the same rows. */
async function userRun(options: AuditDpTrainingOptions, design: CanaryDesign) {
  const model = mlp();
  const optimizer = tf.train.sgd(options.learningRate);
  const priv = makePrivate({
    model,
    optimizer,
    loss: 'sparseCategoricalCrossentropy',
    maxGradNorm: options.maxGradNorm,
    noiseMultiplier: options.noiseMultiplier as number,
    sampleRate: options.batchSize / design.trainRows,
    datasetSize: design.trainRows,
    seed: options.seed as number,
  });
  const x = tf.tensor(design.trainX, [design.trainRows, 8]);
  const y = tf.tensor1d(design.trainY);
  const history = await priv.fit(x, y, { epochs: options.epochs, delta: options.delta });
  tf.dispose([x, y]);
  const bits = weightBits(model);
  const epsilon = priv.getEpsilon(options.delta);
  model.dispose();
  optimizer.dispose();
  return { bits, history, epsilon };
}

/** ε of `steps` Poisson-subsampled Gaussian steps, from a fresh accountant (independent of the run). */
const epsilonAfter = (q: number, sigma: number, steps: number, delta: number) =>
  createAccountant('rdp').compose(poissonSampled(q, gaussian(sigma)), steps).getEpsilon(delta);

describe('auditDpTraining trains through makePrivate + fit', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('gradient canaries, none included: bit-identical weights, history and ε to a user run with the same seed', async () => {
    const options: AuditDpTrainingOptions = { ...base, canaries: 100, canaryType: 'gradient', noiseMultiplier: 1 };
    const drawn = designCanaries(options);
    const design = { ...drawn, included: new Uint8Array(drawn.included.length) };
    const run = await trainWithCanaries(options, design);
    try {
      const user = await userRun(options, design);
      const fresh = mlp();
      expect(weightBits(run.model)).not.toEqual(weightBits(fresh)); // it trained
      fresh.dispose();
      expect(weightBits(run.model)).toEqual(user.bits);
      expect(run.history).toEqual(user.history);
      expect(run.claimedEpsilon).toBe(user.epsilon);
      expect(run.randomness).toBe('seeded');
    } finally {
      run.dispose();
    }
  });

  it('gradient canaries, some included: the same run plus the canaries (the weights differ, the accounting does not)', async () => {
    const options: AuditDpTrainingOptions = { ...base, canaries: 100, canaryType: 'gradient', noiseMultiplier: 1 };
    const design = designCanaries(options);
    expect(design.included.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const run = await trainWithCanaries(options, design);
    try {
      const user = await userRun(options, design);
      expect(weightBits(run.model)).not.toEqual(user.bits);
      expect(run.history?.steps).toBe(user.history.steps);
      expect(run.claimedEpsilon).toBe(user.epsilon);
    } finally {
      run.dispose();
    }
  });

  it.each(['mislabel', 'ood'] as const)('%s canaries: bit-identical weights to a user run on pool + included canaries', async (canaryType) => {
    const options: AuditDpTrainingOptions = { ...base, canaries: 40, canaryType, noiseMultiplier: 1 };
    const design = designCanaries(options);
    const inCount = design.included.reduce((a, b) => a + b, 0);
    expect(design.trainRows).toBe((canaryType === 'mislabel' ? 400 - 40 : 400) + inCount);
    const run = await trainWithCanaries(options, design);
    try {
      const user = await userRun(options, design);
      expect(weightBits(run.model)).toEqual(user.bits);
      expect(run.history).toEqual(user.history);
      expect(run.claimedEpsilon).toBe(user.epsilon);
    } finally {
      run.dispose();
    }
  });

  it('gradient canaries with σ = 0: each sampled canary adds exactly C at its coordinate, and every guess is right', async () => {
    // 8 epochs at q = 64/400: T = 50 steps; an included canary is never sampled with probability
    // 0.84^50 ≈ 1.6e-4, so with ~100 of them all are seen (fixed seed).
    const options: AuditDpTrainingOptions = { ...base, epochs: 8, canaries: 200, canaryType: 'gradient', noiseMultiplier: 0 };
    const design = designCanaries(options);
    const run = await trainWithCanaries(options, design);
    try {
      const q = 64 / 400;
      const T = Math.ceil(8 / q);
      let sampled = 0;
      const inCount = design.included.reduce((a, b) => a + b, 0);
      design.included.forEach((inc, c) => {
        const s = run.scores[c];
        if (inc === 0) expect(s).toBe(0); // quiet coordinate, no noise: nothing else moves it
        else {
          // C = 1: the score counts the steps the canary joined.
          expect(Number.isInteger(s) && s >= 1 && s <= T, `canary ${c}: ${s}`).toBe(true);
          sampled += s;
        }
      });
      // Σ counts ~ Binomial(inCount·T, q): within 5 standard deviations (normal tail < 1e-6).
      const mean = inCount * T * q;
      expect(Math.abs(sampled - mean)).toBeLessThan(5 * Math.sqrt(mean * (1 - q)));
    } finally {
      run.dispose();
    }
    const a = await auditDpTraining(options);
    expect(a.correct).toBe(a.guesses);
    expect(a.guesses).toBeGreaterThanOrEqual(100);
    expect(a.claimedEpsilon).toBe(Infinity);
    expect(a.noiseMultiplier).toBe(0);
  });

  it.each(['gradient', 'mislabel'] as const)('%s: onEpoch gets the run’s ε after each epoch; the listeners fed the accountant every step', async (canaryType) => {
    const sigma = 1.2;
    const options: AuditDpTrainingOptions = { ...base, epochs: 3, canaries: 40, canaryType, noiseMultiplier: sigma };
    const epochs: { epoch: number; epsilon: number }[] = [];
    const design = designCanaries(options);
    const run = await trainWithCanaries({ ...options, onEpoch: (epoch, logs) => epochs.push({ epoch, epsilon: logs.epsilon }) }, design);
    try {
      const q = 64 / design.trainRows;
      const T = Math.ceil(3 / q);
      const priv = run.priv;
      expect(priv).not.toBeNull();
      expect(priv?.sampleRate).toBe(q);
      expect(priv?.dpOptimizer.stepCount).toBe(T);
      expect(run.history?.steps).toBe(T);
      expect(priv?.accountant.ledger.reduce((a, e) => a + e.count, 0)).toBe(T);
      expect(epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
      epochs.forEach(({ epoch, epsilon }) => {
        const steps = Math.min(T, Math.ceil((epoch + 1) / q));
        expect(epsilon).toBeCloseTo(epsilonAfter(q, sigma, steps, base.delta), 10);
      });
      expect(run.claimedEpsilon).toBe(epochs[2].epsilon);
    } finally {
      run.dispose();
    }
  });

  it('records its randomness: seeded by default (reproducible), secure on request (fresh each run)', async () => {
    const options: AuditDpTrainingOptions = { ...base, canaries: 50, canaryType: 'gradient', noiseMultiplier: 1 };
    const seeded = await auditDpTraining(options);
    expect(seeded.randomness).toBe('seeded');
    const design = designCanaries(options);
    const runs = [];
    for (const randomness of ['seeded', 'seeded', 'secure', 'secure'] as const) {
      const run = await trainWithCanaries({ ...options, randomness }, design);
      runs.push({ randomness: run.randomness, scores: Array.from(run.scores) });
      run.dispose();
    }
    expect(runs.map((r) => r.randomness)).toEqual(['seeded', 'seeded', 'secure', 'secure']);
    expect(runs[1].scores).toEqual(runs[0].scores);
    expect(runs[2].scores).not.toEqual(runs[0].scores);
    expect(runs[3].scores).not.toEqual(runs[2].scores);
    expect((await auditDpTraining({ ...options, canaryType: 'mislabel', randomness: 'secure' })).randomness).toBe('secure');
    expect((await auditDpTraining({ ...options, canaryType: 'mislabel', noiseMultiplier: null })).randomness).toBeNull();
  });

  it('the run’s own checks apply: a diverging gradient-canary run stops with the step’s typed error, leaking nothing', async () => {
    const options: AuditDpTrainingOptions = { ...base, learningRate: 1e38, canaries: 50, canaryType: 'gradient', noiseMultiplier: 1 };
    await expect(auditDpTraining(options)).rejects.toThrow(PrivkitError); // warm-up
    const before = tf.memory().numTensors;
    await expect(auditDpTraining(options)).rejects.toThrow(/NaN or infinite/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses both σ and a target ε, an unknown randomness, and more gradient canaries than coordinates, naming them', async () => {
    const before = tf.memory().numTensors;
    // The largest weight is the 8×64 kernel: 512 coordinates.
    await expect(auditDpTraining({ ...base, canaries: 513, canaryType: 'gradient', noiseMultiplier: 1 })).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/`canaries` must be at most 512 for gradient canaries .*got 513/) }),
    );
    expect(tf.memory().numTensors).toBe(before);
    await expect(auditDpTraining({ ...base, canaries: 10, noiseMultiplier: 1, targetEpsilon: 1 })).rejects.toThrow(/`noiseMultiplier` \(1\) or `targetEpsilon` \(1\)/);
    for (const batchSize of [0, -1, NaN, Infinity]) {
      await expect(auditDpTraining({ ...base, batchSize, canaries: 10, noiseMultiplier: 1 })).rejects.toThrow(/`batchSize` must be in \(0, ∞\)/);
    }
    await expect(auditDpTraining({ ...base, canaries: 10, noiseMultiplier: 1, randomness: 'fast' as never })).rejects.toThrow(/`randomness` must be 'seeded' or 'secure'; got "fast"/);
  });
});
