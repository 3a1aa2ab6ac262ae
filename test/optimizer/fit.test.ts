/** makePrivate().fit: Poisson-sampled training that learns, respects the budget, and splits batches. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { PrivkitError, RdpAccountant, gaussian, maxSteps, poissonSampled } from '../../accountant/index.js';
import { makePrivate } from '../../src/makePrivate.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Two Gaussian blobs in 4-D, labels one-hot; deterministic. */
function blobs(n: number, seed: number) {
  const labels = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([n], 0, 1, 'float32', seed), 0.5), 'int32'));
  const centres = tf.tidy(() => tf.mul(tf.sub(tf.cast(tf.expandDims(labels, 1), 'float32'), 0.5), 3));
  const x = tf.tidy(() => tf.add(tf.randomNormal([n, 4], 0, 1, 'float32', seed + 1), centres));
  const y = tf.oneHot(labels, 2);
  labels.dispose();
  centres.dispose();
  return { x, y };
}

function model(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
    ],
  });
}

describe('fit', () => {
  it('learns a separable problem with DP-SGD and reports ε per epoch as the accountant does', async () => {
    const { x, y } = blobs(400, 5);
    const m = model();
    const priv = makePrivate({ model: m, optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy', maxGradNorm: 1, noiseMultiplier: 1, sampleRate: 0.1, datasetSize: 400, seed: 3 });
    const epochsSeen: number[] = [];
    const history = await priv.fit(x, y, { epochs: 4, delta: 1e-5, callbacks: { onEpochEnd: (e) => void epochsSeen.push(e) } });
    expect(history.steps).toBe(40);
    expect(epochsSeen).toEqual([0, 1, 2, 3]);
    // 40 composes of one step vs one compose of 40: equal up to float summation order.
    const direct = new RdpAccountant().compose(poissonSampled(0.1, gaussian(1)), 40).getEpsilon(1e-5);
    expect(Math.abs(history.epsilon[3] - direct)).toBeLessThan(1e-12 * direct);
    const acc = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(m.predict(x) as tf.Tensor, 1), tf.argMax(y, 1)), 'float32')).dataSync()[0]);
    // Blobs 3σ apart are ~93% separable by the Bayes rule; an untrained net is at ~50%.
    expect(acc).toBeGreaterThan(0.85);
    expect(history.loss[3]).toBeLessThan(history.loss[0]);
    tf.dispose([x, y]);
  });

  it('verbose: 1 reports loss and ε on stderr (one line per epoch when stderr is not a terminal)', async () => {
    const { x, y } = blobs(100, 12);
    const priv = makePrivate({ model: model(), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', maxGradNorm: 1, noiseMultiplier: 1, sampleRate: 0.2, datasetSize: 100, seed: 3 });
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const isTTY = process.stderr.isTTY;
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
    try {
      await priv.fit(x, y, { epochs: 2, delta: 1e-5, verbose: 1 });
    } finally {
      spy.mockRestore();
      Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true });
    }
    const lines = written.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^epoch 2\/2: step 10\/10, loss \d+\.\d{4}, ε \d+\.\d{4} \(δ = 1e-05\)$/);
    tf.dispose([x, y]);
  });

  it('stops with BUDGET_EXCEEDED before the step that would exceed targetEpsilon', async () => {
    const { x, y } = blobs(100, 6);
    const priv = makePrivate({ model: model(), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', maxGradNorm: 1, noiseMultiplier: 1.5, sampleRate: 0.2, datasetSize: 100, seed: 3 });
    const allowed = maxSteps({ noiseMultiplier: 1.5, sampleRate: 0.2, delta: 1e-5, targetEpsilon: 2 });
    let error: unknown;
    try {
      await priv.fit(x, y, { epochs: 100, delta: 1e-5, targetEpsilon: 2 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PrivkitError);
    expect((error as PrivkitError).code).toBe('BUDGET_EXCEEDED');
    expect(priv.dpOptimizer.stepCount).toBe(allowed);
    expect(priv.getEpsilon(1e-5)).toBeLessThanOrEqual(2);
    expect(allowed).toBeGreaterThan(1);
    expect(new RdpAccountant().compose(poissonSampled(0.2, gaussian(1.5)), allowed + 1).getEpsilon(1e-5)).toBeGreaterThan(2);
    tf.dispose([x, y]);
  });

  it('maxPhysicalBatchSize splits a step into chunks without changing it', () => {
    const { x, y } = blobs(40, 7);
    const a = model();
    const b = model();
    const pa = makePrivate({ model: a, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', maxGradNorm: 0.5, noiseMultiplier: 1, sampleRate: 0.5, datasetSize: 80, seed: 9 });
    const pb = makePrivate({ model: b, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', maxGradNorm: 0.5, noiseMultiplier: 1, sampleRate: 0.5, datasetSize: 80, seed: 9 });
    const ra = pa.dpOptimizer.step(x, y);
    const rb = pb.dpOptimizer.step(x, y, 7);
    expect(rb.loss).toBeCloseTo(ra.loss, 5);
    const wa = a.getWeights().map((w) => Array.from(w.dataSync()));
    const wb = b.getWeights().map((w) => Array.from(w.dataSync()));
    wa.forEach((w, i) => w.forEach((v, k) => expect(Math.abs(v - wb[i][k])).toBeLessThan(1e-6)));
    tf.dispose([x, y]);
  });

  it('refuses data whose size disagrees with datasetSize (the noise scale depends on it)', async () => {
    const { x, y } = blobs(50, 8);
    const priv = makePrivate({ model: model(), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', maxGradNorm: 1, noiseMultiplier: 1, sampleRate: 0.1, datasetSize: 60 });
    await expect(priv.fit(x, y, { epochs: 1, delta: 1e-5 })).rejects.toThrowError(/x has 50 examples but `datasetSize` is 60/);
    tf.dispose([x, y]);
  });
});

describe('checkpoint and resume', () => {
  // Momentum's whole state is in getWeights, so its resume is bit-exact. tfjs' Adam.setWeights
  // recomputes its bias-correction powers as β^(t+1) (the run multiplied by β t times, in float32), so
  // an Adam resume agrees to float32 rounding only; everything privkit stores is exact.
  for (const [name, make, exact] of [
    ['momentum', () => tf.train.momentum(0.05, 0.9), true],
    ['adam', () => tf.train.adam(0.01), false],
  ] as const) {
    it(`2 epochs, save, load, 2 more = 4 epochs straight (${name}): same steps, ε, sampler state, and ${exact ? 'bit-identical' : 'float32-equal'} weights (same seed)`, async () => {
      const { mkdtempSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const { loadPrivate, saveCheckpoint } = await import('../../src/node/index.js');
      const { x, y } = blobs(200, 11);
      const settings = { loss: 'categoricalCrossentropy' as const, maxGradNorm: 1, noiseMultiplier: 1.2, sampleRate: 0.1, datasetSize: 200, seed: 77 };

      const straightModel = model();
      const straight = makePrivate({ ...settings, model: straightModel, optimizer: make() });
      await straight.fit(x, y, { epochs: 4, delta: 1e-5 });

      const first = makePrivate({ ...settings, model: model(), optimizer: make() });
      await first.fit(x, y, { epochs: 2, delta: 1e-5 });
      const dir = mkdtempSync(join(tmpdir(), 'privkit-ckpt-'));
      await saveCheckpoint(first, dir);
      const resumedModel = model();
      const resumed = await loadPrivate(dir, { model: resumedModel, optimizer: make() });
      expect(resumed.dpOptimizer.stepCount).toBe(20);
      // ε to rounding: the load composes the 20 steps at once, the run composed them one by one.
      const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-12 * b);
      close(resumed.getEpsilon(1e-5), first.getEpsilon(1e-5));
      expect(resumed.sampler.state()).toEqual(first.sampler.state());
      await resumed.fit(x, y, { epochs: 2, delta: 1e-5 });

      expect(resumed.dpOptimizer.stepCount).toBe(40);
      close(resumed.getEpsilon(1e-5), straight.getEpsilon(1e-5));
      expect(resumed.sampler.state()).toEqual(straight.sampler.state());
      const a = straightModel.getWeights().map((w) => Array.from(w.dataSync()));
      const b = resumedModel.getWeights().map((w) => Array.from(w.dataSync()));
      if (exact) expect(b).toEqual(a);
      else a.forEach((w, i) => w.forEach((v, k) => expect(Math.abs(v - b[i][k])).toBeLessThan(1e-5)));
      const [sa, sb] = [await straight.state(), await resumed.state()];
      if (exact) expect(sb.optimizer.map((t) => Array.from(t.values))).toEqual(sa.optimizer.map((t) => Array.from(t.values)));
      tf.dispose([x, y]);
    });
  }

  it('a folder without a checkpoint is BAD_CHECKPOINT', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadPrivate, saveCheckpoint } = await import('../../src/node/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'privkit-ckpt-'));
    await expect(loadPrivate(dir, { model: model(), optimizer: tf.train.sgd(0.1) })).rejects.toSatisfy(
      (e: unknown) => e instanceof PrivkitError && e.code === 'BAD_CHECKPOINT' && /holds no checkpoint/.test(e.message),
    );
  });
});
