/**
 * The mechanisms checkDp is measured on, correct and deliberately broken, shared by the rate test and
 * the DP-SGD tests. Each is a function of (dataset, random) only.
 */
import * as tf from '@tensorflow/tfjs';
import erfc from '@stdlib/math-base-special-erfc';
import { PldAccountant, gaussian } from '../../accountant/index.js';
import { DpOptimizer } from '../../src/optimizer/DpOptimizer.js';
import { sampleGaussian, sampleLaplace, type Mechanism, type PrivacyClaim } from '../../src/testing/index.js';

/** Number of ones: a counting query, sensitivity 1 under add/remove. */
export const countOnes = (d: readonly number[]): number => d.filter((x) => x === 1).length;

/** Laplace counting query with scale b (ε = 1/b). */
export const laplaceCount = (b: number): Mechanism<number[]> => (d, random) => countOnes(d) + sampleLaplace(random, b);

/** Gaussian counting query with standard deviation σ. */
export const gaussianCount = (sigma: number): Mechanism<number[]> => (d, random) => countOnes(d) + sampleGaussian(random, sigma);

const Phi = (x: number): number => erfc(-x / Math.SQRT2) / 2;

/**
 * Exact δ(ε) of the Gaussian mechanism with sensitivity 1 and standard deviation σ
 * (Balle & Wang 2018, "Improving the Gaussian mechanism", Theorem 8).
 */
export function gaussianDelta(sigma: number, epsilon: number): number {
  return Phi(1 / (2 * sigma) - epsilon * sigma) - Math.exp(epsilon) * Phi(-1 / (2 * sigma) - epsilon * sigma);
}

/** The smallest σ with δ(ε) ≤ δ (bisection on Theorem 8; δ(ε) decreases in σ). */
export function analyticGaussianSigma(epsilon: number, delta: number): number {
  let [lo, hi] = [1e-3, 1e3];
  for (let i = 0; i < 200; i++) {
    const mid = Math.sqrt(lo * hi);
    if (gaussianDelta(mid, epsilon) > delta) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Histogram of category ids 0…m−1. */
function histogram(d: readonly number[], m: number): number[] {
  const counts = new Array<number>(m).fill(0);
  for (const x of d) counts[x]++;
  return counts;
}

function noisyArgmax(counts: readonly number[], random: () => number, scale: number): number {
  let [best, arg] = [-Infinity, 0];
  counts.forEach((c, i) => {
    const v = c + sampleLaplace(random, scale);
    if (v > best) [best, arg] = [v, i];
  });
  return arg;
}

/**
 * Report noisy max over the histogram of 3 categories with Laplace(1/ε) noise, releasing the index:
 * ε-DP for counting queries under add/remove (Dwork & Roth 2014, Claim 3.9).
 */
export const reportNoisyMax = (epsilon: number): Mechanism<number[]> => (d, random) => noisyArgmax(histogram(d, 3), random, 1 / epsilon);

/** The bug: the noisy arg max is found, but the released value is that category's noise-free count. */
export const noisyMaxReleasingCount = (epsilon: number): Mechanism<number[]> => (d, random) => {
  const counts = histogram(d, 3);
  return counts[noisyArgmax(counts, random, 1 / epsilon)];
};

/** A batch for the DP-SGD step: inputs [B, 2] and targets [B, 1]. */
export interface Batch {
  readonly x: number[][];
  readonly y: number[][];
}

/** Four ordinary examples, and the same with an outlier whose gradient norm is far above 1. */
export const dpSgdNeighbours: [Batch, Batch] = [
  { x: [[0.1, 0.2], [-0.3, 0.4], [0.5, -0.1], [0.2, 0.2]], y: [[0.1], [0.2], [-0.1], [0.3]] },
  { x: [[0.1, 0.2], [-0.3, 0.4], [0.5, -0.1], [0.2, 0.2], [1, -1]], y: [[0.1], [0.2], [-0.1], [0.3], [3]] },
];

/** σ of the DP-SGD step tested, and the (ε, δ) privkit's PLD accountant gives one such Gaussian step. */
export const DP_SGD_SIGMA = 2;
export function dpSgdClaim(): Required<PrivacyClaim> {
  return { epsilon: new PldAccountant().compose(gaussian(DP_SGD_SIGMA)).getEpsilon(1e-5), delta: 1e-5 };
}

/**
 * One DP-SGD step of privkit's DpOptimizer on a Dense(1) model (3 weights), released as the noisy
 * gradient sum (before the division by the batch size, which is post-processing). The clipped sum is the
 * optimizer's own `clipAndAccumulate`, computed once per dataset and cached: the noise is the step's only
 * randomness, so drawing it here from `random()` (N(0, σ²C²) per coordinate, as `addNoise` does) samples
 * the same distribution 100 000 times without 100 000 tfjs passes.
 *
 * `clipNorm` is the optimizer's maxGradNorm; the noise is calibrated to `noiseNorm`. Correct: equal.
 * Broken ("DP-SGD without clipping"): clipNorm 1e6 while the noise is still calibrated to 1.
 * With `projectOnto: [D, D′]` the output is ⟨u, noisy sum⟩ for the unit vector u along S(D′) − S(D):
 * a fixed post-processing for that pair (so it cannot raise ε), and a 1-D output that is cheaper to test.
 */
export function dpSgdStep(options: { clipNorm: number; noiseNorm: number; projectOnto?: readonly [Batch, Batch] }): Mechanism<Batch> {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) })] });
  const dp = new DpOptimizer({ model, optimizer: tf.train.sgd(0), loss: 'meanSquaredError', maxGradNorm: options.clipNorm, noiseMultiplier: DP_SGD_SIGMA, expectedBatchSize: 5 });
  const std = DP_SGD_SIGMA * options.noiseNorm;
  const sums = new Map<Batch, Float64Array>();
  const clippedSum = (batch: Batch): Float64Array => {
    let s = sums.get(batch);
    if (s === undefined) {
      const [x, y] = [tf.tensor2d(batch.x), tf.tensor2d(batch.y)];
      const c = dp.clipAndAccumulate(x, y);
      s = Float64Array.from(c.grads.flatMap((g) => Array.from(g.dataSync())));
      tf.dispose([x, y, c.perExampleNorms, c.clipFactors, c.losses, ...c.grads]);
      sums.set(batch, s);
    }
    return s;
  };
  let u: Float64Array | null = null;
  if (options.projectOnto !== undefined) {
    const [a, b] = options.projectOnto.map(clippedSum);
    const diff = b.map((v, j) => v - a[j]);
    const norm = Math.hypot(...diff);
    u = diff.map((v) => v / norm);
  }
  return (batch, random) => {
    const s = clippedSum(batch);
    const out = new Float64Array(s.length);
    for (let j = 0; j < s.length; j++) out[j] = s[j] + sampleGaussian(random, std);
    return u === null ? out : out.reduce((acc, v, j) => acc + v * (u as Float64Array)[j], 0);
  };
}

/** ‖S(D′) − S(D)‖₂ of privkit's clipped sum for the DP-SGD pair: the outlier's clipped contribution. */
export function dpSgdContribution(clipNorm: number): number {
  const step = dpSgdStep({ clipNorm, noiseNorm: 0 });
  const [a, b] = dpSgdNeighbours.map((d) => step(d, () => 0.5) as Float64Array);
  return Math.hypot(...b.map((v, j) => v - a[j]));
}
