/**
 * DP-SGD step: noise of the declared scale (χ² bounds), Poisson batches (Kolmogorov–Smirnov against the
 * binomial), accounting through the step hook, no tensor leaks, and refusals.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PrivkitError, RdpAccountant, gaussian, poissonSampled } from '../../accountant/index.js';
import { makePrivate } from '../../src/makePrivate.js';
import { DpOptimizer } from '../../src/optimizer/DpOptimizer.js';
import { poissonBatches } from '../../src/optimizer/poissonBatches.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function model(seed = 1): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 8, inputShape: [5], activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed }) }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 1 }) }),
    ],
  });
}

/**
 * Two-sided bounds on the sample variance of n i.i.d. N(0, s²) values at level 1e-4: n·v/s² ~ χ²_n,
 * which for n ≥ 1e4 is N(n, 2n) to within 1% in the quantiles (Wilson–Hilferty); z = 3.89.
 */
function varianceWithinChiSquare(values: Float32Array, std: number): boolean {
  const n = values.length;
  let ss = 0;
  for (const v of values) ss += v * v; // mean is known (0)
  const stat = ss / (std * std);
  const z = 3.89;
  return stat > n - z * Math.sqrt(2 * n) && stat < n + z * Math.sqrt(2 * n);
}

describe('noise', () => {
  for (const seeded of [false, true]) {
    it(`${seeded ? 'seeded' : 'CSPRNG (default)'} noise has standard deviation σ·C (χ² bound, 200k draws)`, () => {
      const dp = new DpOptimizer({ model: model(), optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError', maxGradNorm: 0.7, noiseMultiplier: 1.3, expectedBatchSize: 10, ...(seeded ? { seed: 11 } : {}) });
      expect(dp.randomness).toBe(seeded ? 'seeded' : 'secure');
      const zeros = [tf.zeros([200_000])];
      const [noise] = dp.addNoise(zeros);
      const values = noise.dataSync() as Float32Array;
      expect(varianceWithinChiSquare(values, 1.3 * 0.7)).toBe(true);
      // And it is not some other scale: 10% off is rejected by the same test.
      expect(varianceWithinChiSquare(values, 1.1 * 1.3 * 0.7)).toBe(false);
      tf.dispose([...zeros, noise]);
    });
  }

  it('is reproducible from the seed and differs between steps', () => {
    const make = () => new DpOptimizer({ model: model(), optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError', maxGradNorm: 1, noiseMultiplier: 1, expectedBatchSize: 10, seed: 5 });
    const z = [tf.zeros([50])];
    const [a] = make().addNoise(z);
    const [b] = make().addNoise(z);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const later = make();
    later.setStepCount(1);
    const [c] = later.addNoise(z);
    expect(Array.from(c.dataSync())).not.toEqual(Array.from(a.dataSync()));
    tf.dispose([...z, a, b, c]);
  });
});

describe('poissonBatches', () => {
  it('batch sizes follow Binomial(n, q): Kolmogorov–Smirnov at α = 0.01 (conservative for discrete laws)', () => {
    const n = 1000;
    const q = 0.05;
    const m = 3000;
    const gen = poissonBatches(n, q, 123);
    const sizes = Array.from({ length: m }, () => gen.next().value.length).sort((a, b) => a - b);
    // Binomial CDF by recursion on the pmf.
    const cdf: number[] = [];
    let p = Math.pow(1 - q, n);
    let acc = 0;
    for (let k = 0; k <= n; k++) {
      acc += p;
      cdf.push(acc);
      p *= ((n - k) / (k + 1)) * (q / (1 - q));
    }
    let d = 0;
    for (let k = 0; k <= 120; k++) {
      let count = 0;
      while (count < m && sizes[count] <= k) count++;
      d = Math.max(d, Math.abs(count / m - cdf[k]));
    }
    expect(d).toBeLessThan(1.628 / Math.sqrt(m));
  });

  it('every index is equally likely: first- and second-half inclusion rates agree within 4 standard errors; batches are sorted, in range, seeded', () => {
    const n = 2000;
    const q = 0.1;
    const gen = poissonBatches(n, q, 9);
    let first = 0;
    let second = 0;
    const batches = 500;
    for (let b = 0; b < batches; b++) {
      const idx = gen.next().value;
      for (let i = 0; i < idx.length; i++) {
        if (i > 0) expect(idx[i]).toBeGreaterThan(idx[i - 1]);
        expect(idx[i]).toBeLessThan(n);
        if (idx[i] < n / 2) first++;
        else second++;
      }
    }
    const trials = (batches * n) / 2;
    const se = Math.sqrt((2 * q * (1 - q)) / trials);
    expect(Math.abs(first / trials - second / trials)).toBeLessThan(4 * se);
    expect(Array.from(poissonBatches(100, 0.3, 4).next().value)).toEqual(Array.from(poissonBatches(100, 0.3, 4).next().value));
  });
});

describe('makePrivate', () => {
  const x = () => tf.randomNormal([12, 5], 0, 1, 'float32', 3);
  const y = () => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 'int32'), 3);

  it('accounts one Poisson-sampled Gaussian per step, empty batches included', () => {
    const priv = makePrivate({ model: model(), optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy', maxGradNorm: 1, noiseMultiplier: 1.1, sampleRate: 0.01, datasetSize: 1200, seed: 1 });
    const [xb, yb] = [x(), y()];
    for (let i = 0; i < 5; i++) priv.step(xb, yb);
    priv.step(tf.zeros([0, 5]), tf.zeros([0, 3]));
    const expected = new RdpAccountant().compose(poissonSampled(0.01, gaussian(1.1)), 6).getEpsilon(1e-5);
    expect(priv.getEpsilon(1e-5)).toBe(expected);
    expect(priv.dpOptimizer.stepCount).toBe(6);
    tf.dispose([xb, yb]);
  });

  it('calibrates σ from targetEpsilon, delta and epochs', () => {
    const priv = makePrivate({ model: model(), optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy', maxGradNorm: 1, sampleRate: 0.01, datasetSize: 1200, targetEpsilon: 2, delta: 1e-5, epochs: 3 });
    const eps = new RdpAccountant().compose(poissonSampled(0.01, gaussian(priv.noiseMultiplier)), 300).getEpsilon(1e-5);
    expect(eps).toBeLessThanOrEqual(2);
    expect(eps).toBeGreaterThan(1.99);
  });

  it('keeps tf.memory().numTensors stable over 100 steps', () => {
    const priv = makePrivate({ model: model(), optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', maxGradNorm: 1, noiseMultiplier: 1, sampleRate: 0.01, datasetSize: 1200, seed: 2 });
    const [xb, yb] = [x(), y()];
    priv.step(xb, yb); // the optimizer creates its slot variables on the first step
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) priv.step(xb, yb);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([xb, yb]);
  });

  it('a NaN input never reaches the weights, and the step is neither applied nor accounted', () => {
    const m = model();
    const priv = makePrivate({ model: m, optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy', maxGradNorm: 1, noiseMultiplier: 1, sampleRate: 0.01, datasetSize: 1200, seed: 2 });
    const before = m.getWeights().map((w) => Array.from(w.dataSync()));
    const bad = tf.fill([12, 5], Number.NaN);
    const yb = y();
    expect(() => priv.step(bad, yb)).toThrowError(/NaN or infinite/);
    expect(m.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    expect(priv.accountant.ledger).toHaveLength(0);
    tf.dispose([bad, yb]);
  });

  it('rejects invalid settings with INVALID_ARGUMENT naming the field', () => {
    const base = { model: model(), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' as const, maxGradNorm: 1, noiseMultiplier: 1, sampleRate: 0.01, datasetSize: 100 };
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return `${(e as PrivkitError).code}: ${(e as Error).message}`;
      }
      return 'no error';
    };
    expect(code(() => makePrivate({ ...base, maxGradNorm: 0 }))).toMatch(/INVALID_ARGUMENT: `maxGradNorm` must be in \(0, ∞\)/);
    expect(code(() => makePrivate({ ...base, noiseMultiplier: -1 }))).toMatch(/INVALID_ARGUMENT: `noiseMultiplier` must be in \[0, ∞\)/);
    expect(code(() => makePrivate({ ...base, sampleRate: 0 }))).toMatch(/INVALID_ARGUMENT: `sampleRate` must be in \(0, 1\]/);
    expect(code(() => makePrivate({ ...base, sampleRate: 1.5 }))).toMatch(/INVALID_ARGUMENT: `sampleRate` must be in \(0, 1\]/);
    expect(code(() => makePrivate({ ...base, datasetSize: 0 }))).toMatch(/INVALID_ARGUMENT: `datasetSize` must be an integer ≥ 1/);
    expect(code(() => makePrivate({ ...base, noiseMultiplier: undefined }))).toMatch(/INVALID_ARGUMENT: Give `noiseMultiplier`/);
    const priv = makePrivate(base);
    const [xb, yb] = [x(), tf.zeros([3, 3])];
    expect(code(() => priv.step(xb, yb))).toMatch(/INVALID_ARGUMENT: x and y must have the same batch size; got 12 and 3/);
    tf.dispose([xb, yb]);
  });
});
